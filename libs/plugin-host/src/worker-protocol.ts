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

export type WorkerMessage =
  | { type: 'batch'; seq: number; records: SourceRecord[]; warnings: PluginWarning[] }
  | { type: 'progress'; done: number; total?: number }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'done' }
  | { type: 'health'; ok: boolean; message: string }
  | { type: 'inputs'; indicators: string[] }
  | { type: 'error'; code: string; message: string };

export type HostMessage = { type: 'ack'; seq: number };

export type { KnownValue };

/** At most this many batches travel unacknowledged, so a fast plugin cannot fill the host's memory. */
export const BATCHES_IN_FLIGHT = 4;
