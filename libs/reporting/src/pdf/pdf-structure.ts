/**
 * Just enough PDF reading to number a table of contents: the order of the pages and the named destinations that
 * Chromium writes for internal links (`<a href="#axe-2">` → `/axe-2 [<page> 0 R /XYZ …]`). Chromium (Skia) writes a
 * classic cross-reference table and uncompressed dictionaries; only content streams are compressed, and they are
 * never read here. This avoids running an external tool at generation time.
 */
export interface PdfStructure {
  pageCount: number;
  /** Named destination → page number (1-based). */
  destinations: Map<string, number>;
}

class PdfReader {
  private readonly text: string;
  private readonly offsets = new Map<number, number>();

  constructor(pdf: Buffer) {
    // latin1 keeps one character per byte, so that string offsets are byte offsets.
    this.text = pdf.toString('latin1');
    if (!this.readXref()) this.scanObjects();
  }

  private readXref(): boolean {
    const at = this.text.lastIndexOf('startxref');
    if (at < 0) return false;
    const offset = Number(/startxref\s+(\d+)/.exec(this.text.slice(at))?.[1]);
    if (!Number.isFinite(offset) || this.text.slice(offset, offset + 4) !== 'xref') return false;
    const lines = this.text.slice(offset + 4, this.text.indexOf('trailer', offset)).split(/\r?\n|\r/);
    let next = -1;
    for (const raw of lines) {
      const line = raw.trim();
      if (!line) continue;
      const section = /^(\d+) (\d+)$/.exec(line);
      if (section) {
        next = Number(section[1]);
        continue;
      }
      const entry = /^(\d{10}) (\d{5}) ([nf])$/.exec(line);
      if (!entry || next < 0) return false;
      if (entry[3] === 'n') this.offsets.set(next, Number(entry[1]));
      next += 1;
    }
    return this.offsets.size > 0;
  }

  /** Fallback for a file without a readable table: find `n 0 obj` markers. */
  private scanObjects(): void {
    for (const m of this.text.matchAll(/(?:^|[\r\n])(\d+) 0 obj\b/g))
      this.offsets.set(Number(m[1]), (m.index ?? 0) + m[0].indexOf(m[1]));
  }

  /** The object's dictionary or array text, up to its stream or its end. */
  object(num: number): string {
    const start = this.offsets.get(num);
    if (start === undefined) return '';
    const end = this.text.indexOf('endobj', start);
    let body = this.text.slice(start, end < 0 ? undefined : end);
    const stream = body.indexOf('stream');
    if (stream >= 0) body = body.slice(0, stream);
    return body.replace(/^\d+ \d+ obj\s*/, '');
  }

  trailerRoot(): number | null {
    const trailer = this.text.slice(this.text.lastIndexOf('trailer'));
    const root = /\/Root (\d+) 0 R/.exec(trailer)?.[1];
    if (root) return Number(root);
    // A file with only a cross-reference stream names its catalog there.
    for (const num of this.offsets.keys()) if (/\/Type\s*\/Catalog/.test(this.object(num))) return num;
    return null;
  }
}

function decodeName(name: string): string {
  return name.replace(/#([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** The catalog's `/Key n 0 R` reference, or the inline dictionary when there is no reference. */
function ref(dict: string, key: string): number | null {
  const m = new RegExp(`/${key}\\s+(\\d+) 0 R`).exec(dict);
  return m ? Number(m[1]) : null;
}

export function readPdfStructure(pdf: Buffer): PdfStructure {
  const reader = new PdfReader(pdf);
  const root = reader.trailerRoot();
  if (root === null) throw new Error('PDF illisible : catalogue introuvable');
  const catalog = reader.object(root);

  const pages: number[] = [];
  const walk = (num: number, depth: number): void => {
    if (depth > 32) return;
    const node = reader.object(num);
    if (/\/Type\s*\/Pages\b/.test(node)) {
      const kids = /\/Kids\s*\[([^\]]*)\]/.exec(node)?.[1] ?? '';
      for (const k of kids.matchAll(/(\d+) 0 R/g)) walk(Number(k[1]), depth + 1);
    } else {
      pages.push(num);
    }
  };
  const pagesRoot = ref(catalog, 'Pages');
  if (pagesRoot === null) throw new Error('PDF illisible : arbre des pages introuvable');
  walk(pagesRoot, 0);
  const pageIndex = new Map(pages.map((num, i) => [num, i + 1]));

  const destinations = new Map<string, number>();
  const readDests = (dict: string) => {
    for (const m of dict.matchAll(/\/([^\s/[\]<>()]+)\s*\[\s*(\d+) 0 R/g)) {
      const page = pageIndex.get(Number(m[2]));
      if (page !== undefined) destinations.set(decodeName(m[1]), page);
    }
  };
  const destsRef = ref(catalog, 'Dests');
  if (destsRef !== null) readDests(reader.object(destsRef));
  // PDF 1.2+ may also use a name tree (`/Names << /Dests … >>`): leaves hold `[(name) [page …] …]`.
  const namesRef = ref(catalog, 'Names');
  const namesDict =
    namesRef !== null ? reader.object(namesRef) : (/\/Names\s*<<([\s\S]*?)>>/.exec(catalog)?.[1] ?? '');
  const treeRef = ref(namesDict, 'Dests');
  if (treeRef !== null) {
    const visit = (num: number, depth: number) => {
      if (depth > 16) return;
      const node = reader.object(num);
      for (const k of (/\/Kids\s*\[([^\]]*)\]/.exec(node)?.[1] ?? '').matchAll(/(\d+) 0 R/g))
        visit(Number(k[1]), depth + 1);
      for (const m of node.matchAll(/\(([^)]*)\)\s*\[\s*(\d+) 0 R/g)) {
        const page = pageIndex.get(Number(m[2]));
        if (page !== undefined) destinations.set(m[1], page);
      }
    };
    visit(treeRef, 0);
  }
  return { pageCount: pages.length, destinations };
}

/** `D:20211231235959+00'00'`: the PDF date format, always the same length. */
export function pdfDate(date: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `D:${p(date.getUTCFullYear(), 4)}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}` +
    `${p(date.getUTCHours())}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}+00'00'`
  );
}

/**
 * Sets the creation and modification dates of the document information dictionary. The replacement has exactly the
 * length of what it replaces, so the cross-reference offsets stay valid without rewriting the file.
 */
export function setPdfDates(pdf: Buffer, date: Date): Buffer {
  const stamp = pdfDate(date);
  const text = pdf.toString('latin1');
  const out = text.replace(
    /\/(CreationDate|ModDate) \((D:\d{14}[+\-Z][^)]*)\)/g,
    (whole, key: string, value: string) => (value.length === stamp.length ? `/${key} (${stamp})` : whole),
  );
  return Buffer.from(out, 'latin1');
}
