import type { FetchRequest, KnownValue, PluginWarning, SourceRecord } from '@cap-iae/plugin-sdk';

export type WorkerTask =
  | {
      kind: 'fetch';
      entry: string;
      config: Record<string, unknown>;
      secrets: Record<string, string>;
      request: FetchRequest;
    }
  | { kind: 'health'; entry: string; config: Record<string, unknown>; secrets: Record<string, string> }
  | { kind: 'inputs'; entry: string; config: Record<string, unknown> };

/** What a batch carries, posted on the batch port; the notice on the main port only says it is there. */
export interface BatchPayload {
  seq: number;
  records: SourceRecord[];
  warnings: PluginWarning[];
}

export type WorkerMessage =
  | { type: 'batch'; seq: number }
  | { type: 'progress'; done: number; total?: number }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'done' }
  | { type: 'health'; ok: boolean; message: string }
  | { type: 'inputs'; indicators: string[] }
  | { type: 'error'; code: string; message: string };

export type HostMessage = { type: 'ack'; seq: number };

export type { KnownValue };

/**
 * Records per batch posted to the host, whatever the plugin yields (a plugin may return its whole input as one
 * batch): the host deserialises, validates and stages a batch in one go, so this bounds what it holds at once.
 */
export const POSTED_BATCH_SIZE = 1000;

/** At most this many batches travel unacknowledged, so a fast plugin cannot fill the host's memory. */
export const BATCHES_IN_FLIGHT = 4;
