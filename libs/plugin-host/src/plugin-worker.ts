import Module from 'node:module';
import * as path from 'node:path';
import { MessagePort, parentPort, workerData } from 'node:worker_threads';
import { batchesOf, isPlugin, isPluginError, Plugin, PluginContext } from '@cap-iae/plugin-sdk';
import {
  BatchPayload,
  BATCHES_IN_FLIGHT,
  POSTED_BATCH_SIZE,
  HostMessage,
  WorkerMessage,
  WorkerTask,
} from './worker-protocol';

/**
 * Runs inside a worker thread: a plugin that loops forever, leaks memory or crashes takes only its thread down,
 * which the host terminates at the deadline. The plugin never sees the database; it only posts batches back.
 */
const port = parentPort!;
const post = (m: WorkerMessage) => port.postMessage(m);
const { task, batchPort } = workerData as { task: WorkerTask; batchPort: MessagePort };
const controller = new AbortController();

let acked = 0;
let waiting: (() => void) | undefined;
port.on('message', (m: HostMessage | { type: 'abort' }) => {
  if (m.type === 'abort') controller.abort();
  if (m.type === 'ack') {
    acked = Math.max(acked, m.seq);
    waiting?.();
  }
});

/**
 * A plugin imports `@cap-iae/plugin-sdk`; outside this repository (CAP_IAE_PLUGIN_DIRS) that name resolves to nothing,
 * so the worker answers it with the SDK the host itself runs — the one the manifest's range was checked against.
 */
// Resolved from this file's place, the same in dist/ and in the sources: a bare name would not be rewritten by the build.
const sdkPath = path.join(
  __dirname,
  '..',
  '..',
  'plugin-sdk',
  'src',
  __filename.endsWith('.js') ? 'index.js' : 'index.ts',
);
const moduleInternals = Module as unknown as {
  _resolveFilename: (request: string, ...rest: unknown[]) => string;
};
const resolveFilename = moduleInternals._resolveFilename;
moduleInternals._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
  return request === '@cap-iae/plugin-sdk' ? sdkPath : resolveFilename.call(this, request, ...rest);
};

function load(entry: string): Plugin<unknown> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(entry) as { default?: unknown; plugin?: unknown };
  const plugin = mod.default ?? mod.plugin;
  if (!isPlugin(plugin))
    throw Object.assign(new Error("le module n'exporte pas definePlugin()"), { code: 'INTERNAL' });
  return plugin;
}

function context(config: unknown, secrets: Record<string, string>): PluginContext<unknown> {
  return {
    config,
    secrets,
    signal: controller.signal,
    fetch: (input, init) => fetch(input, { ...init, signal: init?.signal ?? controller.signal }),
    logger: {
      info: (message) => post({ type: 'log', level: 'info', message }),
      warn: (message) => post({ type: 'log', level: 'warn', message }),
      error: (message) => post({ type: 'log', level: 'error', message }),
    },
    progress: (done, total) => post({ type: 'progress', done, total }),
  };
}

async function main(): Promise<void> {
  const plugin = load(task.entry);
  const config = plugin.parseConfig ? plugin.parseConfig(task.config) : task.config;
  if (task.kind === 'inputs') {
    post({ type: 'inputs', indicators: plugin.inputsOf ? plugin.inputsOf(config).indicators : [] });
    return;
  }
  if (task.kind === 'health') {
    const h = plugin.healthCheck
      ? await plugin.healthCheck(context(config, task.secrets))
      : { ok: true, message: 'pas de test de connexion pour cette source' };
    post({ type: 'health', ok: h.ok, message: h.message });
    return;
  }
  let seq = 0;
  for await (const batch of batchesOf(plugin.fetchValues(task.request, context(config, task.secrets)))) {
    // Whatever size the plugin chose, the host receives slices it can handle while they are still young.
    for (
      let i = 0;
      i === 0 || i < batch.records.length || i < batch.warnings.length;
      i += POSTED_BATCH_SIZE
    ) {
      seq += 1;
      const payload: BatchPayload = {
        seq,
        records: batch.records.slice(i, i + POSTED_BATCH_SIZE),
        warnings: batch.warnings.slice(i, i + POSTED_BATCH_SIZE),
      };
      batchPort.postMessage(payload);
      post({ type: 'batch', seq });
      while (seq - acked >= BATCHES_IN_FLIGHT) await new Promise<void>((resolve) => (waiting = resolve));
    }
  }
  post({ type: 'done' });
}

main().catch((e: unknown) => {
  const code = isPluginError(e)
    ? e.code
    : (e as { name?: string }).name === 'AbortError'
      ? 'ABORTED'
      : ((e as { code?: string }).code ?? 'INTERNAL');
  post({
    type: 'error',
    code: typeof code === 'string' ? code : 'INTERNAL',
    message: e instanceof Error ? e.message : String(e),
  });
});
