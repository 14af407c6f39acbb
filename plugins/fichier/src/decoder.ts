import { isAscii } from 'node:buffer';
import { TextDecoder } from 'node:util';
import type { Encoding, Separator } from './config';

export type DetectedEncoding = Encoding | 'utf-16le' | 'utf-16be';

/**
 * Windows-1252 bytes 0x80–0x9F (€, ’, œ, « … »). Node's TextDecoder('windows-1252') decodes them as Latin-1 C1
 * controls since 20.18.3 (nodejs/node#56542, #60888), which would turn « l’emploi » into « l\u0092emploi »; the table
 * is the WHATWG one, so that the decoding does not depend on the Node version.
 */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d,
  0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a,
  0x153, 0x9d, 0x17e, 0x178,
];
const C1_RANGE = /[\u0080-\u009f]/;
const C1_RANGE_ALL = /[\u0080-\u009f]/g;

export function decodeWindows1252(bytes: Buffer): string {
  // latin1 is a native one-byte-per-char copy; only the 32 differing code points need fixing, rarely present.
  const text = bytes.toString('latin1');
  return C1_RANGE.test(text)
    ? text.replace(C1_RANGE_ALL, (c) => String.fromCharCode(CP1252_HIGH[c.charCodeAt(0) - 0x80]))
    : text;
}

/**
 * Turns the raw bytes of a CSV file into UTF-8 bytes for the CSV parser, deciding the encoding on the fly:
 * a BOM decides (UTF-8, UTF-16); otherwise bytes pass through while they are plain ASCII, and the first chunk that
 * holds other bytes decides — valid UTF-8 → UTF-8, else Windows-1252 (what Excel « CSV (séparateur : point-virgule) »
 * writes on a French Windows).
 *
 * UTF-8 input is passed through untouched rather than decoded and re-encoded: the CSV parser works on bytes and only
 * decodes whole fields, so a character split between two chunks is never cut. The other encodings go through a
 * decoder that keeps incomplete sequences between chunks (UTF-16) or cannot split anything (one byte per character).
 */
export class Utf8Transcoder {
  private encoding: DetectedEncoding | undefined;
  private decoder: TextDecoder | undefined;
  /** Bytes held back: the first bytes until a BOM can be recognised, or a non-ASCII tail too short to judge. */
  private pending: Buffer | undefined;
  private started = false;

  constructor(private readonly forced?: Encoding) {}

  /** Encoding decided so far; undefined while the file has been pure ASCII. */
  get detected(): DetectedEncoding | undefined {
    return this.encoding;
  }

  write(chunk: Buffer): Buffer {
    return this.convert(chunk, false);
  }

  end(): Buffer {
    return this.convert(Buffer.alloc(0), true);
  }

  private convert(input: Buffer, final: boolean): Buffer {
    let chunk = input;
    if (this.pending) {
      chunk = Buffer.concat([this.pending, input]);
      this.pending = undefined;
    }
    if (!this.started) {
      if (chunk.length < 3 && !final) {
        this.pending = chunk;
        return Buffer.alloc(0);
      }
      this.started = true;
      chunk = this.readBom(chunk);
    }
    switch (this.encoding) {
      case 'utf-8':
        return chunk;
      case 'windows-1252':
        return Buffer.from(decodeWindows1252(chunk), 'utf8');
      case 'utf-16le':
      case 'utf-16be':
        return Buffer.from(this.decoder!.decode(chunk, { stream: !final }), 'utf8');
      case undefined:
        return this.sniff(chunk, final);
    }
  }

  private readBom(chunk: Buffer): Buffer {
    if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
      this.encoding = 'utf-8';
      return chunk.subarray(3);
    }
    // Excel's « Texte Unicode » export: UTF-16 little-endian with a BOM, tab-separated.
    if (chunk.length >= 2 && chunk[0] === 0xff && chunk[1] === 0xfe) {
      this.encoding = 'utf-16le';
      this.decoder = new TextDecoder('utf-16le', { ignoreBOM: true });
      return chunk.subarray(2);
    }
    if (chunk.length >= 2 && chunk[0] === 0xfe && chunk[1] === 0xff) {
      this.encoding = 'utf-16be';
      this.decoder = new TextDecoder('utf-16be', { ignoreBOM: true });
      return chunk.subarray(2);
    }
    if (this.forced) this.encoding = this.forced;
    return chunk;
  }

  private sniff(chunk: Buffer, final: boolean): Buffer {
    if (isAscii(chunk)) return chunk;
    let first = 0;
    while (chunk[first] < 0x80) first++;
    // A lone lead byte at the very end could be the start of a UTF-8 sequence completed by the next chunk: wait.
    if (!final && first >= chunk.length - 3) {
      this.pending = chunk.subarray(first);
      return chunk.subarray(0, first);
    }
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(chunk.subarray(first), { stream: !final });
      this.encoding = 'utf-8';
      return chunk;
    } catch {
      this.encoding = 'windows-1252';
      return Buffer.from(decodeWindows1252(chunk), 'utf8');
    }
  }
}

/**
 * Whether the quote at `i` opens a quoted field: as in the CSV parser, only at the start of a field (line start or
 * after a separator candidate). A quote inside an unquoted field (« 5" ») is a plain character.
 */
function opensQuote(text: string, i: number): boolean {
  if (i === 0) return true;
  const p = text.charCodeAt(i - 1);
  return p === 59 || p === 44 || p === 9 || p === 10 || p === 13;
}

/**
 * Index just after the closing quote of the quoted field opened at `i`, skipping doubled quotes; `text.length` when
 * the field is not closed within `text`.
 */
function skipQuoted(text: string, i: number): number {
  let j = i + 1;
  while (j < text.length) {
    if (text.charCodeAt(j) === 34) {
      if (text.charCodeAt(j + 1) === 34) j += 2;
      else return j + 1;
    } else j++;
  }
  return text.length;
}

/**
 * Offset just after the `count`-th line break of `text` that is outside quoted fields (a quoted field may hold
 * line breaks), or -1 when there are fewer. CRLF counts once; a lone CR (old Mac files) counts too.
 */
export function offsetAfterLines(text: string, count: number): number {
  let seen = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 34 && opensQuote(text, i)) {
      i = skipQuoted(text, i);
      continue;
    }
    i++;
    if (c === 10 || c === 13) {
      if (c === 13 && text.charCodeAt(i) === 10) i++;
      if (++seen === count) return i;
    }
  }
  return -1;
}

/**
 * Separator of a header line: the most frequent of `;`, TAB and `,` outside quoted fields. Ties go to `;` then TAB,
 * because French headers are more likely to hold a comma (« Taux, en % ») than a semicolon. Undefined when none.
 */
export function detectSeparator(line: string): Separator | undefined {
  let semicolons = 0;
  let tabs = 0;
  let commas = 0;
  let i = 0;
  while (i < line.length) {
    const c = line.charCodeAt(i);
    if (c === 34 && opensQuote(line, i)) {
      i = skipQuoted(line, i);
      continue;
    }
    if (c === 10 || c === 13) break;
    if (c === 59) semicolons++;
    else if (c === 9) tabs++;
    else if (c === 44) commas++;
    i++;
  }
  const best = Math.max(semicolons, tabs, commas);
  if (best === 0) return undefined;
  if (semicolons === best) return ';';
  if (tabs === best) return '\t';
  return ',';
}
