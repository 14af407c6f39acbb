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
import { HttpJsonConfig, parseConfig } from './config';
import { getJson, pause, throwIfAborted } from '@cap-iae/plugin-sdk';
import { readPath } from './json-path';
import { mapItem, Variables } from './mapping';
import { inRequest, requestedYears } from './request-filter';

type Context = PluginContext<HttpJsonConfig>;

/** One walk through the pages: a combination of `{annee}` and `{territoire}` values, or a single one. */
function targets(config: HttpJsonConfig, request: FetchRequest): Variables[] {
  const years = config.url.includes('{annee}')
    ? (config.annees ?? requestedYears(request) ?? [new Date().getFullYear()]).map(String)
    : [undefined];
  const territories = config.url.includes('{territoire}') ? (config.territoires ?? []) : [undefined];
  return years.flatMap((annee) => territories.map((territoire) => ({ annee, territoire })));
}

function pageUrl(config: HttpJsonConfig, variables: Variables, page: number): string {
  const url = config.url.replace(
    /\{(page|annee|territoire)\}/g,
    (_all, name: 'page' | 'annee' | 'territoire') =>
      encodeURIComponent(name === 'page' ? String(page) : (variables[name] ?? '')),
  );
  if (config.pagination.mode !== 'page' || config.url.includes('{page}')) return url;
  const withPage = new URL(url);
  withPage.searchParams.set(config.pagination.param, String(page));
  return withPage.toString();
}

function authHeaders(
  config: HttpJsonConfig,
  secrets: Readonly<Record<string, string>>,
): Record<string, string> {
  if (!config.auth) return {};
  const token = secrets[config.auth.secret];
  if (!token) {
    throw new PluginError(
      'SECRET_MISSING',
      `secret ${config.auth.secret} absent : le définir dans l'environnement du serveur`,
    );
  }
  return { [config.auth.header]: config.auth.scheme ? `${config.auth.scheme} ${token}` : token };
}

/**
 * Masks secret values in any text leaving the plugin (logs, warnings, provenance, error messages): a source may
 * echo the token back, e.g. in a next-page link or an item.
 */
function redactor(secrets: Readonly<Record<string, string>>): (text: string) => string {
  const values = Object.values(secrets).filter((v) => typeof v === 'string' && v.length >= 4);
  return (text) =>
    values.reduce((t, v) => t.split(v).join('***').split(encodeURIComponent(v)).join('***'), text);
}

function redactError(e: unknown, redact: (text: string) => string): unknown {
  if (!isPluginError(e)) return e;
  const details = e.details
    ? (JSON.parse(redact(JSON.stringify(e.details))) as Record<string, unknown>)
    : undefined;
  return new PluginError(e.code, redact(e.message), details);
}

interface RunState {
  pages: number;
  items: number;
}

/** Reads every page of one target; returns false when the page limit stopped the whole run. */
async function* walk(
  ctx: Context,
  variables: Variables,
  headers: Record<string, string>,
  redact: (text: string) => string,
  state: RunState,
  request: FetchRequest,
): AsyncGenerator<RecordBatch, boolean> {
  const { config } = ctx;
  const { pagination } = config;
  const start = pagination.mode === 'page' ? pagination.start : 0;
  let page = start;
  let url = pageUrl(config, variables, page);
  const origin = new URL(url);
  const visited = new Set<string>([url]);
  let previousText: string | undefined;

  for (;;) {
    if (state.pages >= config.maxPages) {
      const message = `limite de ${config.maxPages} page(s) atteinte : la suite n'a pas été lue, les données peuvent être incomplètes`;
      ctx.logger.warn(message);
      yield { records: [], warnings: [{ message }] };
      return false;
    }
    if (state.pages > 0) await pause(config.pauseMs, ctx.signal);
    // Past the first page, a 404 is how many paged APIs (Django REST framework among them) say "no more pages".
    const tolerate = pagination.mode === 'page' && page > start ? [404] : [];
    const response = await getJson(ctx, url, { headers, tolerate });
    state.pages += 1;
    if (response.status === 404) break;
    if (pagination.mode === 'page' && previousText !== undefined && response.text === previousText) {
      // A server that ignores the page parameter would otherwise be read until the page limit.
      const message = `la page ${page} est identique à la précédente : le paramètre « ${pagination.param} » semble ignoré par la source, lecture arrêtée`;
      yield { records: [], warnings: [{ message }] };
      break;
    }
    const items = readPath(response.body, config.itemsPath);
    if (!Array.isArray(items)) {
      throw new PluginError(
        'SOURCE_FORMAT',
        `« itemsPath » (${config.itemsPath.text || 'racine'}) ne désigne pas une liste dans la réponse de ${redact(url)}`,
        { url: redact(url) },
      );
    }
    if (pagination.mode === 'page' && items.length === 0) break;

    const records: SourceRecord[] = [];
    const warnings: PluginWarning[] = [];
    const ref = redact(url);
    items.forEach((item, index) => {
      state.items += 1;
      const mapped = mapItem(
        item,
        state.items,
        config,
        variables,
        `${ref} (élément ${index + 1} de la page)`,
      );
      if ('record' in mapped) {
        if (inRequest(mapped.record, request)) records.push(mapped.record);
      } else warnings.push({ ...mapped.warning, message: redact(mapped.warning.message) });
    });
    ctx.logger.info(
      `${ref} : ${items.length} élément(s), ${records.length} valeur(s), ${warnings.length} avertissement(s)`,
    );
    ctx.progress(state.items);
    yield { records, warnings };

    if (pagination.mode === 'none') break;
    if (pagination.mode === 'page') {
      previousText = response.text;
      page += 1;
      url = pageUrl(config, variables, page);
      continue;
    }
    const next = readPath(response.body, pagination.next);
    if (next === undefined || next === null || next === '') break;
    if (typeof next !== 'string') {
      throw new PluginError(
        'SOURCE_FORMAT',
        `lien vers la page suivante (${pagination.next.text}) illisible : ${typeof next}`,
      );
    }
    let nextUrl: URL;
    try {
      nextUrl = new URL(next, url);
    } catch {
      throw new PluginError('SOURCE_FORMAT', `lien vers la page suivante illisible « ${redact(next)} »`);
    }
    // The token must never travel to another server (nor over plain http): a next link elsewhere is refused.
    const sameServer = config.auth ? nextUrl.origin === origin.origin : nextUrl.hostname === origin.hostname;
    if (!sameServer) {
      throw new PluginError(
        'SOURCE_FORMAT',
        `le lien vers la page suivante mène hors de la source (${nextUrl.origin}) : refusé`,
      );
    }
    if (visited.has(nextUrl.toString())) {
      yield {
        records: [],
        warnings: [
          {
            message: `la source renvoie vers une page déjà lue (${redact(nextUrl.toString())}) : lecture arrêtée`,
          },
        ],
      };
      break;
    }
    url = nextUrl.toString();
    visited.add(url);
  }
  return true;
}

async function* fetchAll(request: FetchRequest, ctx: Context): AsyncGenerator<RecordBatch> {
  throwIfAborted(ctx.signal);
  const redact = redactor(ctx.secrets);
  const headers = authHeaders(ctx.config, ctx.secrets);
  const state: RunState = { pages: 0, items: 0 };
  try {
    for (const variables of targets(ctx.config, request)) {
      if (!(yield* walk(ctx, variables, headers, redact, state, request))) return;
    }
  } catch (e) {
    throw redactError(e, redact);
  }
}

export default definePlugin<HttpJsonConfig>({
  parseConfig,

  fetchValues(request, ctx) {
    return fetchAll(request, ctx);
  },

  async healthCheck(ctx) {
    const redact = redactor(ctx.secrets);
    try {
      const [variables] = targets(ctx.config, {});
      const start = ctx.config.pagination.mode === 'page' ? ctx.config.pagination.start : 0;
      if (!variables) return { ok: false, message: 'aucune requête à faire : « territoires » est vide' };
      const response = await getJson(ctx, pageUrl(ctx.config, variables, start), {
        headers: authHeaders(ctx.config, ctx.secrets),
      });
      const items = readPath(response.body, ctx.config.itemsPath);
      if (!Array.isArray(items)) {
        return {
          ok: false,
          message: `la source répond, mais « itemsPath » (${ctx.config.itemsPath.text || 'racine'}) ne désigne pas une liste`,
        };
      }
      return {
        ok: true,
        message: `la source répond (HTTP ${response.status}) : ${items.length} élément(s) sur la première page`,
      };
    } catch (e) {
      return { ok: false, message: redact(isPluginError(e) ? `${e.code} : ${e.message}` : String(e)) };
    }
  },
});
