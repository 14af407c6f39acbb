import { CONTRACT_VERSION, SDK_VERSION } from './version';
import type { Plugin, PluginDefinition } from './types';

/** Wraps a plugin's runtime object so that the host can check what it loaded and with which SDK it was built. */
export function definePlugin<Config = Record<string, unknown>>(
  definition: PluginDefinition<Config>,
): Plugin<Config> {
  if (typeof definition?.fetchValues !== 'function') {
    throw new TypeError('definePlugin : fetchValues(request, context) est obligatoire');
  }
  return Object.freeze({
    ...definition,
    __capIaePlugin: true as const,
    sdkVersion: SDK_VERSION,
    contractVersion: CONTRACT_VERSION,
  });
}

export function isPlugin(value: unknown): value is Plugin<unknown> {
  return typeof value === 'object' && value !== null && (value as Plugin).__capIaePlugin === true;
}

/** Turns any FetchOutput into batches, so the host and the test kit consume one shape. */
export async function* batchesOf(
  output: import('./types').FetchOutput,
): AsyncIterable<import('./types').RecordBatch> {
  const resolved = await output;
  if (resolved && typeof (resolved as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    yield* resolved as AsyncIterable<import('./types').RecordBatch>;
  } else {
    yield resolved as import('./types').RecordBatch;
  }
}
