import type { IndicatorDirection, IndicatorUnit } from './indicator.entity';
import { cleanNumber, formatIndicatorChange, formatIndicatorValue } from './indicator-format';

/**
 * Progress of an indicator against its target, free of any framework so that the method can be read and tested on
 * plain numbers. The method is documented for people in docs/indicators.md; keep both in step.
 */

export const PROGRESS_STATUSES = ['atteint', 'en_bonne_voie', 'en_retard', 'non_renseigne'] as const;
export type ProgressStatus = (typeof PROGRESS_STATUSES)[number];
export const PROGRESS_STATUS_LABELS: Record<ProgressStatus, string> = {
  atteint: 'Atteint',
  en_bonne_voie: 'En bonne voie',
  en_retard: 'En retard',
  non_renseigne: 'Non renseigné',
};

/** Share of the progress expected at a date from which an indicator is « en bonne voie ». */
export const ON_TRACK_SHARE = 0.9;

export interface YearValue {
  year: number;
  value: number;
}

export interface ProgressInput {
  direction: IndicatorDirection;
  unit: IndicatorUnit;
  decimals: number;
  baseline: YearValue | null;
  target: YearValue | null;
  latest: YearValue | null;
}

export interface ProgressAssessment {
  status: ProgressStatus;
  /** Value the linear trajectory from baseline to target expects in the latest value's year. */
  expected: number | null;
  /** Change from the baseline, counted positive in the desired direction (points for a rate). */
  expectedChange: number | null;
  actualChange: number | null;
  /** `actualChange / expectedChange`: 1 means exactly on the trajectory. */
  share: number | null;
  /** In French, with the figures, so that a reader can redo the computation. */
  explanation: string;
}

/**
 * Values are compared at the precision the indicator is published with: a value that prints the same as its target
 * has reached it. Half a unit of the last decimal (0,05 point for a rate given to one decimal).
 */
export function reachTolerance(decimals: number): number {
  return 0.5 * Math.pow(10, -decimals);
}

/**
 * The situation the strategy started from: the value of the year before its first year, else the first value
 * available during the strategy (up to `untilYear`). Earlier years are not used: they predate the decisions the
 * strategy is judged on.
 */
export function chooseBaseline(
  series: readonly YearValue[],
  startYear: number,
  untilYear: number,
): YearValue | null {
  const before = series.find((v) => v.year === startYear - 1);
  if (before) return before;
  return (
    [...series]
      .filter((v) => v.year >= startYear && v.year <= untilYear)
      .sort((a, b) => a.year - b.year)[0] ?? null
  );
}

/** The most recent value up to the year assessed. */
export function chooseLatest(series: readonly YearValue[], untilYear: number): YearValue | null {
  return [...series].filter((v) => v.year <= untilYear).sort((a, b) => b.year - a.year)[0] ?? null;
}

/** The target the strategy aims at: that of its last year, else the latest one set within its years. */
export function chooseTarget(
  targets: readonly YearValue[],
  startYear: number,
  endYear: number,
): YearValue | null {
  return (
    targets.find((t) => t.year === endYear) ??
    [...targets].filter((t) => t.year >= startYear && t.year <= endYear).sort((a, b) => b.year - a.year)[0] ??
    null
  );
}

export function assessProgress(input: ProgressInput): ProgressAssessment {
  const { direction, unit, decimals, baseline, target, latest } = input;
  const fmt = (v: number) => formatIndicatorValue(v, unit, decimals);
  const change = (v: number) => formatIndicatorChange(v, unit, decimals);
  const none = { expected: null, expectedChange: null, actualChange: null, share: null };

  if (!target) {
    return { status: 'non_renseigne', ...none, explanation: 'Aucune cible n’est fixée pour ce territoire.' };
  }
  if (!latest) {
    return {
      status: 'non_renseigne',
      ...none,
      explanation: `Aucune valeur disponible à cette date (cible : ${fmt(target.value)} en ${target.year}).`,
    };
  }
  const sign = direction === 'up' ? 1 : -1;
  const tolerance = reachTolerance(decimals);
  // Reached in the desired direction: at or above the target when a rise is wanted, at or below when a fall is.
  if ((latest.value - target.value) * sign >= -tolerance) {
    return {
      status: 'atteint',
      ...none,
      actualChange: baseline ? cleanNumber((latest.value - baseline.value) * sign) : null,
      explanation:
        `${fmt(latest.value)} en ${latest.year} : la cible de ${fmt(target.value)} fixée pour ${target.year} ` +
        `est atteinte (${direction === 'up' ? 'hausse' : 'baisse'} souhaitée).`,
    };
  }
  if (!baseline || latest.year <= baseline.year) {
    return {
      status: 'non_renseigne',
      ...none,
      explanation:
        `${fmt(latest.value)} en ${latest.year}, cible ${fmt(target.value)} en ${target.year} : ` +
        'sans valeur de départ antérieure, le rythme de progression ne peut pas être mesuré.',
    };
  }

  const span = target.year - baseline.year;
  // Past the target's year the whole way should have been covered.
  const elapsed = span > 0 ? Math.min(1, (latest.year - baseline.year) / span) : 1;
  const plannedChange = (target.value - baseline.value) * sign;
  const actualChange = cleanNumber((latest.value - baseline.value) * sign);
  const trajectory = `trajectoire linéaire de ${fmt(baseline.value)} en ${baseline.year} à ${fmt(target.value)} en ${target.year}`;

  if (plannedChange <= tolerance) {
    // The target asked for no progress from the baseline, yet the value has fallen short of it since.
    return {
      status: 'en_retard',
      expected: target.value,
      expectedChange: 0,
      actualChange,
      share: null,
      explanation:
        `${fmt(latest.value)} en ${latest.year} : la cible de ${fmt(target.value)}, déjà atteinte en ` +
        `${baseline.year} (${fmt(baseline.value)}), ne l’est plus.`,
    };
  }

  const expectedChange = cleanNumber(plannedChange * elapsed);
  const expected = cleanNumber(baseline.value + sign * expectedChange);
  const share = cleanNumber(actualChange / expectedChange);
  // At or past the target's year there is no more time to catch up: short of the target is late, however close.
  const due = latest.year >= target.year;
  const onTrack = !due && share >= ON_TRACK_SHARE - 1e-9;
  // Changes are shown as the value moved (a wanted fall reads −3 points), the share in the desired direction.
  const moved = change(cleanNumber(latest.value - baseline.value));
  const planned = change(cleanNumber(expected - baseline.value));
  const verdict =
    Math.abs(actualChange) < tolerance
      ? 'soit aucune progression'
      : actualChange < 0
        ? 'soit une évolution dans le sens contraire à celui souhaité'
        : `soit ${Math.round(share * 100)}\u00a0% de la progression attendue`;
  return {
    status: onTrack ? 'en_bonne_voie' : 'en_retard',
    expected,
    expectedChange,
    actualChange,
    share,
    explanation:
      `${fmt(latest.value)} en ${latest.year} ; valeur attendue à cette date : ${fmt(expected)} (${trajectory}). ` +
      `Évolution depuis ${baseline.year} : ${moved}, contre une évolution prévue de ${planned}, ${verdict} ` +
      (due
        ? `(échéance ${target.year} passée : cible non atteinte).`
        : `(seuil « en bonne voie » : ${Math.round(ON_TRACK_SHARE * 100)}\u00a0%).`),
  };
}
