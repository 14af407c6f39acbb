import { createReadStream } from 'node:fs';
import { FetchRequest, isPluginError, PluginError, RecordBatch } from '@cap-iae/plugin-sdk';
import { CsvError, parse, Parser } from 'csv-parse';
import { HeaderRow } from './columns';
import type { FileConfig, Separator } from './config';
import { detectSeparator, offsetAfterLines, Utf8Transcoder } from './decoder';
import { aborted, InputFile, isFull, newBatch, ReadContext, ReadStats } from './reading';
import { RowMapper } from './row-mapper';

/** Beyond this, the lines above the header are not a title block but a file without the expected header. */
const HEADER_SCAN_LIMIT = 4 * 1024 * 1024;
/** An unclosed quote would otherwise swallow the rest of a 200 MB file into one field. */
const MAX_RECORD_SIZE = 1_000_000;

// 64 KB keeps the records the parser holds at once (one chunk's worth) small; larger chunks measured no faster.
export const DEFAULT_CHUNK_SIZE = 64 * 1024;

/** French wording of the csv-parse errors a real file can cause (the others are programming errors). */
const CSV_ERRORS: Partial<Record<string, (line: number) => string>> = {
  CSV_QUOTE_NOT_CLOSED: (line) => `guillemet ouvert ligne ${line} et jamais fermé`,
  CSV_MAX_RECORD_SIZE: (line) =>
    `ligne ${line} démesurée (plus d'un million de caractères) : guillemet non fermé ?`,
  CSV_INVALID_CLOSING_QUOTE: (line) =>
    `guillemet mal placé ligne ${line} (un champ entre guillemets doit finir par un guillemet suivi du séparateur)`,
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: (line) =>
    `caractère inattendu après un guillemet fermant ligne ${line}`,
};

function csvProblem(error: unknown, line: number): PluginError {
  if (isPluginError(error)) return error;
  const code = error instanceof CsvError ? error.code : undefined;
  const describe = code ? CSV_ERRORS[code] : undefined;
  const detail = describe ? describe(line) : `ligne ${line} : ${(error as Error)?.message ?? String(error)}`;
  return new PluginError('INPUT_INVALID', `fichier CSV illisible : ${detail}`, { line, code });
}

/**
 * Separator from the header line once enough of the file has arrived, or undefined to wait for more. The header
 * line is the `headerRow`-th record; a title block above it may have no separator at all.
 */
function separatorFromHead(head: Buffer, headerRow: number, final: boolean): Separator | undefined {
  const text = head.toString('utf8');
  const start = headerRow === 1 ? 0 : offsetAfterLines(text, headerRow - 1);
  let line: string | undefined;
  if (start >= 0) {
    const length = offsetAfterLines(text.slice(start), 1);
    if (length >= 0) line = text.slice(start, start + length);
    else if (final) line = text.slice(start);
  }
  if (line === undefined) {
    if (final) {
      throw new PluginError(
        'INPUT_INVALID',
        text.trim() ? `ligne d'en-tête ${headerRow} absente : le fichier est plus court` : 'fichier vide',
      );
    }
    if (head.length > HEADER_SCAN_LIMIT) {
      throw new PluginError(
        'INPUT_INVALID',
        `ligne d'en-tête ${headerRow} introuvable dans les 4 premiers Mo du fichier`,
      );
    }
    return undefined;
  }
  if (!line.trim()) throw new PluginError('INPUT_INVALID', `ligne d'en-tête ${headerRow} vide`);
  const separator = detectSeparator(line);
  if (!separator) {
    throw new PluginError(
      'INPUT_INVALID',
      `séparateur de colonnes introuvable dans la ligne d'en-tête ${headerRow} (point-virgule, virgule ou tabulation attendu)`,
    );
  }
  return separator;
}

function createParser(delimiter: Separator): Parser {
  return parse({
    delimiter,
    // Bilans have title and note rows shorter or longer than the table.
    relax_column_count: true,
    // A stray quote inside an unquoted field (« 5" ») is text, not a syntax error.
    relax_quotes: true,
    // Empty lines stay records so that record numbers are the line numbers a spreadsheet shows.
    skip_empty_lines: false,
    max_record_size: MAX_RECORD_SIZE,
  });
}

/**
 * Streams a CSV file: bytes → UTF-8 (Utf8Transcoder) → csv-parse → RowMapper → batches. Memory stays bounded by one
 * read chunk, the records it holds and one batch, whatever the file size. The parser is fed by hand and drained
 * with read() rather than iterated record by record with `for await`, which costs a promise per row.
 */
export async function* readCsv(
  file: InputFile,
  config: FileConfig,
  request: FetchRequest,
  ctx: ReadContext,
  chunkSize = DEFAULT_CHUNK_SIZE,
): AsyncGenerator<RecordBatch> {
  const { signal } = ctx;
  if (signal.aborted) throw aborted();
  const source = createReadStream(file.path, { highWaterMark: chunkSize, signal });
  const transcoder = new Utf8Transcoder(config.encoding);
  const refPrefix = `${file.name}, ligne `;
  const stats = new ReadStats();
  let parser: Parser | undefined;
  let parseError: unknown;
  let head: Buffer[] = [];
  let mapper: RowMapper | undefined;
  let batch = newBatch();
  let bytes = 0;

  const start = (separator: Separator, first: Buffer) => {
    parser = createParser(separator);
    parser.on('error', (e) => {
      parseError = e;
    });
    if (first.length) parser.write(first);
  };

  /** Handles one record; returns the batch to hand over when it is full. */
  const consume = (cells: string[]): RecordBatch | undefined => {
    const line = ++stats.rows;
    if (mapper) {
      mapper.map(cells, line, batch);
      if (!isFull(batch)) return undefined;
      const full = batch;
      batch = newBatch();
      return stats.count(full);
    }
    if (line === config.headerRow)
      mapper = new RowMapper(config, new HeaderRow(cells, line), refPrefix, request);
    return undefined;
  };

  const afterYield = () => {
    if (signal.aborted) throw aborted();
    ctx.progress(bytes, file.size);
  };

  function* drain(): Generator<RecordBatch> {
    let cells: string[] | null;
    while ((cells = parser!.read() as string[] | null) !== null) {
      const full = consume(cells);
      if (full) {
        yield full;
        afterYield();
      }
    }
    if (parseError) throw csvProblem(parseError, stats.rows + 1);
  }

  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      if (signal.aborted) throw aborted();
      if (parseError) throw csvProblem(parseError, stats.rows + 1);
      bytes += chunk.length;
      const utf8 = transcoder.write(chunk);
      if (parser) {
        if (utf8.length) parser.write(utf8);
      } else {
        head.push(utf8);
        const whole = Buffer.concat(head);
        const separator = config.separator ?? separatorFromHead(whole, config.headerRow, false);
        if (!separator) {
          head = [whole];
          continue;
        }
        head = [];
        start(separator, whole);
      }
      yield* drain();
    }

    const tail = transcoder.end();
    if (parser) {
      if (tail.length) parser.write(tail);
    } else {
      const whole = Buffer.concat([...head, tail]);
      start(config.separator ?? separatorFromHead(whole, config.headerRow, true)!, whole);
    }
    yield* drain();
    const ending = parser!;
    ending.end();
    // The last record (no final line break) only comes out of the parser's flush, after end().
    for await (const cells of ending as AsyncIterable<string[]>) {
      const full = consume(cells);
      if (full) {
        yield full;
        afterYield();
      }
    }
    if (parseError) throw csvProblem(parseError, stats.rows + 1);
    if (!mapper) {
      throw new PluginError(
        'INPUT_INVALID',
        stats.rows === 0
          ? 'fichier vide'
          : `ligne d'en-tête ${config.headerRow} absente : le fichier n'a que ${stats.rows} ligne(s)`,
      );
    }
    ctx.progress(bytes, file.size);
    const last = stats.count(batch);
    ctx.logger.info(
      stats.describe(mapper.skipped) + (transcoder.detected ? ` (encodage ${transcoder.detected})` : ''),
    );
    yield last;
  } catch (e) {
    if (signal.aborted) throw aborted();
    if (isPluginError(e)) throw e;
    if (e instanceof CsvError) throw csvProblem(e, stats.rows + 1);
    throw new PluginError('INPUT_INVALID', `lecture du fichier impossible : ${(e as Error).message}`);
  } finally {
    source.destroy();
    parser?.destroy();
  }
}
