import * as path from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { PluginWarning, SourceRecord } from '@cap-iae/plugin-sdk';
import { repoPath } from '@cap-iae/shared';
import type { BatchPayload, WorkerMessage, WorkerTask } from './worker-protocol';

export interface WorkerRunOptions {
  timeoutMs: number;
  /** Heap of the plugin's thread: a plugin that hoards memory is stopped, the app is not. */
  maxHeapMb?: number;
  signal?: AbortSignal;
  onBatch?: (records: SourceRecord[], warnings: PluginWarning[]) => Promise<void>;
  onProgress?: (done: number, total?: number) => void;
  onLog?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export type WorkerOutcome =
  | { ok: true; health?: { ok: boolean; message: string }; inputs?: string[] }
  | { ok: false; code: string; message: string };

const compiled = __filename.endsWith('.js');

/**
 * Runs one task of a plugin in its own worker thread, with a deadline. Batches are acknowledged one by one once the
 * host has handled them, which bounds what is in flight.
 *
 * Batches travel on a port of their own that nobody listens to: the host takes the next one off it
 * (`receiveMessageOnPort`) only when it is ready to handle it. Until then a batch stays serialised, outside the
 * JavaScript heap, instead of being deserialised on arrival and kept alive while the batches before it are staged.
 */
export function runInWorker(task: WorkerTask, options: WorkerRunOptions): Promise<WorkerOutcome> {
  const file = path.join(__dirname, compiled ? 'plugin-worker.js' : 'plugin-worker.ts');
  const batches = new MessageChannel();
  const worker = new Worker(file, {
    workerData: { task, batchPort: batches.port2 },
    transferList: [batches.port2],
    execArgv: compiled ? [] : ['-r', repoPath('scripts', 'ts-register.cjs')],
    // A small heap makes V8 collect early: the plugin's thread stays light, and one that hoards memory is stopped.
    resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb ?? 128, maxYoungGenerationSizeMb: 16 },
    stdout: true,
    stderr: true,
  });
  return new Promise<WorkerOutcome>((resolve) => {
    let settled = false;
    let chain = Promise.resolve();
    const finish = (outcome: WorkerOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      // Wait for the batches already received to be handled, and for the thread to be gone (its memory with it),
      // before reporting the end.
      void chain
        .then(() => worker.terminate())
        .finally(() => batches.port1.close())
        .catch(() => undefined)
        .then(() => resolve(outcome));
    };
    const timer = setTimeout(
      () =>
        finish({
          ok: false,
          code: 'TIMEOUT',
          message: `délai de ${Math.round(options.timeoutMs / 1000)} s dépassé`,
        }),
      options.timeoutMs,
    );
    const onAbort = () => finish({ ok: false, code: 'ABORTED', message: 'exécution interrompue' });
    options.signal?.addEventListener('abort', onAbort);

    worker.on('message', (m: WorkerMessage) => {
      if (settled) return;
      switch (m.type) {
        case 'batch':
          chain = chain
            .then(() => {
              const received = receiveMessageOnPort(batches.port1)?.message as BatchPayload | undefined;
              if (received?.seq !== m.seq) throw new Error(`lot ${m.seq} introuvable`);
              return options.onBatch?.(received.records, received.warnings);
            })
            .then(() => worker.postMessage({ type: 'ack', seq: m.seq }))
            .catch((e: unknown) =>
              finish({ ok: false, code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) }),
            );
          break;
        case 'progress':
          options.onProgress?.(m.done, m.total);
          break;
        case 'log':
          options.onLog?.(m.level, m.message);
          break;
        case 'done':
          finish({ ok: true });
          break;
        case 'health':
          finish({ ok: true, health: { ok: m.ok, message: m.message } });
          break;
        case 'inputs':
          finish({ ok: true, inputs: m.indicators });
          break;
        case 'error':
          finish({ ok: false, code: m.code, message: m.message });
          break;
      }
    });
    worker.on('error', (e) => {
      const memory =
        /heap|memory/i.test(e.message) || (e as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY';
      finish({
        ok: false,
        code: memory ? 'TOO_MANY_RECORDS' : 'INTERNAL',
        message: memory ? 'mémoire du greffon épuisée' : e.message,
      });
    });
    worker.on('exit', (code) =>
      finish({ ok: false, code: 'INTERNAL', message: `le greffon s'est arrêté (code ${code})` }),
    );
  });
}
