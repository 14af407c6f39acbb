import { PluginContext, PluginError, RecordBatch } from '@cap-iae/plugin-sdk';
import type { FileConfig } from './config';

/** What the readers need to know about the uploaded file. */
export interface InputFile {
  path: string;
  /** Name the person uploaded, used in sourceRef (the path on disk is a temporary name). */
  name: string;
  size: number;
}

/** Records per batch: big enough to amortise the host's write, small enough to keep memory flat. */
export const BATCH_SIZE = 5000;

export type ReadContext = PluginContext<FileConfig>;

export function newBatch(): RecordBatch {
  return { records: [], warnings: [] };
}

export function isFull(batch: RecordBatch): boolean {
  return batch.records.length >= BATCH_SIZE || batch.warnings.length >= BATCH_SIZE;
}

export function aborted(): PluginError {
  return new PluginError('ABORTED', 'lecture du fichier interrompue (exécution annulée ou délai dépassé)');
}

/** Counts for the closing log line. */
export class ReadStats {
  rows = 0;
  records = 0;
  warnings = 0;

  count(batch: RecordBatch): RecordBatch {
    this.records += batch.records.length;
    this.warnings += batch.warnings.length;
    return batch;
  }

  describe(skipped: number): string {
    const outside = skipped ? `, ${skipped} hors du périmètre demandé` : '';
    return `${this.rows} ligne(s) lue(s) : ${this.records} valeur(s), ${this.warnings} avertissement(s)${outside}`;
  }
}
