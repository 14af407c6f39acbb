import type { Page } from 'puppeteer-core';
import type { SommaireEntry } from '../templates/template-store';
import { ChromiumPool, RequestLogEntry } from './chromium-pool';
import { readPdfStructure, setPdfDates } from './pdf-structure';

export interface PdfDocumentInput {
  /** The document's HTML for a given table of contents (its page numbers are known only after a first layout). */
  html(sommaire: SommaireEntry[]): string;
  headerTemplate: string;
  footerTemplate: string;
  /** Creation and modification dates written in the PDF: the date of the data, so that equal data give equal files. */
  documentDate: Date;
  /**
   * Page numbers the sommaire had last time this bilan was made: when the headings are the same, the final layout
   * is made with them straight away, and kept if the PDF confirms every one of them (else laid out again).
   */
  expected?: SommaireEntry[] | null;
  onPass?(pass: number): void;
}

export interface PdfDocument {
  pdf: Buffer;
  pageCount: number;
  sommaire: SommaireEntry[];
  /** Layouts made: 1 without a table of contents, 2 usually, more if numbering moved a section. */
  passes: number;
  requests: RequestLogEntry[];
}

/** At most this many layouts: numbering converges in two unless a page number's width moves a line. */
const MAX_PASSES = 4;

const PDF_OPTIONS = {
  format: 'a4' as const,
  printBackground: true,
  tagged: true,
  outline: true,
  displayHeaderFooter: true,
  margin: { top: '17mm', bottom: '17mm', left: '15mm', right: '15mm' },
  timeout: 90_000,
};

/**
 * Headings that enter the table of contents: `<h2 id="…" data-toc="1">…</h2>` (the level in `data-toc`). Read from
 * the HTML the template produced, so that the template alone decides what the sommaire lists.
 */
export function extractSommaire(html: string): SommaireEntry[] {
  const entries: SommaireEntry[] = [];
  for (const m of html.matchAll(/<h([1-6])\b([^>]*)>([\s\S]*?)<\/h\1>/g)) {
    const attrs = m[2];
    const toc = /\bdata-toc="(\d)"/.exec(attrs);
    const id = /\bid="([^"]+)"/.exec(attrs);
    if (!toc || !id) continue;
    entries.push({ id: id[1], level: Number(toc[1]), title: decodeEntities(stripTags(m[3])), page: '' });
  }
  return entries;
}

function stripTags(text: string): string {
  return text
    .replace(/<[^>]*>/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function decodeEntities(text: string): string {
  return text
    .replace(/&#x([0-9a-fA-F]+);/g, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&nbsp;/g, '\u00a0')
    .replace(/&amp;/g, '&');
}

/**
 * HTML → PDF in a pooled Chromium page. The sommaire's page numbers come from the PDF itself: the sommaire links
 * to each heading, Chromium writes each link target as a named destination with its page, and the document is laid
 * out again with those numbers until they no longer move (twice in practice). No external tool, no guess from CSS.
 */
export async function renderPdf(pool: ChromiumPool, input: PdfDocumentInput): Promise<PdfDocument> {
  const entries = extractSommaire(input.html([]));
  return pool.use(async (page, requests) => {
    let loaded: string | null = null;
    const layout = async (sommaire: SommaireEntry[], pass: number, final: boolean) => {
      input.onPass?.(pass);
      const html = input.html(sommaire);
      // Between layouts only the sommaire's numbers change: when the template marks them, they are rewritten in
      // place rather than the whole document (fonts, charts) loaded again. The result is checked as any layout is.
      if (loaded === null || !(await patchNumbers(page, loaded, html, sommaire))) {
        await page.setContent(final ? html : withHeadingsOnly(html), { waitUntil: 'load', timeout: 60_000 });
      }
      loaded = html;
      return printPage(page, final ? input : null);
    };
    if (entries.length === 0) return finish(await layout([], 1, true), [], 1, requests);
    let sommaire: SommaireEntry[];
    let first = 2;
    const expected = input.expected;
    if (
      expected &&
      expected.length === entries.length &&
      expected.every((e, i) => e.id === entries[i].id && e.title === entries[i].title && /^\d+$/.test(e.page))
    ) {
      sommaire = entries.map((e, i) => ({ ...e, page: expected[i].page }));
      first = 1;
    } else {
      // First layout: only where the headings fall. Tags, outline and page margins change no page break, and cost
      // as much as the layout itself: they are left to the final one. Placeholders are as wide as two-digit numbers.
      sommaire = entries.map((e) => ({ ...e, page: '00' }));
      sommaire = numbered(sommaire, readPdfStructure(await layout(sommaire, 1, false)).destinations);
    }
    for (let pass = first; pass <= MAX_PASSES; pass++) {
      const pdf = await layout(sommaire, pass, true);
      const structure = readPdfStructure(pdf);
      const check = numbered(sommaire, structure.destinations);
      // Numbering can move a heading (a wider number wraps a line): lay out again until nothing moves.
      if (check.every((e, i) => e.page === sommaire[i].page) || pass === MAX_PASSES)
        return finish(pdf, check, pass, requests, structure.pageCount);
      sommaire = check;
    }
    throw new Error('inaccessible');
  });

  function finish(
    pdf: Buffer,
    sommaire: SommaireEntry[],
    passes: number,
    requests: RequestLogEntry[],
    pageCount?: number,
  ): PdfDocument {
    const dated = setPdfDates(pdf, input.documentDate);
    return {
      pdf: dated,
      pageCount: pageCount ?? readPdfStructure(dated).pageCount,
      sommaire,
      passes,
      requests: [...requests],
    };
  }
}

const HEADINGS_ONLY_ID = 'cap-iae-titres-seuls';

/**
 * The first layout only has to say where the headings fall. Hidden content keeps its place (`visibility` changes
 * no layout) but costs nothing to print, so only the headings and the sommaire's links are painted: the page
 * breaks, and the named destinations read from them, are those of the final document, at a third of the cost.
 */
function withHeadingsOnly(html: string): string {
  const style = `<style id="${HEADINGS_ONLY_ID}">body { visibility: hidden; } [data-toc], a[href^="#"] { visibility: visible; }</style>`;
  return html.includes('</head>') ? html.replace('</head>', `${style}</head>`) : `${style}${html}`;
}

/** Page of each entry from the PDF's named destinations; empty when a heading is not linked from the sommaire. */
function numbered(sommaire: SommaireEntry[], destinations: Map<string, number>): SommaireEntry[] {
  return sommaire.map((e) => {
    const p = destinations.get(e.id);
    return { ...e, page: p === undefined ? '' : String(p) };
  });
}

interface DomLike {
  getElementById(id: string): { remove(): void } | null;
  querySelectorAll(
    selector: string,
  ): ArrayLike<{ getAttribute(name: string): string | null; textContent: string | null }>;
}

/**
 * Rewrites the sommaire's page numbers of the loaded document, when the new HTML is the loaded one but for them:
 * each number sits alone in an element `data-sommaire-page="<id>"`. Returns false when that is not the case.
 */
async function patchNumbers(
  page: Page,
  loaded: string,
  html: string,
  sommaire: SommaireEntry[],
): Promise<boolean> {
  const marker = /(<[^>]*\bdata-sommaire-page="([^"]+)"[^>]*>)([^<]*)</g;
  const strip = (text: string) => text.replace(marker, '$1<');
  if (!html.includes('data-sommaire-page=') || strip(loaded) !== strip(html)) return false;
  const pages = Object.fromEntries(sommaire.map((e) => [e.id, e.page]));
  // Runs in the page through DevTools (the page's own scripts stay disabled); typed by hand, the DOM library is
  // not part of this Node project's types.
  await page.evaluate(
    (numbers: Record<string, string>, headingsOnly: string) => {
      const doc = (globalThis as unknown as { document: DomLike }).document;
      doc.getElementById(headingsOnly)?.remove();
      const marked = doc.querySelectorAll('[data-sommaire-page]');
      for (let i = 0; i < marked.length; i++) {
        const id = marked[i].getAttribute('data-sommaire-page') ?? '';
        if (id in numbers) marked[i].textContent = numbers[id];
      }
    },
    pages,
    HEADINGS_ONLY_ID,
  );
  return true;
}

/**
 * Every font of the document loaded before printing. A page of the pool may be in the background, where Chromium
 * defers layout: a font not yet asked for when the PDF is printed would be replaced by a fallback, and the text
 * would wrap differently from one generation to the next. Forcing layout, then loading every declared font, makes
 * the output depend on the document alone.
 */
async function loadFonts(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const doc = (globalThis as unknown as { document: FontsDocument }).document;
    void doc.body?.offsetHeight;
    // Iterated natively: with the page's scripts disabled, Blink refuses to call back into a function (forEach).
    const faces = Array.from(doc.fonts);
    await Promise.all(faces.map((f) => f.load().catch(() => undefined)));
    await doc.fonts.ready;
  });
}

interface FontsDocument {
  body: { offsetHeight: number } | null;
  fonts: Iterable<{ load(): Promise<unknown> }> & { ready: Promise<unknown> };
}

/** `final`: the PDF as delivered (tagged, with outline, header and footer); `null`: page breaks only. */
async function printPage(
  page: Page,
  final: Pick<PdfDocumentInput, 'headerTemplate' | 'footerTemplate'> | null,
): Promise<Buffer> {
  await loadFonts(page);
  const data = await page.pdf(
    final
      ? { ...PDF_OPTIONS, headerTemplate: final.headerTemplate, footerTemplate: final.footerTemplate }
      : { ...PDF_OPTIONS, tagged: false, outline: false, displayHeaderFooter: false },
  );
  return Buffer.from(data);
}
