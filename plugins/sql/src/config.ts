import { PluginError } from '@cap-iae/plugin-sdk';
import { checkReadOnlyQuery, QueryRefused, type Dialect } from './query-guard';

export type TerritoryFormat = 'cap-iae' | 'insee-departement' | 'insee-region';

export interface ColumnMapping {
  indicator?: string;
  territory: string;
  period: string;
  value?: string;
  numerator?: string;
  denominator?: string;
}

export interface SqlConfig {
  engine: Dialect;
  /** SQLite file, for `sqlite`. */
  path?: string;
  /** Name of the secret holding the PostgreSQL URL, for `postgresql`: a URL may carry a password. */
  urlSecret?: string;
  /** The checked query, comments and final `;` removed: exactly what was checked is what runs. */
  query: string;
  /** Fixed indicator, when the result has no indicator column. */
  indicator?: string;
  columns: ColumnMapping;
  /** Dimension name → column holding its value, in a stable order. */
  dimensions: [string, string][];
  territoryFormat: TerritoryFormat;
  statementTimeoutSeconds: number;
}

export const DEFAULT_URL_SECRET = 'SQL_DATABASE_URL';
/** Below the manifest's 300 s, so that the database stops the query before the host gives up on the run. */
export const DEFAULT_STATEMENT_TIMEOUT_SECONDS = 240;

const CODE = /^[A-Z][A-Z0-9_]*$/;
const SECRET = /^[A-Z][A-Z0-9_]*$/;
const DIMENSION = /^[a-z][a-z0-9_]*$/;
const TERRITORY_FORMATS: TerritoryFormat[] = ['cap-iae', 'insee-departement', 'insee-region'];

const invalid = (message: string) => new PluginError('CONFIG_INVALID', message);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function columnName(v: unknown, field: string, required: boolean): string | undefined {
  if (v === undefined || v === null || v === '') {
    if (required) throw invalid(`${field} : nom de colonne obligatoire`);
    return undefined;
  }
  if (typeof v !== 'string' || !v.trim() || v.length > 128)
    throw invalid(`${field} : nom de colonne attendu`);
  return v.trim();
}

export function parseSqlConfig(raw: Record<string, unknown>): SqlConfig {
  const engine = raw.engine;
  if (engine !== 'sqlite' && engine !== 'postgresql')
    throw invalid('« engine » doit valoir sqlite ou postgresql');
  // The address of a PostgreSQL database may hold a password: it must come from a secret, never be saved here.
  if ('url' in raw || 'connectionString' in raw) {
    throw invalid(
      "l'adresse de la base ne s'écrit pas dans la configuration : nommez le secret qui la contient (urlSecret)",
    );
  }

  let path: string | undefined;
  let urlSecret: string | undefined;
  if (engine === 'sqlite') {
    if (typeof raw.path !== 'string' || !raw.path.trim())
      throw invalid('« path » : chemin du fichier SQLite obligatoire');
    path = raw.path.trim();
  } else {
    urlSecret =
      raw.urlSecret === undefined || raw.urlSecret === '' ? DEFAULT_URL_SECRET : (raw.urlSecret as string);
    if (typeof urlSecret !== 'string' || !SECRET.test(urlSecret)) {
      throw invalid(
        "« urlSecret » : nom d'un secret en MAJUSCULES_AVEC_SOULIGNÉS (ex. SQL_DATABASE_URL), pas l'adresse elle-même",
      );
    }
  }

  if (typeof raw.query !== 'string') throw invalid('« query » : requête SELECT obligatoire');
  let query: string;
  try {
    query = checkReadOnlyQuery(raw.query, engine);
  } catch (e) {
    if (e instanceof QueryRefused) throw invalid(`requête refusée : ${e.message}`);
    throw e;
  }

  if (!isObject(raw.columns)) throw invalid('« columns » : correspondance des colonnes obligatoire');
  const c = raw.columns;
  const unknownColumns = Object.keys(c).filter(
    (k) => !['indicator', 'territory', 'period', 'value', 'numerator', 'denominator'].includes(k),
  );
  if (unknownColumns.length) throw invalid(`columns : champ(s) inconnu(s) ${unknownColumns.join(', ')}`);
  const columns: ColumnMapping = {
    indicator: columnName(c.indicator, 'columns.indicator', false),
    territory: columnName(c.territory, 'columns.territory', true)!,
    period: columnName(c.period, 'columns.period', true)!,
    value: columnName(c.value, 'columns.value', false),
    numerator: columnName(c.numerator, 'columns.numerator', false),
    denominator: columnName(c.denominator, 'columns.denominator', false),
  };
  if (!columns.value && !columns.numerator && !columns.denominator) {
    throw invalid('columns : une colonne de valeur, ou de numérateur et de dénominateur, est obligatoire');
  }
  if (!columns.numerator !== !columns.denominator)
    throw invalid('columns : numérateur et dénominateur vont ensemble');

  let indicator: string | undefined;
  if (raw.indicator !== undefined && raw.indicator !== '') {
    if (typeof raw.indicator !== 'string' || !CODE.test(raw.indicator)) {
      throw invalid("« indicator » : code d'indicateur (MAJUSCULES_AVEC_SOULIGNÉS)");
    }
    indicator = raw.indicator;
  }
  if (!indicator === !columns.indicator) {
    throw invalid(
      'indiquez soit un indicateur fixe (« indicator »), soit la colonne qui le contient (columns.indicator)',
    );
  }

  const dimensions: [string, string][] = [];
  if (raw.dimensions !== undefined) {
    if (!isObject(raw.dimensions))
      throw invalid('« dimensions » : correspondance ventilation → colonne attendue');
    for (const [name, column] of Object.entries(raw.dimensions)) {
      if (!DIMENSION.test(name))
        throw invalid(`dimensions : nom de ventilation « ${name} » invalide (ex. siae_type)`);
      dimensions.push([name, columnName(column, `dimensions.${name}`, true)!]);
    }
    dimensions.sort(([a], [b]) => (a < b ? -1 : 1));
  }

  const territoryFormat = (raw.territoryFormat ?? 'cap-iae') as TerritoryFormat;
  if (!TERRITORY_FORMATS.includes(territoryFormat)) {
    throw invalid(`« territoryFormat » doit valoir ${TERRITORY_FORMATS.join(', ')}`);
  }
  const timeout = raw.statementTimeoutSeconds ?? DEFAULT_STATEMENT_TIMEOUT_SECONDS;
  if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 1 || timeout > 3600) {
    throw invalid('« statementTimeoutSeconds » : nombre entier de secondes entre 1 et 3600');
  }

  return {
    engine,
    path,
    urlSecret,
    query,
    indicator,
    columns,
    dimensions,
    territoryFormat,
    statementTimeoutSeconds: timeout,
  };
}
