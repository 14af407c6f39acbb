import { createReadStream } from 'node:fs';
import { FetchRequest, isPluginError, PluginError, RecordBatch } from '@cap-iae/plugin-sdk';
import type { Cell as ExcelCell, CellValue, Row } from 'exceljs';
import { HeaderRow, normalizeHeader } from './columns';
import type { FileConfig } from './config';
import { aborted, InputFile, isFull, newBatch, ReadContext, ReadStats } from './reading';
import { Cell, FormulaCell, RowMapper } from './row-mapper';

/** What the streaming reader exposes beyond its type declarations (set from xl/workbook.xml). */
interface SheetReader extends AsyncIterable<Row> {
  name?: string;
}
interface WorkbookModel {
  model?: { sheets?: { name?: string }[] };
}

/** A number formatted as a percentage is stored as a fraction (0.45 shown « 45 % »); Cap IAE stores 45. */
function isPercentFormat(numFmt: string | undefined): boolean {
  return !!numFmt && numFmt.includes('%');
}

/** The plugin's view of an Excel cell: formulas become FormulaCell (their cached result is never used). */
export function cellOf(cell: ExcelCell): Cell {
  const v: CellValue = cell.value;
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return isPercentFormat(cell.numFmt) ? Number((v * 100).toPrecision(15)) : v;
  if (typeof v === 'boolean') return v ? 'VRAI' : 'FAUX';
  if (v instanceof Date) return v;
  // `in` rather than truthiness: cells that share a formula carry an empty `formula`.
  if ('formula' in v) return new FormulaCell(typeof v.formula === 'string' ? v.formula : '');
  if ('sharedFormula' in v)
    return new FormulaCell(typeof v.sharedFormula === 'string' ? v.sharedFormula : '');
  if ('richText' in v) return v.richText.map((r) => r.text).join('');
  if ('error' in v) return String(v.error);
  if ('text' in v) return String(v.text);
  return undefined;
}

function headerText(cell: Cell): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'string') return cell;
  if (typeof cell === 'number') return String(cell);
  if (cell instanceof FormulaCell) return cell.text;
  return cell.toISOString().slice(0, 10);
}

/**
 * Streams one sheet of an XLSX workbook with exceljs' WorkbookReader (rows are parsed from the zip as they come,
 * never loaded as a whole workbook). Shared strings and styles are cached — styles are needed to know dates and
 * percentages. Line numbers are the sheet's own row numbers.
 */
export async function* readXlsx(
  file: InputFile,
  config: FileConfig,
  request: FetchRequest,
  ctx: ReadContext,
): AsyncGenerator<RecordBatch> {
  const { signal } = ctx;
  if (signal.aborted) throw aborted();
  // Loaded on demand: exceljs is large and CSV runs never need it.
  const ExcelJS = await import('exceljs');
  const source = createReadStream(file.path);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(source, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  const stats = new ReadStats();
  const seen: string[] = [];
  let found = false;
  try {
    for await (const worksheet of reader as AsyncIterable<SheetReader>) {
      if (signal.aborted) throw aborted();
      const name = worksheet.name ?? `Feuille ${seen.length + 1}`;
      seen.push(name);
      const first = (reader as unknown as WorkbookModel).model?.sheets?.[0]?.name;
      const wanted = config.sheet
        ? normalizeHeader(name) === normalizeHeader(config.sheet)
        : first === undefined || first === name;
      // Skipped sheets are drained by the reader itself when the loop moves on.
      if (!wanted) continue;
      found = true;
      yield* readSheet(worksheet, name);
      break;
    }
    if (!found) {
      throw new PluginError(
        'INPUT_INVALID',
        config.sheet
          ? `feuille « ${config.sheet} » introuvable ; feuilles du classeur : ${seen.map((s) => `« ${s} »`).join(', ') || '(aucune)'}`
          : 'le classeur ne contient aucune feuille',
      );
    }
  } catch (e) {
    if (signal.aborted) throw aborted();
    if (isPluginError(e)) throw e;
    throw new PluginError('INPUT_INVALID', `classeur Excel illisible : ${(e as Error).message}`);
  } finally {
    source.destroy();
  }

  async function* readSheet(worksheet: SheetReader, sheetName: string): AsyncGenerator<RecordBatch> {
    let mapper: RowMapper | undefined;
    let batch = newBatch();
    const cells: Cell[] = [];
    for await (const row of worksheet) {
      if (signal.aborted) throw aborted();
      const line = row.number;
      if (line < config.headerRow) continue;
      cells.length = 0;
      row.eachCell((cell, col) => {
        cells[col - 1] = cellOf(cell);
      });
      stats.rows++;
      if (!mapper) {
        if (line > config.headerRow) {
          throw new PluginError(
            'INPUT_INVALID',
            `ligne d'en-tête ${config.headerRow} vide dans la feuille « ${sheetName} »`,
          );
        }
        const header = Array.from({ length: cells.length }, (_, i) => headerText(cells[i]));
        mapper = new RowMapper(
          config,
          new HeaderRow(header, line),
          `${file.name}, feuille ${sheetName}, ligne `,
          request,
        );
        continue;
      }
      mapper.map(cells, line, batch);
      if (isFull(batch)) {
        yield stats.count(batch);
        batch = newBatch();
        if (signal.aborted) throw aborted();
        ctx.progress(source.bytesRead, file.size);
      }
    }
    if (!mapper) {
      throw new PluginError(
        'INPUT_INVALID',
        `ligne d'en-tête ${config.headerRow} absente de la feuille « ${sheetName} »`,
      );
    }
    ctx.progress(file.size, file.size);
    const last = stats.count(batch);
    ctx.logger.info(`feuille « ${sheetName} » : ${stats.describe(mapper.skipped)}`);
    yield last;
  }
}
