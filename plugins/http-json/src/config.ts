import { PluginError } from '@cap-iae/plugin-sdk';
import { JsonPath, parseJsonPath } from './json-path';

export type TerritoryFormat = 'cap-iae' | 'insee-departement' | 'insee-region';

/** A record field read from the item (`path`) or written in the configuration (`value`, placeholders allowed). */
export interface FieldRule {
  path?: JsonPath;
  value?: string;
}

export type Pagination =
  | { mode: 'none' }
  | { mode: 'page'; param: string; start: number }
  | { mode: 'next-link'; next: JsonPath };

export interface HttpJsonConfig {
  url: string;
  annees?: number[];
  territoires?: string[];
  auth?: { header: string; secret: string; scheme: string };
  pagination: Pagination;
  itemsPath: JsonPath;
  maxPages: number;
  pauseMs: number;
  status?: 'provisional' | 'validated';
  mapping: {
    indicator: FieldRule;
    territory: FieldRule & { format: TerritoryFormat };
    period: FieldRule;
    value?: JsonPath;
    numerator?: JsonPath;
    denominator?: JsonPath;
    dimensions: { name: string; path: JsonPath }[];
  };
}

export const DEFAULT_SECRET = 'HTTP_JSON_TOKEN';
export const URL_PLACEHOLDERS = ['page', 'annee', 'territoire'] as const;
const VALUE_PLACEHOLDERS = ['annee', 'territoire'];
const TERRITORY_FORMATS: TerritoryFormat[] = ['cap-iae', 'insee-departement', 'insee-region'];

function invalid(message: string): never {
  throw new PluginError('CONFIG_INVALID', message);
}

function optionalString(raw: Record<string, unknown>, key: string, label: string): string | undefined {
  const v = raw[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') invalid(`« ${label} » doit être un texte`);
  return v.trim() || undefined;
}

function integer(
  raw: Record<string, unknown>,
  key: string,
  label: string,
  def: number,
  min: number,
  max: number,
) {
  const v = raw[key];
  if (v === undefined || v === null || v === '') return def;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    invalid(`« ${label} » doit être un entier entre ${min} et ${max}`);
  }
  return v;
}

function path(text: string | undefined, label: string): JsonPath | undefined {
  if (text === undefined) return undefined;
  const parsed = parseJsonPath(text);
  if (!parsed)
    invalid(`« ${label} » : chemin JSON illisible « ${text} » (ex. data.results ou items[0].code)`);
  return parsed;
}

function object(v: unknown, label: string): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) invalid(`« ${label} » doit être un objet`);
  return v as Record<string, unknown>;
}

function placeholdersOf(text: string): string[] {
  return [...text.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]);
}

function fieldRule(raw: unknown, label: string): FieldRule {
  const o = object(raw, label);
  const rule: FieldRule = {
    path: path(optionalString(o, 'path', `${label}.path`), `${label}.path`),
    value: optionalString(o, 'value', `${label}.value`),
  };
  if (!rule.path === !rule.value)
    invalid(`« ${label} » : indiquer soit un chemin JSON (path), soit une valeur fixe (value)`);
  for (const p of rule.value ? placeholdersOf(rule.value) : []) {
    if (!VALUE_PLACEHOLDERS.includes(p))
      invalid(`« ${label}.value » : variable inconnue {${p}} (possibles : {annee}, {territoire})`);
  }
  return rule;
}

/** Checks the whole configuration up front, so that a typo fails when the source is saved, not at 4 a.m. */
export function parseConfig(raw: Record<string, unknown>): HttpJsonConfig {
  const url = optionalString(raw, 'url', 'url');
  if (!url) invalid('« url » (adresse de l’API) est obligatoire');
  const used = placeholdersOf(url);
  for (const p of used) {
    if (!(URL_PLACEHOLDERS as readonly string[]).includes(p)) {
      invalid(`« url » : variable inconnue {${p}} (possibles : {page}, {annee}, {territoire})`);
    }
  }
  let parsedUrl: URL;
  try {
    parsedUrl = new URL(url.replace(/\{[^{}]*\}/g, '1'));
  } catch {
    invalid(`« url » : adresse illisible « ${url} »`);
  }
  if (parsedUrl.protocol !== 'https:' && parsedUrl.protocol !== 'http:')
    invalid('« url » : seules les adresses http(s) sont acceptées');
  if (parsedUrl.username || parsedUrl.password) {
    // Credentials in the URL would end up in logs and provenance: they belong in a secret.
    invalid(
      '« url » ne doit pas contenir d’identifiant ni de mot de passe : utiliser authHeader et authSecret',
    );
  }

  let annees: number[] | undefined;
  if (raw.annees !== undefined && raw.annees !== null) {
    if (!Array.isArray(raw.annees) || raw.annees.length === 0)
      invalid('« annees » doit être une liste d’années');
    annees = (raw.annees as unknown[]).map((a) => {
      const n = typeof a === 'string' ? Number(a) : a;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1900 || n > 2100)
        invalid(`« annees » : année invalide « ${String(a)} »`);
      return n;
    });
  }
  let territoires: string[] | undefined;
  if (raw.territoires !== undefined && raw.territoires !== null) {
    if (!Array.isArray(raw.territoires) || raw.territoires.some((t) => typeof t !== 'string' || !t.trim())) {
      invalid('« territoires » doit être une liste de codes');
    }
    territoires = (raw.territoires as string[]).map((t) => t.trim());
  }
  if (used.includes('territoire') && !territoires?.length)
    invalid('« url » utilise {territoire} : renseigner « territoires »');

  const header = optionalString(raw, 'authHeader', 'authHeader');
  const secret = optionalString(raw, 'authSecret', 'authSecret');
  const scheme = optionalString(raw, 'authScheme', 'authScheme') ?? '';
  let auth: HttpJsonConfig['auth'];
  if (header || secret) {
    auth = { header: header ?? 'Authorization', secret: secret ?? DEFAULT_SECRET, scheme };
    if (!/^[A-Za-z0-9-]+$/.test(auth.header))
      invalid(`« authHeader » : nom d’en-tête invalide « ${auth.header} »`);
    if (!/^[A-Z][A-Z0-9_]*$/.test(auth.secret))
      invalid('« authSecret » : nom de secret en MAJUSCULES_AVEC_SOULIGNÉS');
    if (/[\r\n]/.test(scheme)) invalid('« authScheme » invalide');
  }

  const p = object(raw.pagination, 'pagination');
  const mode = optionalString(p, 'mode', 'pagination.mode') ?? 'none';
  let pagination: Pagination;
  if (mode === 'none') pagination = { mode };
  else if (mode === 'page') {
    const param = optionalString(p, 'pageParam', 'pagination.pageParam') ?? 'page';
    pagination = { mode, param, start: integer(p, 'pageStart', 'pagination.pageStart', 1, 0, 1_000_000) };
  } else if (mode === 'next-link') {
    const next = path(optionalString(p, 'nextPath', 'pagination.nextPath') ?? 'next', 'pagination.nextPath');
    if (!next || next.segments.length === 0)
      invalid('« pagination.nextPath » doit désigner un champ de la réponse');
    pagination = { mode, next };
  } else invalid(`« pagination.mode » : « ${mode} » inconnu (none, page ou next-link)`);
  if (used.includes('page') && pagination.mode !== 'page')
    invalid('« url » utilise {page} : choisir la pagination « page »');

  const status = optionalString(raw, 'status', 'status');
  if (status !== undefined && status !== 'provisional' && status !== 'validated') {
    invalid('« status » : provisional ou validated');
  }

  if (raw.mapping === undefined || raw.mapping === null)
    invalid('« mapping » (correspondance des champs) est obligatoire');
  const m = object(raw.mapping, 'mapping');
  const territoryRaw = object(m.territory, 'mapping.territory');
  const format = (optionalString(territoryRaw, 'format', 'mapping.territory.format') ??
    'cap-iae') as TerritoryFormat;
  if (!TERRITORY_FORMATS.includes(format))
    invalid(`« mapping.territory.format » : « ${format} » inconnu (${TERRITORY_FORMATS.join(', ')})`);
  const dimensions = Object.entries(object(m.dimensions, 'mapping.dimensions')).map(([name, text]) => {
    if (!/^[a-z][a-z0-9_]*$/.test(name))
      invalid(`« mapping.dimensions » : nom de dimension invalide « ${name} »`);
    if (typeof text !== 'string' || !text.trim())
      invalid(`« mapping.dimensions.${name} » doit être un chemin JSON`);
    return { name, path: path(text, `mapping.dimensions.${name}`) as JsonPath };
  });
  const mapping: HttpJsonConfig['mapping'] = {
    indicator: fieldRule(m.indicator, 'mapping.indicator'),
    territory: { ...fieldRule(territoryRaw, 'mapping.territory'), format },
    period: fieldRule(m.period, 'mapping.period'),
    value: path(optionalString(m, 'value', 'mapping.value'), 'mapping.value'),
    numerator: path(optionalString(m, 'numerator', 'mapping.numerator'), 'mapping.numerator'),
    denominator: path(optionalString(m, 'denominator', 'mapping.denominator'), 'mapping.denominator'),
    dimensions,
  };
  for (const rule of [mapping.indicator, mapping.territory, mapping.period]) {
    for (const p of rule.value ? placeholdersOf(rule.value) : []) {
      // A variable the URL does not vary on has no value for a given answer.
      if (!used.includes(p)) invalid(`« mapping » utilise {${p}} que « url » n’utilise pas`);
    }
  }
  if (!mapping.value && !mapping.numerator && !mapping.denominator) {
    invalid('« mapping » : indiquer au moins le chemin de value, ou de numerator et denominator');
  }

  return {
    url,
    annees,
    territoires,
    auth,
    pagination,
    itemsPath: path(optionalString(raw, 'itemsPath', 'itemsPath') ?? '', 'itemsPath') as JsonPath,
    maxPages: integer(raw, 'maxPages', 'maxPages', 1000, 1, 100_000),
    pauseMs: integer(raw, 'pauseMs', 'pauseMs', 0, 0, 60_000),
    status,
    mapping,
  };
}
