import { PluginError } from '@cap-iae/plugin-sdk';
import { MAX_YEAR, MIN_YEAR, TERRITORY_FORMAT_LABELS, TERRITORY_FORMATS, TerritoryFormat } from './codes';

export type Separator = ';' | ',' | '\t';
export type Encoding = 'utf-8' | 'windows-1252';

/** The saved column mapping, checked and normalised once so that the row loop never re-checks it. */
export interface FileConfig {
  indicatorColumn?: string;
  indicator?: string;
  territoryColumn: string;
  territoryFormat: TerritoryFormat;
  periodColumn?: string;
  /** Fixed period (`2021`) when the file has no period column. */
  period?: string;
  valueColumn?: string;
  numeratorColumn?: string;
  denominatorColumn?: string;
  /** [dimension, column] pairs, in the order given. */
  dimensionColumns: [string, string][];
  /** Wide layout: `true` for every column whose header is a period, or the columns to read. */
  yearColumns?: true | string[];
  sheet?: string;
  /** Undefined means: detect it from the header line. */
  separator?: Separator;
  /** Undefined means: detect it (BOM, then valid UTF-8, else Windows-1252). */
  encoding?: Encoding;
  headerRow: number;
}

const KNOWN_KEYS = new Set([
  'indicatorColumn',
  'indicator',
  'territoryColumn',
  'territoryFormat',
  'periodColumn',
  'year',
  'valueColumn',
  'numeratorColumn',
  'denominatorColumn',
  'dimensionColumns',
  'yearColumns',
  'sheet',
  'separator',
  'encoding',
  'headerRow',
]);

const DIMENSION_NAME = /^[a-z][a-z0-9_]{0,40}$/;

function invalid(message: string): never {
  throw new PluginError('CONFIG_INVALID', message);
}

/** An optional column reference: absent, or a non-empty text (header or letter). */
function column(raw: Record<string, unknown>, key: string, label: string): string | undefined {
  const v = raw[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string' || !v.trim())
    invalid(`« ${key} » (${label}) doit être un nom de colonne ou une lettre`);
  if (v.length > 200) invalid(`« ${key} » (${label}) : nom de colonne trop long`);
  return v.trim();
}

const SEPARATORS: Record<string, Separator | undefined> = {
  auto: undefined,
  ';': ';',
  ',': ',',
  tab: '\t',
  '\t': '\t',
  tabulation: '\t',
};

const ENCODINGS: Record<string, Encoding | undefined> = {
  auto: undefined,
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  'windows-1252': 'windows-1252',
  cp1252: 'windows-1252',
  // Files announced as Latin-1 are written by Windows tools in practice; Windows-1252 reads them identically
  // except that it also knows € and the curly quotes.
  'iso-8859-1': 'windows-1252',
  latin1: 'windows-1252',
};

/** Checks the saved mapping; every refusal is a PluginError('CONFIG_INVALID') with a French message. */
export function parseFileConfig(raw: Record<string, unknown>): FileConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    invalid('la configuration doit être un objet');
  const unknown = Object.keys(raw).filter((k) => !KNOWN_KEYS.has(k));
  if (unknown.length) invalid(`paramètre(s) inconnu(s) : ${unknown.join(', ')}`);

  const territoryColumn = column(raw, 'territoryColumn', 'colonne du territoire');
  if (!territoryColumn) invalid('« territoryColumn » (colonne du territoire) est obligatoire');

  const territoryFormat = (raw.territoryFormat ?? 'cap-iae') as TerritoryFormat;
  if (!TERRITORY_FORMATS.includes(territoryFormat)) {
    invalid(
      `« territoryFormat » inconnu « ${String(raw.territoryFormat)} » (attendu : ${TERRITORY_FORMATS.map(
        (f) => `${f} = ${TERRITORY_FORMAT_LABELS[f]}`,
      ).join(' ; ')})`,
    );
  }

  const indicatorColumn = column(raw, 'indicatorColumn', "colonne de l'indicateur");
  let indicator: string | undefined;
  if (raw.indicator !== undefined && raw.indicator !== null && raw.indicator !== '') {
    if (typeof raw.indicator !== 'string' || !raw.indicator.trim())
      invalid('« indicator » doit être un code d’indicateur');
    indicator = raw.indicator.trim();
  }
  if (!indicatorColumn && !indicator) {
    invalid(
      "indiquez la colonne de l'indicateur (« indicatorColumn ») ou un indicateur fixe (« indicator »)",
    );
  }
  if (indicatorColumn && indicator) {
    invalid(
      "« indicatorColumn » et « indicator » s'excluent : une colonne d'indicateur ou un indicateur fixe",
    );
  }

  const periodColumn = column(raw, 'periodColumn', 'colonne de la période');
  let period: string | undefined;
  if (raw.year !== undefined && raw.year !== null && raw.year !== '') {
    const y = typeof raw.year === 'string' ? Number(raw.year) : raw.year;
    if (typeof y !== 'number' || !Number.isInteger(y) || y < MIN_YEAR || y > MAX_YEAR) {
      invalid(`« year » (année fixe) doit être une année entre ${MIN_YEAR} et ${MAX_YEAR}`);
    }
    period = String(y);
  }
  const valueColumn = column(raw, 'valueColumn', 'colonne de la valeur');
  const numeratorColumn = column(raw, 'numeratorColumn', 'colonne du numérateur');
  const denominatorColumn = column(raw, 'denominatorColumn', 'colonne du dénominateur');

  let yearColumns: true | string[] | undefined;
  const yc = raw.yearColumns;
  if (yc === true) yearColumns = true;
  else if (Array.isArray(yc) && yc.length > 0) {
    if (yc.some((c) => typeof c !== 'string' || !c.trim()))
      invalid('« yearColumns » : liste de noms de colonnes attendue');
    yearColumns = (yc as string[]).map((c) => c.trim());
  } else if (yc !== undefined && yc !== null && yc !== false && !(Array.isArray(yc) && yc.length === 0)) {
    invalid('« yearColumns » doit valoir true ou une liste de colonnes dont l’en-tête est une année');
  }

  if (yearColumns) {
    const clash = [
      ['periodColumn', periodColumn],
      ['year', period],
      ['valueColumn', valueColumn],
      ['numeratorColumn', numeratorColumn],
      ['denominatorColumn', denominatorColumn],
    ].filter(([, v]) => v !== undefined);
    if (clash.length) {
      invalid(
        `présentation large (« yearColumns ») : la période et la valeur viennent des colonnes d'années, retirez ${clash
          .map(([k]) => `« ${k} »`)
          .join(', ')}`,
      );
    }
  } else {
    if (!periodColumn && !period) {
      invalid(
        'indiquez la colonne de la période (« periodColumn »), une année fixe (« year ») ou « yearColumns »',
      );
    }
    if (periodColumn && period)
      invalid("« periodColumn » et « year » s'excluent : une colonne de période ou une année fixe");
    if (!valueColumn && !numeratorColumn && !denominatorColumn) {
      invalid('indiquez la colonne de la valeur (« valueColumn ») ou du numérateur et du dénominateur');
    }
    if (!numeratorColumn !== !denominatorColumn) {
      invalid('« numeratorColumn » et « denominatorColumn » vont ensemble');
    }
  }

  const dimensionColumns: [string, string][] = [];
  const dims = raw.dimensionColumns;
  if (dims !== undefined && dims !== null) {
    if (typeof dims !== 'object' || Array.isArray(dims)) {
      invalid(
        '« dimensionColumns » doit associer une dimension à une colonne, ex. { "siae_type": "Type de structure" }',
      );
    }
    for (const [name, col] of Object.entries(dims as Record<string, unknown>)) {
      if (!DIMENSION_NAME.test(name)) {
        invalid(
          `« dimensionColumns » : « ${name} » n'est pas un nom de dimension (ex. siae_type, public, sex, age_band)`,
        );
      }
      if (typeof col !== 'string' || !col.trim())
        invalid(`« dimensionColumns.${name} » doit être un nom de colonne ou une lettre`);
      dimensionColumns.push([name, col.trim()]);
    }
  }

  let sheet: string | undefined;
  if (raw.sheet !== undefined && raw.sheet !== null && raw.sheet !== '') {
    if (typeof raw.sheet !== 'string' || !raw.sheet.trim()) invalid('« sheet » doit être un nom de feuille');
    sheet = raw.sheet.trim();
  }

  const sepKey =
    raw.separator === undefined || raw.separator === null || raw.separator === '' ? 'auto' : raw.separator;
  if (typeof sepKey !== 'string' || !(sepKey.toLowerCase() in SEPARATORS)) {
    invalid(`« separator » inconnu « ${String(raw.separator)} » (attendu : auto, ;, « , » ou tab)`);
  }
  const separator = SEPARATORS[sepKey.toLowerCase()];

  const encKey =
    raw.encoding === undefined || raw.encoding === null || raw.encoding === '' ? 'auto' : raw.encoding;
  if (typeof encKey !== 'string' || !(encKey.toLowerCase() in ENCODINGS)) {
    invalid(`« encoding » inconnu « ${String(raw.encoding)} » (attendu : auto, utf-8 ou windows-1252)`);
  }
  const encoding = ENCODINGS[encKey.toLowerCase()];

  let headerRow = 1;
  if (raw.headerRow !== undefined && raw.headerRow !== null && raw.headerRow !== '') {
    const h = typeof raw.headerRow === 'string' ? Number(raw.headerRow) : raw.headerRow;
    if (typeof h !== 'number' || !Number.isInteger(h) || h < 1 || h > 1000) {
      invalid("« headerRow » (ligne d'en-tête) doit être un entier entre 1 et 1000");
    }
    headerRow = h;
  }

  return {
    indicatorColumn,
    indicator,
    territoryColumn,
    territoryFormat,
    periodColumn,
    period,
    valueColumn,
    numeratorColumn,
    denominatorColumn,
    dimensionColumns,
    yearColumns,
    sheet,
    separator,
    encoding,
    headerRow,
  };
}

const SEPARATOR_LABELS: Record<Separator, string> = {
  ';': 'point-virgule',
  ',': 'virgule',
  '\t': 'tabulation',
};

/** One French sentence describing the mapping, for the health check and the logs. */
export function describeConfig(c: FileConfig): string {
  const col = (name: string) => `colonne « ${name} »`;
  const parts = [
    `indicateur : ${c.indicator ? `${c.indicator} (fixe)` : col(c.indicatorColumn ?? '')}`,
    `territoire : ${col(c.territoryColumn)} (${TERRITORY_FORMAT_LABELS[c.territoryFormat]})`,
  ];
  if (c.yearColumns) {
    parts.push(
      c.yearColumns === true
        ? 'une colonne par année (toutes les colonnes dont l’en-tête est une année)'
        : `une colonne par année (${c.yearColumns.map((y) => `« ${y} »`).join(', ')})`,
    );
  } else {
    parts.push(`période : ${c.period ? `${c.period} (fixe)` : col(c.periodColumn ?? '')}`);
    if (c.valueColumn) parts.push(`valeur : ${col(c.valueColumn)}`);
    if (c.numeratorColumn) parts.push(`numérateur : ${col(c.numeratorColumn)}`);
    if (c.denominatorColumn) parts.push(`dénominateur : ${col(c.denominatorColumn)}`);
  }
  if (c.dimensionColumns.length) {
    parts.push(`ventilations : ${c.dimensionColumns.map(([d, n]) => `${d} ← ${col(n)}`).join(', ')}`);
  }
  parts.push(`en-tête ligne ${c.headerRow}`);
  if (c.sheet) parts.push(`feuille « ${c.sheet} »`);
  parts.push(`séparateur ${c.separator ? SEPARATOR_LABELS[c.separator] : 'détecté'}`);
  parts.push(`encodage ${c.encoding ?? 'détecté'}`);
  return parts.join(' ; ');
}
