import { formatEuroFr, formatNumberFr, formatPercentFr } from '@cap-iae/shared';
import type { IndicatorUnit } from './indicator.entity';

/**
 * How a value of an indicator reads in French, in warnings and explanations alike, so that the same figure is written
 * the same way wherever the roll-up and the progress computation quote it.
 */
export function formatIndicatorValue(value: number, unit: IndicatorUnit, decimals: number): string {
  switch (unit) {
    case 'percent':
      return formatPercentFr(value, decimals);
    case 'euro':
      return formatEuroFr(value, decimals);
    case 'fte':
      return `${formatNumberFr(value, decimals)}\u00a0ETP`;
    case 'hours':
      return `${formatNumberFr(value, decimals)}\u00a0h`;
    case 'count':
      return formatNumberFr(value, decimals);
  }
}

/**
 * A difference between two values: rates move in points (35 % → 40 % is 5 points, not 14 %), other units in their
 * own unit. Always signed, so that the direction reads without context.
 */
export function formatIndicatorChange(change: number, unit: IndicatorUnit, decimals: number): string {
  // The sign follows what is printed: a change that rounds to nothing reads « 0 », not « +0 ».
  const factor = Math.pow(10, decimals);
  const printed = Math.round(change * factor) / factor;
  const sign = printed > 0 ? '+' : printed < 0 ? '−' : '';
  const size = Math.abs(change);
  if (unit === 'percent') {
    const points = formatNumberFr(size, decimals);
    return `${sign}${points}\u00a0${size >= 2 ? 'points' : 'point'}`;
  }
  return `${sign}${formatIndicatorValue(size, unit, decimals)}`;
}

/** Removes the binary noise of sums and divisions (0.1 + 0.2) without rounding away any meaningful digit. */
export function cleanNumber(value: number): number {
  return Number(value.toPrecision(12));
}
