import { open } from 'node:fs/promises';
import * as path from 'node:path';
import { definePlugin, FetchRequest, PluginError, RecordBatch } from '@cap-iae/plugin-sdk';
import { describeConfig, FileConfig, parseFileConfig } from './config';
import { readCsv } from './csv-reader';
import { aborted, InputFile, ReadContext } from './reading';
import { readXlsx } from './xlsx-reader';

type FileKind = 'csv' | 'xlsx';

/**
 * The kind of file from its first bytes rather than its name: uploads get renamed, and a « .csv » saved by Excel
 * may well be a workbook. Formats we cannot read are refused with what to do instead.
 */
function kindOf(head: Buffer, name: string): FileKind {
  const zip =
    head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
  if (zip) {
    // An OpenDocument file is a zip whose first entry is an uncompressed « mimetype » naming its type.
    if (
      head.toString('latin1', 30, 38) === 'mimetype' &&
      head.toString('latin1', 38, 120).includes('opendocument')
    ) {
      throw new PluginError(
        'INPUT_INVALID',
        `« ${name} » est un fichier OpenDocument (.ods) : enregistrez-le au format .xlsx ou .csv`,
      );
    }
    return 'xlsx';
  }
  if (head.length >= 4 && head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0) {
    throw new PluginError(
      'INPUT_INVALID',
      `« ${name} » est un classeur Excel 97-2003 (.xls) : enregistrez-le au format .xlsx ou .csv`,
    );
  }
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') {
    throw new PluginError(
      'INPUT_INVALID',
      `« ${name} » est un PDF : téléchargez le bilan au format CSV ou XLSX`,
    );
  }
  return 'csv';
}

async function inspect(request: FetchRequest): Promise<{ file: InputFile; kind: FileKind }> {
  const given = request.file;
  if (!given?.path)
    throw new PluginError('INPUT_INVALID', 'aucun fichier transmis : déposez un fichier CSV ou XLSX');
  const name = given.originalName?.trim() || path.basename(given.path);
  let handle;
  try {
    handle = await open(given.path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new PluginError(
      'INPUT_INVALID',
      code === 'ENOENT'
        ? `fichier « ${name} » introuvable`
        : `fichier « ${name} » illisible (${code ?? (e as Error).message})`,
    );
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new PluginError('INPUT_INVALID', `« ${name} » n'est pas un fichier`);
    if (stat.size === 0) throw new PluginError('INPUT_INVALID', `fichier « ${name} » vide`);
    const head = Buffer.alloc(Math.min(512, stat.size));
    await handle.read(head, 0, head.length, 0);
    return { file: { path: given.path, name, size: stat.size }, kind: kindOf(head, name) };
  } catch (e) {
    if (e instanceof PluginError) throw e;
    throw new PluginError('INPUT_INVALID', `fichier « ${name} » illisible (${(e as Error).message})`);
  } finally {
    await handle.close();
  }
}

async function* readFile(request: FetchRequest, ctx: ReadContext): AsyncGenerator<RecordBatch> {
  if (ctx.signal.aborted) throw aborted();
  const { file, kind } = await inspect(request);
  if (ctx.signal.aborted) throw aborted();
  yield* kind === 'xlsx' ? readXlsx(file, ctx.config, request, ctx) : readCsv(file, ctx.config, request, ctx);
}

export default definePlugin<FileConfig>({
  parseConfig(raw) {
    return parseFileConfig(raw);
  },

  fetchValues(request, ctx) {
    return readFile(request, ctx);
  },

  healthCheck({ config }) {
    // Nothing remote to reach: the check tells the source owner how the next file will be read. It must not throw,
    // so a configuration that did not go through parseConfig is checked here and its problem reported.
    try {
      const checked = Array.isArray(config?.dimensionColumns)
        ? config
        : parseFileConfig(config as unknown as Record<string, unknown>);
      return Promise.resolve({
        ok: true,
        message: `Fichier CSV ou XLSX déposé à chaque import ; ${describeConfig(checked)}.`,
      });
    } catch (e) {
      return Promise.resolve({ ok: false, message: (e as Error).message });
    }
  },
});
