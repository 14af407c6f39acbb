import type { IndicatorAggregation, IndicatorUnit } from './indicator.entity';
import type { ObservationStatus } from './observation.entity';
import { cleanNumber, formatIndicatorChange, formatIndicatorValue } from './indicator-format';

/**
 * Roll-up arithmetic, free of any framework so that it can be tested on plain numbers: how a région's value is
 * obtained from its own observation and from those of its départements. The method is described in
 * docs/indicators.md; the service (rollup.service.ts) only loads the rows and calls `rollup()`.
 */

/** One stored value as the roll-up sees it (the caller has already dropped what the reader may not see). */
export interface RollupCell {
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  status: ObservationStatus;
  doubtful?: boolean;
}

export interface RollupInput {
  aggregation: IndicatorAggregation;
  unit: IndicatorUnit;
  decimals: number;
  /** The région's own observation, if any. */
  direct: RollupCell | null;
  /** One entry per département of the région, with `null` when it has no value. */
  parts: { territory: string; cell: RollupCell | null }[];
}

export type RollupMethod = 'direct' | 'sum' | 'ratio';

export interface RollupCoverage {
  /** Départements whose value enters the computation. */
  reported: number;
  /** Départements of the région. */
  expected: number;
  missing: string[];
}

export interface RollupComputed {
  value: number;
  /** Sums of the départements' numerators and denominators, for a ratio. */
  numerator: number | null;
  denominator: number | null;
  status: ObservationStatus;
  method: 'sum' | 'ratio';
}

export interface RollupConsistency {
  regional: number;
  computed: number;
  /** Regional minus computed, in the indicator's unit (points for a rate). */
  difference: number;
  tolerance: number;
  /** `null` when the comparison cannot judge: a rate over some départements only is not the région's rate. */
  consistent: boolean | null;
  warning: string | null;
}

export interface RollupPart {
  territory: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  status: ObservationStatus | null;
  doubtful: boolean;
  /** Whether this value enters the value computed from the départements. */
  used: boolean;
  note: string | null;
}

export interface RollupResult {
  value: number | null;
  /** `validated` only when every value it is made of is validated. */
  status: ObservationStatus | null;
  method: RollupMethod | null;
  /** In French: where the value comes from. */
  provenance: string;
  /** A direct value, or a computation over every département: a partial sum is not the région's value. */
  complete: boolean;
  coverage: RollupCoverage;
  computed: RollupComputed | null;
  consistency: RollupConsistency | null;
  parts: RollupPart[];
  warnings: string[];
}

/** A direct value and the sum of the départements may differ by this share of the direct value (rounding, late
 * corrections) before a warning is raised… */
export const SUM_RELATIVE_TOLERANCE = 0.005;
/** …and by at least one unit of the indicator's last decimal, so that small counts do not warn on rounding alone. */
export const MIN_ABSOLUTE_TOLERANCE_UNITS = 1;
/** A published rate and the rate recomputed from the départements may differ by this many points. */
export const RATE_POINT_TOLERANCE = 0.5;

export const PROVENANCE_LABELS = {
  direct: 'valeur régionale observée',
  sum: 'somme des départements',
  ratio: 'ratio recomputé (somme des numérateurs / somme des dénominateurs des départements)',
  none: 'aucune valeur',
} as const;

/**
 * How far a regional value and the value computed from its départements may drift apart before they are called
 * inconsistent: points for a rate in percent, otherwise a share of the regional value with a floor of one unit.
 */
export function consistencyTolerance(
  unit: IndicatorUnit,
  aggregation: IndicatorAggregation,
  decimals: number,
  regional: number,
): number {
  if (aggregation === 'ratio' && unit === 'percent') return RATE_POINT_TOLERANCE;
  const unitStep = MIN_ABSOLUTE_TOLERANCE_UNITS * Math.pow(10, -decimals);
  return cleanNumber(Math.max(SUM_RELATIVE_TOLERANCE * Math.abs(regional), unitStep));
}

export function rollup(input: RollupInput): RollupResult {
  const { aggregation, unit, decimals, direct } = input;
  const fmt = (v: number) => formatIndicatorValue(v, unit, decimals);
  const warnings: string[] = [];

  const parts: RollupPart[] = input.parts.map(({ territory, cell }) => {
    const usable =
      cell !== null &&
      (aggregation === 'sum'
        ? cell.value !== null
        : aggregation === 'ratio'
          ? cell.numerator !== null && cell.denominator !== null && cell.denominator > 0
          : false);
    let note: string | null = null;
    // A rate published without its parts cannot be weighted: averaging it with the others is exactly the error the
    // roll-up exists to avoid, so it is left out and said so.
    if (aggregation === 'ratio' && cell !== null && !usable)
      note = 'taux publié sans numérateur ni dénominateur : il ne peut pas entrer dans le recalcul';
    return {
      territory,
      value: cell?.value ?? null,
      numerator: cell?.numerator ?? null,
      denominator: cell?.denominator ?? null,
      status: cell?.status ?? null,
      doubtful: Boolean(cell?.doubtful),
      used: usable,
      note,
    };
  });
  const used = parts.filter((p) => p.used);
  // For an indicator that does not add up, coverage only says which départements have a value at all.
  const counted = aggregation === 'none' ? parts.filter((p) => p.value !== null) : used;
  const coverage: RollupCoverage = {
    reported: counted.length,
    expected: parts.length,
    missing: parts.filter((p) => !counted.includes(p)).map((p) => p.territory),
  };
  const fullCoverage = coverage.expected > 0 && coverage.reported === coverage.expected;

  let computed: RollupComputed | null = null;
  if (used.length > 0 && aggregation !== 'none') {
    const status: ObservationStatus = used.every((p) => p.status === 'validated')
      ? 'validated'
      : 'provisional';
    if (aggregation === 'sum') {
      computed = {
        value: cleanNumber(used.reduce((s, p) => s + p.value!, 0)),
        numerator: null,
        denominator: null,
        status,
        method: 'sum',
      };
    } else {
      // Never the mean of the départements' rates: a rate is recomputed from summed numerators and denominators,
      // so that a large département weighs as much as it counts.
      const numerator = cleanNumber(used.reduce((s, p) => s + p.numerator!, 0));
      const denominator = cleanNumber(used.reduce((s, p) => s + p.denominator!, 0));
      const scale = unit === 'percent' ? 100 : 1;
      computed = {
        value: cleanNumber((numerator / denominator) * scale),
        numerator,
        denominator,
        status,
        method: 'ratio',
      };
    }
  }

  // A stored row always has a value (the validator computes a rate's); the check keeps the type honest.
  const regional = direct && direct.value !== null ? direct.value : null;
  let consistency: RollupConsistency | null = null;
  if (regional !== null && computed) {
    const tolerance = consistencyTolerance(unit, aggregation, decimals, regional);
    const difference = cleanNumber(regional - computed.value);
    const what =
      computed.method === 'sum' ? 'la somme des départements' : 'le taux recomputé à partir des départements';
    let warning: string | null = null;
    if (fullCoverage && Math.abs(difference) > tolerance) {
      // Enough decimals that a difference just over the tolerance does not print as equal to it.
      let shown = decimals;
      const size = (v: number) => formatIndicatorChange(Math.abs(v), unit, shown).replace(/^\+/, '');
      while (size(difference) === size(tolerance) && shown < decimals + 3) shown += 1;
      warning =
        `Incohérence : la valeur régionale (${fmt(regional)}) et ${what} (${fmt(computed.value)}) diffèrent de ` +
        `${formatIndicatorChange(difference, unit, shown)}, au-delà de la tolérance (${size(tolerance)}) : ` +
        'vérifiez les sources.';
    } else if (!fullCoverage && computed.method === 'sum' && computed.value - regional > tolerance) {
      // With départements missing, a lower sum is expected; a higher one cannot be right for quantities that add up.
      warning =
        `Incohérence : la somme des seuls départements renseignés (${fmt(computed.value)}, ` +
        `${coverage.reported} sur ${coverage.expected}) dépasse déjà la valeur régionale (${fmt(regional)}) : ` +
        'vérifiez les sources.';
    }
    const judged = fullCoverage || computed.method === 'sum';
    consistency = {
      regional,
      computed: computed.value,
      difference,
      tolerance,
      consistent: judged ? warning === null : null,
      warning,
    };
    if (warning) warnings.push(warning);
  }

  const doubtful = (list: RollupPart[]) => list.filter((p) => p.doubtful).map((p) => p.territory);

  if (direct && regional !== null) {
    if (direct.doubtful) warnings.push('La valeur régionale est signalée comme douteuse dans sa source.');
    return {
      value: regional,
      status: direct.status,
      method: 'direct',
      provenance: PROVENANCE_LABELS.direct,
      complete: true,
      coverage,
      computed,
      consistency,
      parts,
      warnings,
    };
  }

  if (computed) {
    if (!fullCoverage) {
      warnings.push(
        `Valeur partielle : ${coverage.reported} département${coverage.reported > 1 ? 's' : ''} sur ` +
          `${coverage.expected} ; manque${coverage.missing.length > 1 ? 'nt' : ''} ${coverage.missing.join(', ')}.`,
      );
    }
    const suspicious = doubtful(used);
    if (suspicious.length)
      warnings.push(`Valeur signalée comme douteuse dans sa source pour : ${suspicious.join(', ')}.`);
    return {
      value: computed.value,
      status: computed.status,
      method: computed.method,
      provenance: fullCoverage
        ? PROVENANCE_LABELS[computed.method]
        : `${PROVENANCE_LABELS[computed.method]}, partiel (${coverage.reported} sur ${coverage.expected})`,
      complete: fullCoverage,
      coverage,
      computed,
      consistency,
      parts,
      warnings,
    };
  }

  if (aggregation === 'none' && parts.some((p) => p.value !== null))
    warnings.push("Cet indicateur ne s'agrège pas : seule une valeur régionale observée peut être donnée.");
  return {
    value: null,
    status: null,
    method: null,
    provenance: PROVENANCE_LABELS.none,
    complete: false,
    coverage,
    computed,
    consistency,
    parts,
    warnings,
  };
}
