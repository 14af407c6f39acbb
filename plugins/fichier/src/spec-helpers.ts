import * as path from 'node:path';
import { FetchRequest, PluginContext, PluginWarning, RecordBatch, SourceRecord } from '@cap-iae/plugin-sdk';
import type { FileConfig } from './config';
import plugin from './index';

export const FIXTURES = path.resolve(__dirname, '..', 'fixtures');

export function contextOf(
  raw: Record<string, unknown>,
  signal: AbortSignal = new AbortController().signal,
  progress: (done: number, total?: number) => void = () => undefined,
): PluginContext<FileConfig> {
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
  return { config: plugin.parseConfig!(raw), secrets: {}, logger: quiet, signal, fetch, progress };
}

export function requestFor(file: string, originalName = path.basename(file)): FetchRequest {
  return { file: { path: path.isAbsolute(file) ? file : path.join(FIXTURES, file), originalName } };
}

/** Runs the plugin on a file and gathers every batch. */
export async function readAll(
  file: string,
  raw: Record<string, unknown>,
  request: Partial<FetchRequest> = {},
): Promise<{ records: SourceRecord[]; warnings: PluginWarning[]; batches: RecordBatch[] }> {
  const records: SourceRecord[] = [];
  const warnings: PluginWarning[] = [];
  const batches: RecordBatch[] = [];
  const output = plugin.fetchValues(
    { ...requestFor(file), ...request },
    contextOf(raw),
  ) as AsyncIterable<RecordBatch>;
  for await (const batch of output) {
    batches.push(batch);
    records.push(...batch.records);
    warnings.push(...batch.warnings);
  }
  return { records, warnings, batches };
}

/** The PluginError a run ends with (code and message), or undefined when it succeeds. */
export async function failureOf(
  file: string,
  raw: Record<string, unknown>,
): Promise<{ code: string; message: string } | undefined> {
  try {
    await readAll(file, raw);
    return undefined;
  } catch (e) {
    const err = e as { code: string; message: string };
    return { code: err.code, message: err.message };
  }
}
