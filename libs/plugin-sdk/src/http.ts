import { isPluginError, PluginError } from './errors';
import type { PluginContext } from './types';

// JSON over HTTP for plugins: one abort-aware GET with French errors, shared by the HTTP sources (plugins may
// import nothing of Cap IAE but this SDK).

/** What a JSON GET returns once its status, content type and syntax are checked. */
export interface JsonResponse {
  status: number;
  url: string;
  body: unknown;
  /** Raw text, kept to notice a server that ignores the page parameter and repeats the same page. */
  text: string;
}

export interface GetJsonOptions {
  headers?: Record<string, string>;
  /** Statuses returned to the caller instead of thrown (e.g. 404 past the last page of a paged API). */
  tolerate?: number[];
  /** A body larger than this is refused: it protects the host's memory from a runaway endpoint. */
  maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new PluginError('ABORTED', 'exécution interrompue');
}

/**
 * One GET through the host's fetch, bound to the run's signal. The plugin never retries: the host decides whether
 * a SOURCE_UNREACHABLE run is tried again, so that retries and their delays stay in one place.
 */
export async function getJson(
  ctx: Pick<PluginContext<unknown>, 'fetch' | 'signal'>,
  url: string,
  options: GetJsonOptions = {},
): Promise<JsonResponse> {
  throwIfAborted(ctx.signal);
  let response: Response;
  try {
    response = await ctx.fetch(url, {
      headers: { Accept: 'application/json', ...options.headers },
      signal: ctx.signal,
    });
  } catch (e) {
    throw fromFetchFailure(e, ctx.signal, url);
  }
  if (options.tolerate?.includes(response.status)) {
    await discard(response);
    return { status: response.status, url, body: undefined, text: '' };
  }
  if (!response.ok) {
    await discard(response);
    throw fromStatus(response.status, url);
  }
  const type = response.headers.get('content-type') ?? '';
  // An HTML page with status 200 is typically a login portal or a maintenance page: never parse it as data.
  if (type && !/json/i.test(type)) {
    await discard(response);
    throw new PluginError(
      'SOURCE_FORMAT',
      `la source a répondu « ${type.split(';')[0]} » au lieu de JSON (${url})`,
      { url, contentType: type },
    );
  }
  let text: string;
  try {
    text = await readText(response, options.maxBytes ?? DEFAULT_MAX_BYTES, url);
  } catch (e) {
    throw fromFetchFailure(e, ctx.signal, url);
  }
  try {
    return { status: response.status, url, body: JSON.parse(text) as unknown, text };
  } catch {
    throw new PluginError('SOURCE_FORMAT', `réponse illisible : JSON invalide (${url})`, { url });
  }
}

async function readText(response: Response, maxBytes: number, url: string): Promise<string> {
  const tooLarge = () =>
    new PluginError('SOURCE_FORMAT', `réponse trop volumineuse (plus de ${maxBytes} octets) (${url})`, {
      url,
    });
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await discard(response);
    throw tooLarge();
  }
  if (!response.body) return '';
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function discard(response: Response): Promise<void> {
  // Releasing the body frees the connection for the next page instead of waiting for the garbage collector.
  await response.body?.cancel().catch(() => undefined);
}

function fromFetchFailure(e: unknown, signal: AbortSignal, url: string): PluginError {
  if (isPluginError(e)) return e;
  if (signal.aborted) return new PluginError('ABORTED', 'exécution interrompue pendant une requête', { url });
  const name = e instanceof Error ? e.name : '';
  if (name === 'TimeoutError')
    return new PluginError('TIMEOUT', `délai dépassé en attendant la source (${url})`, { url });
  if (name === 'AbortError') return new PluginError('ABORTED', 'requête interrompue', { url });
  const cause = (e as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  const reason = String(cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : e));
  return new PluginError('SOURCE_UNREACHABLE', `source injoignable (${url}) : ${reason}`, { url });
}

function fromStatus(status: number, url: string): PluginError {
  const details = { url, status };
  if (status === 401 || status === 403) {
    return new PluginError(
      'SOURCE_REFUSED',
      `la source refuse l'accès (HTTP ${status}) : vérifier le secret d'authentification (${url})`,
      details,
    );
  }
  // Transient statuses: the host may run the source again later.
  if (status === 408 || status === 429 || status >= 500) {
    const hint = status === 429 ? ' (trop de requêtes : espacer les appels)' : '';
    return new PluginError(
      'SOURCE_UNREACHABLE',
      `la source a répondu HTTP ${status}${hint} (${url})`,
      details,
    );
  }
  return new PluginError(
    'SOURCE_REFUSED',
    `la source a rejeté la demande (HTTP ${status}) (${url})`,
    details,
  );
}

/** Waits between two requests of a rate-limited API, and stops waiting as soon as the run is cancelled. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new PluginError('ABORTED', 'exécution interrompue'));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new PluginError('ABORTED', 'exécution interrompue'));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
