import { PluginError, type FetchRequest, type PluginWarning, type SourceRecord } from '@cap-iae/plugin-sdk';
import type { SqlConfig, TerritoryFormat } from './config';

const CODE = /^[A-Z][A-Z0-9_]*$/;
const CAP_IAE_TERRITORY = /^(FR|REG-\d{2}|DEP-(\d{2,3}|2A|2B))$/;
const PERIOD = /^(\d{4})(?:-?T([1-4]))?$/i;
const NUMBER_TEXT = /^[+-]?(\d+([.,]\d*)?|[.,]\d+)(e[+-]?\d+)?$/i;

/** How a cell is quoted in a message: short enough to keep a report readable. */
function shown(v: unknown): string {
  const text =
    typeof v === 'string' ? v : v instanceof Date ? v.toISOString() : (JSON.stringify(v) ?? String(v));
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

const INVALID = Symbol('invalid');

/** Numbers as drivers give them: JS numbers, bigints, and text for PostgreSQL numeric/bigint (decimal comma accepted). */
export function toNumber(v: unknown): number | null | typeof INVALID {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : INVALID;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') {
    const t = v.trim();
    if (!t) return null;
    return NUMBER_TEXT.test(t) ? Number(t.replace(',', '.')) : INVALID;
  }
  return INVALID;
}

export function toTerritory(v: unknown, format: TerritoryFormat): string | undefined {
  if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'bigint') return undefined;
  let code = String(v).trim().toUpperCase();
  switch (format) {
    case 'cap-iae':
      return CAP_IAE_TERRITORY.test(code) ? code : undefined;
    case 'insee-departement':
      // Integer columns lose the leading zero of 01…09.
      if (/^\d$/.test(code)) code = `0${code}`;
      return /^(\d{2}|2A|2B|97\d)$/.test(code) ? `DEP-${code}` : undefined;
    case 'insee-region':
      if (/^\d$/.test(code)) code = `0${code}`;
      return /^\d{2}$/.test(code) ? `REG-${code}` : undefined;
  }
}

/** `2021`, 2021 (a number), `2021-T3`, `2021T3` → the Cap IAE period. */
export function toPeriod(v: unknown): string | undefined {
  if (typeof v === 'number' || typeof v === 'bigint') {
    const n = Number(v);
    return Number.isInteger(n) && n >= 1000 && n <= 9999 ? String(n) : undefined;
  }
  if (typeof v !== 'string') return undefined;
  const m = PERIOD.exec(v.trim());
  if (!m) return undefined;
  return m[2] ? `${m[1]}-T${m[2]}` : m[1];
}

/** Quarter span of a period, so that `2021-T3` is within a range ending in `2021`. */
function span(period: string): [number, number] | undefined {
  const m = /^(\d{4})(?:-T([1-4]))?$/.exec(period);
  if (!m) return undefined;
  const year = Number(m[1]) * 4;
  return m[2] ? [year + Number(m[2]) - 1, year + Number(m[2]) - 1] : [year, year + 3];
}

export function requested(request: FetchRequest, record: SourceRecord): boolean {
  if (request.indicators?.length && !request.indicators.includes(record.indicator)) return false;
  if (request.territories?.length && !request.territories.includes(record.territory)) return false;
  const p = span(record.period);
  const from = request.periodFrom ? span(request.periodFrom) : undefined;
  const to = request.periodTo ? span(request.periodTo) : undefined;
  if (p && from && p[0] < from[0]) return false;
  if (p && to && p[1] > to[1]) return false;
  return true;
}

/**
 * Finds a configured column among those the query returned. PostgreSQL folds unquoted names to lower case, so an
 * exact match is tried first, then a case-insensitive one if it is unambiguous.
 */
function resolve(wanted: string, available: readonly string[]): string | undefined {
  if (available.includes(wanted)) return wanted;
  const folded = available.filter((c) => c.toLowerCase() === wanted.toLowerCase());
  return folded.length === 1 ? folded[0] : undefined;
}

export type RowOutcome =
  | { record: SourceRecord; warnings?: undefined }
  | { record?: undefined; warnings: PluginWarning[] };

/** Turns result rows into records, once the result's columns are known to hold everything the mapping names. */
export class RowMapper {
  private readonly col: Record<
    'indicator' | 'territory' | 'period' | 'value' | 'numerator' | 'denominator',
    string | undefined
  >;
  private readonly dimensions: [string, string][];

  constructor(
    private readonly config: SqlConfig,
    resultColumns: readonly string[],
    private readonly sourceLabel: string,
  ) {
    const missing: string[] = [];
    const find = (wanted: string | undefined) => {
      if (wanted === undefined) return undefined;
      const found = resolve(wanted, resultColumns);
      if (found === undefined) missing.push(wanted);
      return found;
    };
    const c = config.columns;
    this.col = {
      indicator: find(c.indicator),
      territory: find(c.territory),
      period: find(c.period),
      value: find(c.value),
      numerator: find(c.numerator),
      denominator: find(c.denominator),
    };
    this.dimensions = config.dimensions.map(([name, column]) => [name, find(column) ?? column]);
    if (missing.length) {
      throw new PluginError(
        'SOURCE_FORMAT',
        `colonne(s) ${missing.map((m) => `« ${m} »`).join(', ')} absente(s) du résultat de la requête (colonnes : ${resultColumns.join(', ') || 'aucune'})`,
      );
    }
  }

  map(row: Record<string, unknown>, line: number): RowOutcome {
    const warnings: PluginWarning[] = [];
    const problem = (column: string | undefined, message: string) => warnings.push({ line, column, message });
    const cell = (column: string | undefined) => (column === undefined ? undefined : row[column]);

    let indicator = this.config.indicator;
    if (indicator === undefined) {
      const raw = cell(this.col.indicator);
      const code = typeof raw === 'string' ? raw.trim().toUpperCase() : '';
      if (CODE.test(code)) indicator = code;
      else problem(this.col.indicator, `code d'indicateur « ${shown(raw)} » invalide`);
    }

    const rawTerritory = cell(this.col.territory);
    const territory = toTerritory(rawTerritory, this.config.territoryFormat);
    if (!territory)
      problem(
        this.col.territory,
        `territoire « ${shown(rawTerritory)} » invalide (${EXPECTED[this.config.territoryFormat]})`,
      );

    const rawPeriod = cell(this.col.period);
    const period = toPeriod(rawPeriod);
    if (!period)
      problem(this.col.period, `période « ${shown(rawPeriod)} » invalide (attendu : 2021 ou 2021-T3)`);

    const number = (field: 'value' | 'numerator' | 'denominator', label: string) => {
      const column = this.col[field];
      if (column === undefined) return null;
      const n = toNumber(row[column]);
      if (n === INVALID) {
        problem(column, `${label} « ${shown(row[column])} » n'est pas un nombre`);
        return null;
      }
      return n;
    };
    const value = number('value', 'valeur');
    const numerator = number('numerator', 'numérateur');
    const denominator = number('denominator', 'dénominateur');

    const dimensions: Record<string, string> = {};
    for (const [name, column] of this.dimensions) {
      const v = row[column];
      if (v === null || v === undefined || v === '') continue;
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint') {
        const text = String(v).trim();
        if (text) dimensions[name] = text;
      } else problem(column, `ventilation ${name} : valeur « ${shown(v)} » illisible`);
    }

    if (warnings.length) return { warnings };
    const hasParts = numerator !== null || denominator !== null;
    if (hasParts && (numerator === null || denominator === null)) {
      problem(
        this.col[numerator === null ? 'numerator' : 'denominator'],
        'numérateur et dénominateur vont ensemble : une des deux cellules est vide',
      );
    } else if (hasParts && denominator! <= 0) {
      problem(this.col.denominator, `dénominateur ${denominator} : un nombre positif est attendu`);
    } else if (hasParts && numerator! < 0) {
      problem(this.col.numerator, `numérateur ${numerator} : un nombre positif ou nul est attendu`);
    } else if (!hasParts && value === null) {
      problem(this.col.value ?? this.col.numerator, 'aucune valeur (cellule vide)');
    }
    if (warnings.length) return { warnings };

    const record: SourceRecord = { indicator: indicator!, territory: territory!, period: period! };
    if (Object.keys(dimensions).length) record.dimensions = dimensions;
    if (value !== null) record.value = value;
    if (hasParts) {
      record.numerator = numerator;
      record.denominator = denominator;
    }
    record.sourceRef = `${this.sourceLabel}, ligne ${line}`;
    record.line = line;
    return { record };
  }
}

const EXPECTED: Record<TerritoryFormat, string> = {
  'cap-iae': 'attendu : REG-11, DEP-93 ou FR',
  'insee-departement': 'attendu : code INSEE de département, ex. 93, 2A, 971',
  'insee-region': 'attendu : code INSEE de région, ex. 11',
};
