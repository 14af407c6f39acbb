import type { PluginWarning, SourceRecord } from '@cap-iae/plugin-sdk';
import type { FieldRule, HttpJsonConfig, TerritoryFormat } from './config';
import { JsonPath, readPath } from './json-path';

/** Values of `{annee}` and `{territoire}` for the request an item came from. */
export type Variables = Partial<Record<'annee' | 'territoire', string>>;

export type Mapped = { record: SourceRecord } | { warning: PluginWarning };

export function substitute(
  template: string,
  variables: Variables,
  encode: (s: string) => string = (s) => s,
): string {
  return template.replace(/\{(annee|territoire)\}/g, (_all, name: 'annee' | 'territoire') =>
    encode(variables[name] ?? ''),
  );
}

/** Short, printable rendering of a source value for a warning (never the whole item: it may be large). */
export function show(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

const CAP_IAE_TERRITORY = /^(FR|REG-\d{2}|DEP-(\d{2}|2A|2B|97\d)|EPT-\w+|BASSIN-\w+)$/;

/** Turns a territory as the source writes it into a Cap IAE code, or null when it cannot be read. */
export function toTerritory(raw: unknown, format: TerritoryFormat): string | null {
  if (typeof raw !== 'string' && typeof raw !== 'number') return null;
  const text = String(raw).trim().toUpperCase();
  switch (format) {
    case 'cap-iae':
      return CAP_IAE_TERRITORY.test(text) ? text : null;
    case 'insee-departement': {
      // Sources that store codes as numbers lose the leading zero (1 for 01): it is put back.
      const code = /^\d$/.test(text) ? `0${text}` : text;
      // 20 is the pre-1976 Corsica code: it does not say which of 2A or 2B is meant.
      if (!/^(\d{2}|2A|2B|97[1-8])$/.test(code) || code === '00' || code === '20' || code === '96')
        return null;
      return `DEP-${code}`;
    }
    case 'insee-region': {
      const code = /^\d$/.test(text) ? `0${text}` : text;
      return /^\d{2}$/.test(code) && code !== '00' ? `REG-${code}` : null;
    }
  }
}

/** Accepts `2021`, 2021, `2021-T3`, `2021T3`, `2021-Q3`; returns the Cap IAE period or null. */
export function toPeriod(raw: unknown): string | null {
  if (typeof raw === 'number')
    return Number.isInteger(raw) && raw >= 1900 && raw <= 2100 ? String(raw) : null;
  if (typeof raw !== 'string') return null;
  const m = /^(\d{4})(?:-?[TQ]([1-4]))?$/i.exec(raw.trim());
  if (!m) return null;
  return m[2] ? `${m[1]}-T${m[2]}` : m[1];
}

/**
 * Reads a number as sources write them: JSON numbers, or text with French separators (`1 234,5`).
 * `undefined` = field absent, `null` = explicitly empty (e.g. a value withheld by statistical secrecy).
 */
export function toNumber(raw: unknown): number | null | undefined | 'invalid' {
  if (raw === undefined) return undefined;
  if (raw === null) return null;
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : 'invalid';
  if (typeof raw !== 'string') return 'invalid';
  const text = raw.replace(/[\s\u00A0\u202F]/g, '').replace(',', '.');
  if (text === '') return null;
  return /^[-+]?\d+(\.\d+)?$/.test(text) ? Number(text) : 'invalid';
}

/**
 * Maps one item to a record, or explains in French why it cannot be. `line` is the item's rank in the whole run
 * (1-based), so that a warning can be found again in the source's answers.
 */
export function mapItem(
  item: unknown,
  line: number,
  config: HttpJsonConfig,
  variables: Variables,
  sourceRef: string,
): Mapped {
  const warn = (message: string, column?: string): Mapped => ({ warning: { line, column, message } });
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    return warn(`élément ${line} ignoré : ce n'est pas un objet JSON`);
  }
  const { mapping } = config;

  const read = (rule: FieldRule): { raw: unknown; column?: string } =>
    rule.path
      ? { raw: readPath(item, rule.path), column: rule.path.text }
      : { raw: substitute(rule.value ?? '', variables) };

  const indicator = read(mapping.indicator);
  if (typeof indicator.raw !== 'string' || !indicator.raw.trim()) {
    return warn(
      `élément ${line} ignoré : indicateur absent ou illisible (${show(indicator.raw)})`,
      indicator.column,
    );
  }
  const territoryRaw = read(mapping.territory);
  const territory = toTerritory(territoryRaw.raw, mapping.territory.format);
  if (!territory) {
    const expected = {
      'cap-iae': 'code Cap IAE, ex. DEP-93 ou REG-11',
      'insee-departement': 'code INSEE de département, ex. 93 ou 2A',
      'insee-region': 'code INSEE de région, ex. 11',
    }[mapping.territory.format];
    return warn(
      `élément ${line} ignoré : territoire « ${show(territoryRaw.raw)} » illisible (attendu : ${expected})`,
      territoryRaw.column,
    );
  }
  const periodRaw = read(mapping.period);
  const period = toPeriod(periodRaw.raw);
  if (!period) {
    return warn(
      `élément ${line} ignoré : période « ${show(periodRaw.raw)} » illisible (attendu : 2021 ou 2021-T3)`,
      periodRaw.column,
    );
  }

  const record: SourceRecord = { indicator: indicator.raw.trim(), territory, period };
  const numbers: [keyof SourceRecord & ('value' | 'numerator' | 'denominator'), JsonPath | undefined][] = [
    ['value', mapping.value],
    ['numerator', mapping.numerator],
    ['denominator', mapping.denominator],
  ];
  for (const [field, path] of numbers) {
    if (!path) continue;
    const raw = readPath(item, path);
    const n = toNumber(raw);
    if (n === 'invalid')
      return warn(`élément ${line} ignoré : ${field} « ${show(raw)} » n'est pas un nombre`, path.text);
    if (n !== undefined) record[field] = n;
  }
  if (![record.value, record.numerator, record.denominator].some((v) => typeof v === 'number')) {
    return warn(
      `élément ${line} ignoré : aucune valeur numérique`,
      (mapping.value ?? mapping.numerator ?? mapping.denominator)?.text,
    );
  }

  const dimensions: Record<string, string> = {};
  for (const { name, path } of mapping.dimensions) {
    const raw = readPath(item, path);
    // Absent or null means "all": the record is then the total along that dimension.
    if (raw === undefined || raw === null || raw === '') continue;
    if (typeof raw !== 'string' && typeof raw !== 'number') {
      return warn(`élément ${line} ignoré : ventilation ${name} « ${show(raw)} » illisible`, path.text);
    }
    dimensions[name] = String(raw).trim();
  }
  if (Object.keys(dimensions).length) record.dimensions = dimensions;
  if (config.status) record.status = config.status;
  record.sourceRef = sourceRef;
  record.line = line;
  return { record };
}
