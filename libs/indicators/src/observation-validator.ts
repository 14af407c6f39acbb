import {
  DomainError,
  FieldIssue,
  dimensionIssues,
  dimensionKey,
  parsePeriod,
  periodIssue,
  formatPeriod,
} from '@cap-iae/shared';
import type { IndicatorAggregation, IndicatorUnit } from './indicator.entity';
import { OBSERVATION_STATUSES } from './observation.entity';
import type { NormalisedObservation, ObservationInput } from './observation-input';

export interface IndicatorRules {
  code: string;
  unit: IndicatorUnit;
  aggregation: IndicatorAggregation;
  dimensions: readonly string[];
}

/** Past this many issues the report stops listing: a file with 10 000 bad rows needs the pattern, not every row. */
export const MAX_REPORTED_ISSUES = 1000;

const KNOWN_FIELDS = new Set([
  'indicator',
  'territory',
  'period',
  'dimensions',
  'value',
  'numerator',
  'denominator',
  'status',
  'sourceLabel',
  'doubtful',
  'note',
  'line',
  'sourceRef',
]);

/**
 * Checks every record against the catalogue before anything is written, and turns valid ones into table rows.
 * It never throws on the first problem: it collects them all so that the person fixing a file sees every line at once.
 */
export class ObservationValidator {
  constructor(
    private readonly indicators: ReadonlyMap<string, IndicatorRules>,
    private readonly territoryExists: (code: string) => boolean,
  ) {}

  validate(
    records: readonly ObservationInput[],
    describe: (index: number) => string = (i) => `records[${i}]`,
    labelPrefix?: string,
  ): { rows: NormalisedObservation[]; indexes: number[]; issues: FieldIssue[]; issueCount: number } {
    const rows: NormalisedObservation[] = [];
    // Position in `records` of each accepted row, so that callers can keep the input's line numbers.
    const indexes: number[] = [];
    const issues: FieldIssue[] = [];
    let issueCount = 0;
    const seen = new Map<string, number>();
    const push = (issue: FieldIssue) => {
      issueCount += 1;
      if (issues.length < MAX_REPORTED_ISSUES) issues.push(issue);
    };

    for (let i = 0; i < records.length; i++) {
      const where = describe(i);
      const before = issueCount;
      const row = this.normalise(records[i], where, push, labelPrefix);
      if (!row || issueCount !== before) continue;
      const key = `${row.indicatorCode}|${row.territoryCode}|${row.period}|${row.dimensionKey}`;
      const first = seen.get(key);
      if (first !== undefined) {
        push({
          field: where,
          message: `même indicateur, territoire, période et ventilation que ${describe(first)}`,
        });
        continue;
      }
      seen.set(key, i);
      rows.push(row);
      indexes.push(i);
    }
    return { rows, indexes, issues, issueCount };
  }

  validateOrThrow(
    records: readonly ObservationInput[],
    describe?: (index: number) => string,
  ): NormalisedObservation[] {
    const { rows, issues, issueCount } = this.validate(records, describe);
    if (issueCount > 0) {
      const more =
        issueCount > issues.length
          ? ` (${issueCount} erreurs, les ${issues.length} premières sont listées)`
          : '';
      throw DomainError.validation(
        issues,
        `Aucune valeur n'a été enregistrée : ${issueCount} erreur(s) à corriger${more}.`,
      );
    }
    return rows;
  }

  private normalise(
    input: ObservationInput,
    where: string,
    push: (issue: FieldIssue) => void,
    labelPrefix?: string,
  ): NormalisedObservation | undefined {
    if (typeof input !== 'object' || input === null) {
      push({ field: where, message: 'doit être un objet' });
      return undefined;
    }
    for (const field of Object.keys(input)) {
      if (!KNOWN_FIELDS.has(field)) push({ field: `${where}.${field}`, message: 'champ inconnu' });
    }
    const indicator = typeof input.indicator === 'string' ? this.indicators.get(input.indicator) : undefined;
    if (!indicator) {
      push({
        field: `${where}.indicator`,
        message:
          typeof input.indicator === 'string'
            ? `indicateur inconnu « ${input.indicator} »`
            : "code d'indicateur manquant",
      });
    }
    if (typeof input.territory !== 'string' || !this.territoryExists(input.territory)) {
      push({
        field: `${where}.territory`,
        message:
          typeof input.territory === 'string'
            ? `territoire inconnu « ${input.territory} » (attendu : REG-11, DEP-93…)`
            : 'code de territoire manquant',
      });
    }
    const periodProblem = periodIssue(`${where}.period`, input.period);
    if (periodProblem) push(periodProblem);
    if (input.status !== undefined && !OBSERVATION_STATUSES.includes(input.status)) {
      push({
        field: `${where}.status`,
        message: 'doit valoir provisional (provisoire) ou validated (validé)',
      });
    }
    if (input.doubtful !== undefined && typeof input.doubtful !== 'boolean') {
      push({ field: `${where}.doubtful`, message: 'doit être vrai ou faux' });
    }
    for (const field of ['sourceLabel', 'note', 'sourceRef'] as const) {
      const v = input[field];
      if (v !== undefined && v !== null && typeof v !== 'string')
        push({ field: `${where}.${field}`, message: 'doit être un texte' });
    }
    if (!indicator) return undefined;
    const dimProblems = dimensionIssues(`${where}.dimensions`, input.dimensions, indicator.dimensions);
    dimProblems.forEach(push);
    const value = this.valueOf(input, indicator, where, push);
    if (value === undefined || periodProblem || dimProblems.length > 0) return undefined;
    return {
      indicatorCode: indicator.code,
      territoryCode: input.territory,
      period: formatPeriod(parsePeriod(String(input.period))!),
      dimensionKey: dimensionKey(input.dimensions),
      value: value.value,
      numerator: value.numerator,
      denominator: value.denominator,
      status: input.status ?? 'provisional',
      sourceLabel:
        input.sourceLabel ??
        (labelPrefix === undefined
          ? null
          : (input.sourceRef ? `${labelPrefix} (${input.sourceRef})` : labelPrefix).slice(0, 500)),
      line: input.line,
      doubtful: input.doubtful ?? false,
      note: input.note ?? null,
    };
  }

  private valueOf(
    input: ObservationInput,
    indicator: IndicatorRules,
    where: string,
    push: (issue: FieldIssue) => void,
  ): { value: number; numerator: number | null; denominator: number | null } | undefined {
    const has = (v: unknown) => v !== undefined && v !== null;
    const numberIssue = (field: string, v: unknown) => {
      if (!has(v)) return false;
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        push({ field: `${where}.${field}`, message: 'doit être un nombre' });
        return true;
      }
      return false;
    };
    const bad = [
      numberIssue('value', input.value),
      numberIssue('numerator', input.numerator),
      numberIssue('denominator', input.denominator),
    ];
    if (bad.some(Boolean)) return undefined;

    const scale = indicator.unit === 'percent' ? 100 : 1;
    let value = has(input.value) ? input.value : undefined;
    let numerator: number | null = null;
    let denominator: number | null = null;

    if (indicator.aggregation === 'ratio' && (has(input.numerator) || has(input.denominator))) {
      if (!has(input.numerator) || !has(input.denominator)) {
        push({
          field: `${where}.${has(input.numerator) ? 'denominator' : 'numerator'}`,
          message: 'numérateur et dénominateur vont ensemble',
        });
        return undefined;
      }
      numerator = input.numerator;
      denominator = input.denominator;
      if (denominator <= 0 || numerator < 0) {
        push({
          field: `${where}.denominator`,
          message: 'le dénominateur doit être positif et le numérateur supérieur ou égal à zéro',
        });
        return undefined;
      }
      const computed = (numerator / denominator) * scale;
      // Published rates are rounded: half a tenth of a point is the tolerance between the value and its parts.
      if (value !== undefined && Math.abs(value - computed) > 0.05) {
        push({
          field: `${where}.value`,
          message: `ne correspond pas au rapport numérateur / dénominateur (${computed.toFixed(2)})`,
        });
        return undefined;
      }
      value = value ?? computed;
    } else if (has(input.numerator) || has(input.denominator)) {
      push({
        field: `${where}.numerator`,
        message: "cet indicateur n'est pas un ratio : donnez seulement une valeur",
      });
      return undefined;
    }

    if (value === undefined) {
      push({
        field: `${where}.value`,
        message:
          indicator.aggregation === 'ratio'
            ? 'valeur ou numérateur et dénominateur requis'
            : 'valeur requise',
      });
      return undefined;
    }
    if (indicator.unit === 'percent' && indicator.aggregation === 'ratio' && (value < 0 || value > 100)) {
      push({ field: `${where}.value`, message: 'un taux doit être compris entre 0 et 100' });
      return undefined;
    }
    if (indicator.unit !== 'percent' && value < 0) {
      push({ field: `${where}.value`, message: 'doit être positif ou nul' });
      return undefined;
    }
    return { value, numerator, denominator };
  }
}
