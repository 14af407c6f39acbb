import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { RecordBatch } from '@cap-iae/plugin-sdk';
import ExcelJS from 'exceljs';
import plugin from './index';
import { contextOf, requestFor } from './spec-helpers';

const CONFIG = {
  indicatorColumn: 'Indicateur',
  territoryColumn: 'Département',
  territoryFormat: 'insee-departement',
  periodColumn: 'Année',
  valueColumn: 'Valeur',
  dimensionColumns: { siae_type: 'Type de structure' },
};

const TYPES = ['ACI', 'AI', 'EI', 'ETTI'];

/** Writes `rows` data rows without ever holding the file in memory; every 1000th row is bad. */
async function writeBigCsv(file: string, rows: number): Promise<void> {
  const out = fs.createWriteStream(file);
  const write = (text: string) =>
    out.write(text) ? Promise.resolve() : new Promise<void>((resolve) => out.once('drain', () => resolve()));
  await write('\ufeffIndicateur;Département;Année;Valeur;Type de structure\r\n');
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    const value = i % 1000 === 999 ? 'n.d.' : `${(i % 997) + 1} ${String(i % 1000).padStart(3, '0')},5`;
    chunk += `SIAE_NB;${String(1 + (i % 95)).padStart(2, '0')};${2000 + (i % 20)};${value};${TYPES[i % 4]}\r\n`;
    if (chunk.length > 1 << 20) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

/** A gc() for sampling: lets the test tell retained memory from garbage the engine has not collected yet. */
function gcFunction(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

describe('streaming', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cap-iae-fichier-big-'));
  const big = path.join(tmp, 'big.csv');
  const ROWS = 1_700_000;
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  beforeAll(() => writeBigCsv(big, ROWS), 120_000);

  it('reads a ~50 MB CSV in bounded memory, in batches of 5 000, with progress', async () => {
    expect(fs.statSync(big).size).toBeGreaterThan(50_000_000);
    const gc = gcFunction();
    gc?.();
    const base = process.memoryUsage().heapUsed;
    let peak = 0;
    let records = 0;
    let warnings = 0;
    let batches = 0;
    let largest = 0;
    let lastProgress = 0;
    const ctx = contextOf(CONFIG, new AbortController().signal, (done) => {
      lastProgress = done;
    });
    for await (const batch of plugin.fetchValues(requestFor(big), ctx) as AsyncIterable<RecordBatch>) {
      records += batch.records.length;
      warnings += batch.warnings.length;
      largest = Math.max(largest, batch.records.length);
      // Collect now and then, so that the peak measures what the reader keeps, not garbage awaiting collection.
      if (++batches % 10 === 0) gc?.();
      peak = Math.max(peak, process.memoryUsage().heapUsed - base);
    }
    expect(records).toBe(ROWS - ROWS / 1000);
    expect(warnings).toBe(ROWS / 1000);
    expect(largest).toBeLessThanOrEqual(5000);
    expect(batches).toBeGreaterThanOrEqual(ROWS / 5000);
    expect(lastProgress).toBe(fs.statSync(big).size);
    expect(peak).toBeLessThan(100 * 1024 * 1024);
  }, 120_000);

  it('stops promptly with ABORTED when the run is cancelled midway', async () => {
    const controller = new AbortController();
    const ctx = contextOf(CONFIG, controller.signal);
    let records = 0;
    const started = Date.now();
    const run = async () => {
      for await (const batch of plugin.fetchValues(requestFor(big), ctx) as AsyncIterable<RecordBatch>) {
        records += batch.records.length;
        if (records >= 20_000) controller.abort();
      }
    };
    await expect(run()).rejects.toMatchObject({ name: 'PluginError', code: 'ABORTED' });
    expect(records).toBeLessThan(30_000);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('stops an XLSX read too', async () => {
    const file = path.join(tmp, 'big.xlsx');
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file });
    const sheet = writer.addWorksheet('Bilan');
    sheet.addRow(['Indicateur', 'Département', 'Année', 'Valeur', 'Type de structure']).commit();
    for (let i = 0; i < 30_000; i++) sheet.addRow(['SIAE_NB', '93', 2021, i, 'ACI']).commit();
    sheet.commit();
    await writer.commit();
    const controller = new AbortController();
    let records = 0;
    const run = async () => {
      for await (const batch of plugin.fetchValues(
        requestFor(file),
        contextOf(CONFIG, controller.signal),
      ) as AsyncIterable<RecordBatch>) {
        records += batch.records.length;
        controller.abort();
      }
    };
    await expect(run()).rejects.toMatchObject({ code: 'ABORTED' });
    expect(records).toBe(5000);
  }, 60_000);
});
