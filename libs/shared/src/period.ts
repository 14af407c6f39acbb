import { FieldIssue } from './domain-error';

/** Earliest and latest years the platform accepts: the IAE exists since the 1980s; later than 2100 is a typo. */
export const MIN_YEAR = 1980;
export const MAX_YEAR = 2100;

export type PeriodGranularity = 'year' | 'quarter';

export interface Period {
  readonly year: number;
  readonly quarter?: 1 | 2 | 3 | 4;
}

const PERIOD_PATTERN = /^(\d{4})(?:-T([1-4]))?$/;

/**
 * Periods are written `2021` (a year) or `2021-T3` (a quarter, French « trimestre »). The textual form is the stored
 * key, so that series sort and compare as strings.
 */
export function parsePeriod(text: string): Period | undefined {
  const match = PERIOD_PATTERN.exec(text.trim());
  if (!match) return undefined;
  const year = Number(match[1]);
  if (year < MIN_YEAR || year > MAX_YEAR) return undefined;
  return match[2] ? { year, quarter: Number(match[2]) as 1 | 2 | 3 | 4 } : { year };
}

export function formatPeriod(period: Period): string {
  return period.quarter ? `${period.year}-T${period.quarter}` : String(period.year);
}

export function periodIssue(field: string, value: unknown): FieldIssue | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') {
    return { field, message: 'doit être une période (année « 2021 » ou trimestre « 2021-T3 »)' };
  }
  const text = String(value);
  if (!PERIOD_PATTERN.test(text.trim())) {
    return {
      field,
      message: `« ${text} » n'est pas une période valide (année « 2021 » ou trimestre « 2021-T3 »)`,
    };
  }
  if (!parsePeriod(text)) {
    return { field, message: `l'année doit être comprise entre ${MIN_YEAR} et ${MAX_YEAR}` };
  }
  return undefined;
}

export function isYearInRange(year: number): boolean {
  return Number.isInteger(year) && year >= MIN_YEAR && year <= MAX_YEAR;
}
