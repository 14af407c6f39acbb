import { PluginError } from '@cap-iae/plugin-sdk';
import { normalizeDepartement } from './departement';

export interface QueryPoint {
  codeInsee: string;
  distanceKm: number;
}

export interface EmploisConfig {
  baseUrl: string;
  points: QueryPoint[];
  annee: number;
  departements: string[];
  /** INSEE code of the région the départements make up; when set, région totals are produced too. */
  region?: string;
  pauseMs: number;
  maxPagesPerPoint: number;
}

export const DEFAULT_BASE_URL = 'https://emplois.inclusion.beta.gouv.fr/api/v1/siaes/';
export const IDF_DEPARTEMENTS = ['75', '77', '78', '91', '92', '93', '94', '95'];
/** The API refuses larger radii. */
export const MAX_DISTANCE_KM = 100;

/**
 * Nine communes whose 30 km discs cover Île-de-France: Paris covers the petite couronne, the others the edges that
 * the préfectures alone would miss (Seine-et-Marne stretches ~100 km east to west, the Vexin and the south of
 * Essonne lie more than 30 km from their préfectures).
 */
export const DEFAULT_POINTS: QueryPoint[] = [
  { codeInsee: '75056', distanceKm: 30 }, // Paris
  { codeInsee: '95127', distanceKm: 30 }, // Cergy
  { codeInsee: '78361', distanceKm: 30 }, // Mantes-la-Jolie
  { codeInsee: '78517', distanceKm: 30 }, // Rambouillet
  { codeInsee: '91223', distanceKm: 30 }, // Étampes
  { codeInsee: '77288', distanceKm: 30 }, // Melun
  { codeInsee: '77333', distanceKm: 30 }, // Nemours
  { codeInsee: '77379', distanceKm: 30 }, // Provins
  { codeInsee: '77284', distanceKm: 30 }, // Meaux
];

function invalid(message: string): never {
  throw new PluginError('CONFIG_INVALID', message);
}

function integer(raw: unknown, label: string, def: number, min: number, max: number): number {
  if (raw === undefined || raw === null || raw === '') return def;
  const n = typeof raw === 'string' ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max)
    invalid(`« ${label} » doit être un entier entre ${min} et ${max}`);
  return n;
}

function points(raw: unknown): QueryPoint[] {
  if (raw === undefined || raw === null) return DEFAULT_POINTS;
  if (!Array.isArray(raw) || raw.length === 0)
    invalid('« points » doit être une liste de communes { code_insee, distance_max_km }');
  return raw.map((p, i) => {
    const o = (typeof p === 'object' && p !== null ? p : {}) as Record<string, unknown>;
    const code = typeof o.code_insee === 'number' ? String(o.code_insee).padStart(5, '0') : o.code_insee;
    if (typeof code !== 'string' || !/^(\d{5}|2[AB]\d{3})$/i.test(code.trim())) {
      invalid(
        `« points » n° ${i + 1} : code INSEE de commune attendu (5 caractères, ex. 93008), reçu « ${String(o.code_insee)} »`,
      );
    }
    const distance = typeof o.distance_max_km === 'string' ? Number(o.distance_max_km) : o.distance_max_km;
    if (
      typeof distance !== 'number' ||
      !Number.isFinite(distance) ||
      distance < 1 ||
      distance > MAX_DISTANCE_KM
    ) {
      invalid(`« points » n° ${i + 1} : distance_max_km entre 1 et ${MAX_DISTANCE_KM} km attendue`);
    }
    return { codeInsee: code.trim().toUpperCase(), distanceKm: distance };
  });
}

export function parseConfig(raw: Record<string, unknown>): EmploisConfig {
  const baseUrl =
    raw.baseUrl === undefined || raw.baseUrl === null || raw.baseUrl === '' ? DEFAULT_BASE_URL : raw.baseUrl;
  if (typeof baseUrl !== 'string') invalid('« baseUrl » doit être une adresse');
  let url: URL;
  try {
    url = new URL(baseUrl.trim());
  } catch {
    invalid(`« baseUrl » : adresse illisible « ${baseUrl} »`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    invalid('« baseUrl » : seules les adresses http(s) sont acceptées');
  if (url.search)
    invalid('« baseUrl » ne doit pas contenir de paramètres (?…) : ils sont ajoutés pour chaque commune');

  let departements = IDF_DEPARTEMENTS;
  if (raw.departements !== undefined && raw.departements !== null) {
    if (!Array.isArray(raw.departements) || raw.departements.length === 0)
      invalid('« departements » doit être une liste de codes');
    departements = raw.departements.map(
      (d) =>
        normalizeDepartement(d) ??
        invalid(`« departements » : code de département invalide « ${String(d)} »`),
    );
    departements = [...new Set(departements)];
  }

  let region: string | undefined;
  if (raw.region !== undefined && raw.region !== null && raw.region !== '') {
    if (typeof raw.region !== 'string' && typeof raw.region !== 'number')
      invalid('« region » : code INSEE de région attendu (ex. 11)');
    const text = String(raw.region).trim();
    if (!/^\d{1,2}$/.test(text) || Number(text) === 0)
      invalid(`« region » : code INSEE de région attendu (ex. 11), reçu « ${text} »`);
    region = text.padStart(2, '0');
  }

  return {
    baseUrl: url.toString(),
    points: points(raw.points),
    annee: integer(raw.annee, 'annee', new Date().getFullYear(), 2000, 2100),
    departements,
    region,
    pauseMs: integer(raw.pauseMs, 'pauseMs', 0, 0, 60_000),
    maxPagesPerPoint: integer(raw.maxPages, 'maxPages', 500, 1, 10_000),
  };
}
