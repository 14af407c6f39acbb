import {
  definePlugin,
  FetchRequest,
  isPluginError,
  PluginContext,
  PluginError,
  PluginWarning,
  RecordBatch,
  SourceRecord,
} from '@cap-iae/plugin-sdk';
import { EmploisConfig, parseConfig, QueryPoint } from './config';
import { departementFromPostalCode, normalizeDepartement } from './departement';
import { getJson, pause, throwIfAborted } from '@cap-iae/plugin-sdk';

type Context = PluginContext<EmploisConfig>;

export const INDICATOR = 'SIAE_NB';
export const SIAE_TYPES = ['ACI', 'AI', 'EI', 'ETTI', 'EITI'] as const;
type SiaeType = (typeof SIAE_TYPES)[number];
/** « Premières heures en chantier » structures are ACI under their convention: counted as ACI. */
const TYPE_ALIASES: Record<string, SiaeType> = { ACIPHC: 'ACI' };

function isSiaeType(type: string): type is SiaeType {
  return (SIAE_TYPES as readonly string[]).includes(type);
}

interface Structure {
  siret: string;
  type: SiaeType;
  departement: string;
}

/** Everything read from the API in one run, before counting. */
interface Collected {
  /** Keyed by SIRET and type: the platform holds one structure per (SIRET, type), and a SIRET may run an ACI and an EI. */
  structures: Map<string, Structure>;
  warnings: PluginWarning[];
  /** Non-IAE structures (GEIQ, EA, EATT, OPCS…) per type, by SIRET, to report them once and counted. */
  ignoredTypes: Map<string, Set<string>>;
  requests: number;
  items: number;
}

function pointUrl(config: EmploisConfig, point: QueryPoint): string {
  const url = new URL(config.baseUrl);
  url.searchParams.set('code_insee', point.codeInsee);
  url.searchParams.set('distance_max_km', String(point.distanceKm));
  return url.toString();
}

function show(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function nameOf(item: Record<string, unknown>): string {
  for (const key of ['enseigne', 'raison_sociale']) {
    const v = item[key];
    if (typeof v === 'string' && v.trim()) return v.trim();
  }
  return 'structure sans nom';
}

function readPage(body: unknown, url: string): { results: unknown[]; next: string | null } {
  const page = body as { results?: unknown; next?: unknown } | null;
  if (typeof page !== 'object' || page === null || Array.isArray(page) || !Array.isArray(page.results)) {
    throw new PluginError(
      'SOURCE_FORMAT',
      `réponse inattendue de l'API (liste « results » absente) : ${url}`,
      { url },
    );
  }
  if (page.next !== undefined && page.next !== null && typeof page.next !== 'string') {
    throw new PluginError('SOURCE_FORMAT', `réponse inattendue de l'API (« next » illisible) : ${url}`, {
      url,
    });
  }
  return { results: page.results, next: page.next || null };
}

function collectItem(item: unknown, line: number, into: Collected, warned: Set<string>): void {
  // A structure found around several points would warn once per point: the first occurrence is enough.
  const warn = (column: string | undefined, message: string) => {
    if (warned.has(message)) return;
    warned.add(message);
    into.warnings.push(column ? { line, column, message } : { line, message });
  };
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    warn(undefined, `élément ${line} illisible (pas un objet JSON) : ignoré`);
    return;
  }
  const o = item as Record<string, unknown>;
  const rawType = typeof o.type === 'string' ? o.type.trim().toUpperCase() : '';
  const type = TYPE_ALIASES[rawType] ?? rawType;
  const siret =
    typeof o.siret === 'string' || typeof o.siret === 'number' ? String(o.siret).replace(/\s/g, '') : '';
  if (!isSiaeType(type)) {
    const bySiret = into.ignoredTypes.get(rawType || '(sans type)') ?? new Set<string>();
    bySiret.add(siret || `#${line}`);
    into.ignoredTypes.set(rawType || '(sans type)', bySiret);
    return;
  }
  const name = nameOf(o);
  if (!/^\d{14}$/.test(siret)) {
    const shown = siret ? `SIRET invalide « ${show(o.siret)} »` : 'SIRET manquant';
    warn('siret', `${shown} pour « ${name} » (${type}) : structure non comptée`);
    return;
  }
  const key = `${siret}:${type}`;
  if (into.structures.has(key)) return;
  // The département field is sometimes empty; the postal code then tells it (75011 → 75, 97411 → 974, 20000 → 2A).
  const departement = normalizeDepartement(o.departement) ?? departementFromPostalCode(o.code_postal);
  if (!departement) {
    const described = (v: unknown) => (show(v).trim() ? `« ${show(v)} » illisible` : 'absent');
    warn(
      'departement',
      `département ${described(o.departement)} et code postal ${described(o.code_postal)} pour « ${name} » (SIRET ${siret}, ${type}) : structure non comptée`,
    );
    return;
  }
  into.structures.set(key, { siret, type, departement });
}

/** Reads every page around one point, following the API's `next` links. */
async function collectPoint(
  ctx: Context,
  point: QueryPoint,
  into: Collected,
  warned: Set<string>,
): Promise<void> {
  const { config } = ctx;
  const first = pointUrl(config, point);
  const host = new URL(first).hostname;
  const visited = new Set<string>();
  let url: string | null = first;
  let pages = 0;
  let found = 0;
  while (url) {
    // Unlike a generic source, a partial walk would give wrong counts: a broken pagination fails the run.
    if (visited.has(url))
      throw new PluginError('SOURCE_FORMAT', `la pagination de l'API boucle (${url})`, { url });
    if (pages >= config.maxPagesPerPoint) {
      throw new PluginError(
        'SOURCE_FORMAT',
        `plus de ${config.maxPagesPerPoint} pages autour de la commune ${point.codeInsee} : réduire distance_max_km ou relever « maxPages »`,
      );
    }
    visited.add(url);
    if (into.requests > 0) await pause(config.pauseMs, ctx.signal);
    const response = await getJson(ctx, url, { tolerate: pages === 0 ? [404] : [] });
    into.requests += 1;
    if (response.status === 404) {
      // The API answers 404 for a code_insee it does not know.
      throw new PluginError(
        'CONFIG_INVALID',
        `l'API ne connaît pas la commune ${point.codeInsee} (HTTP 404) : corriger « points » ou « baseUrl »`,
        { url },
      );
    }
    const page = readPage(response.body, url);
    pages += 1;
    found += page.results.length;
    for (const item of page.results) {
      into.items += 1;
      collectItem(item, into.items, into, warned);
    }
    if (!page.next) break;
    let next: URL;
    try {
      next = new URL(page.next, url);
    } catch {
      throw new PluginError('SOURCE_FORMAT', `lien vers la page suivante illisible « ${show(page.next)} »`, {
        url,
      });
    }
    if (next.hostname !== host) {
      throw new PluginError(
        'SOURCE_FORMAT',
        `le lien vers la page suivante mène hors de l'API (${next.hostname}) : refusé`,
        { url },
      );
    }
    url = next.toString();
  }
  ctx.logger.info(
    `commune ${point.codeInsee} (${point.distanceKm} km) : ${found} structure(s) sur ${pages} page(s)`,
  );
}

function requestsYear(request: FetchRequest, year: number): boolean {
  const from = request.periodFrom ? Number(request.periodFrom.slice(0, 4)) : -Infinity;
  const to = request.periodTo ? Number(request.periodTo.slice(0, 4)) : Infinity;
  return year >= from && year <= to;
}

function parisDate(date: Date): string {
  // en-CA formats as YYYY-MM-DD; the date is the one people in the région read on their calendar.
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(date);
}

function toRecords(config: EmploisConfig, collected: Collected, sourceRef: string): SourceRecord[] {
  const kept = new Set(config.departements);
  const counts = new Map<string, Record<SiaeType, number>>();
  const zero = () => Object.fromEntries(SIAE_TYPES.map((t) => [t, 0])) as Record<SiaeType, number>;
  // Every kept département gets every type, zeros included: a structure that closed must bring the count down.
  for (const d of config.departements) counts.set(d, zero());
  for (const s of collected.structures.values()) {
    if (kept.has(s.departement)) counts.get(s.departement)![s.type] += 1;
  }
  const period = String(config.annee);
  const base = { indicator: INDICATOR, period, status: 'provisional' as const, sourceRef };
  const recordsOf = (territory: string, byType: Record<SiaeType, number>): SourceRecord[] => [
    ...SIAE_TYPES.map((t) => ({ ...base, territory, dimensions: { siae_type: t }, value: byType[t] })),
    { ...base, territory, value: SIAE_TYPES.reduce((n, t) => n + byType[t], 0) },
  ];
  const records = [...counts].flatMap(([d, byType]) => recordsOf(`DEP-${d}`, byType));
  if (config.region) {
    const region = zero();
    for (const byType of counts.values()) for (const t of SIAE_TYPES) region[t] += byType[t];
    records.push(...recordsOf(`REG-${config.region}`, region));
  }
  return records;
}

async function fetchCounts(request: FetchRequest, ctx: Context): Promise<RecordBatch> {
  throwIfAborted(ctx.signal);
  const { config } = ctx;
  if (request.indicators?.length && !request.indicators.includes(INDICATOR))
    return { records: [], warnings: [] };
  if (!requestsYear(request, config.annee)) {
    ctx.logger.info(`année ${config.annee} hors de la période demandée : rien à lire`);
    return { records: [], warnings: [] };
  }
  const startedAt = new Date();
  const collected: Collected = {
    structures: new Map(),
    warnings: [],
    ignoredTypes: new Map(),
    requests: 0,
    items: 0,
  };
  const warned = new Set<string>();
  for (const [i, point] of config.points.entries()) {
    await collectPoint(ctx, point, collected, warned);
    ctx.progress(i + 1, config.points.length);
  }

  const outside = [...collected.structures.values()].filter(
    (s) => !config.departements.includes(s.departement),
  );
  if (outside.length) {
    // Search discs cross the région's borders: structures beyond them are expected, not a data problem.
    ctx.logger.info(`${outside.length} structure(s) hors des départements retenus, non comptée(s)`);
  }
  const warnings = [...collected.warnings];
  if (collected.ignoredTypes.size) {
    const total = [...collected.ignoredTypes.values()].reduce((n, s) => n + s.size, 0);
    const detail = [...collected.ignoredTypes].map(([t, s]) => `${t} : ${s.size}`).join(', ');
    warnings.push({
      message: `${total} structure(s) hors IAE ignorée(s) (${detail}) : seuls ACI, AI, EI, ETTI et EITI sont comptés`,
    });
  }
  const api = new URL(config.baseUrl);
  const sourceRef =
    `API « les emplois de l'inclusion » (${api.host}${api.pathname}) interrogée le ${parisDate(startedAt)} : ` +
    `${config.points.length} point(s) de recherche, ${collected.structures.size - outside.length} SIAE distincte(s)`;
  const records = toRecords(config, collected, sourceRef).filter(
    (r) => !request.territories?.length || request.territories.includes(r.territory),
  );
  ctx.logger.info(
    `${collected.requests} requête(s), ${collected.items} élément(s) lus, ${records.length} valeur(s)`,
  );
  return { records, warnings };
}

export default definePlugin<EmploisConfig>({
  parseConfig,

  fetchValues(request, ctx) {
    return fetchCounts(request, ctx);
  },

  async healthCheck(ctx) {
    const [point] = ctx.config.points;
    try {
      const response = await getJson(ctx, pointUrl(ctx.config, point));
      const page = readPage(response.body, response.url);
      const count = (response.body as { count?: unknown }).count;
      const n = typeof count === 'number' ? count : page.results.length;
      return {
        ok: true,
        message: `l'API répond : ${n} structure(s) autour de la commune ${point.codeInsee} (${point.distanceKm} km)`,
      };
    } catch (e) {
      return { ok: false, message: isPluginError(e) ? `${e.code} : ${e.message}` : String(e) };
    }
  },
});
