import * as fs from 'node:fs';
import * as path from 'node:path';
import * as Handlebars from 'handlebars';
import { formatNumberFr } from '@cap-iae/shared';
import type { BilanKind } from '../bilan-kinds';
import { parseManifest, ReportManifest } from './report-manifest';
import { TemplateError } from './template-error';

/**
 * What a template sees. `bilan` is the view-model (the data, hashed); the rest is presentation: the template's own
 * manifest, the rendered charts, the table of contents and the styles with their fonts inlined.
 */
export interface RenderContext {
  bilan: unknown;
  document: {
    templateId: string;
    title: string;
    kind: BilanKind;
    kindLabel: string;
    /** `<title>` of the HTML and title of the PDF. */
    documentTitle: string;
    sections: ReportManifest['sections'];
    options: ReportManifest['options'];
    /** « 23 novembre 2026 à 19:31 », in French and Europe/Paris time: Chromium's own date is US-formatted. */
    generatedAtLabel: string;
  };
  sommaire: SommaireEntry[];
  charts: Record<string, string>;
}

export interface SommaireEntry {
  id: string;
  title: string;
  level: number;
  /** Page number as printed; a same-width placeholder before the pages are known. */
  page: string;
}

export interface LoadedTemplate {
  id: string;
  dir: string;
  manifest: ReportManifest;
  renderDocument(context: RenderContext): string;
  renderHeader(context: RenderContext): string;
  renderFooter(context: RenderContext): string;
}

const MIME: Record<string, string> = {
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.gif': 'image/gif',
};

type Compiled = Handlebars.TemplateDelegate;

/** Marks an error with the template file it happened in, so that the innermost partial is the one named. */
interface TaggedError {
  capIaeFile?: string;
}

/**
 * Loads a bilan template folder (`bilans/<id>/`) with the shared layouts, partials, styles and fonts of the templates
 * root, and compiles it with Handlebars in strict mode: a field the data lacks is an error naming it, never an empty
 * cell in an official document. Templates are read from disk and compiled again when a file changed, so that an
 * administrator's edit applies to the next bilan without a restart.
 */
export class TemplateStore {
  private cache = new Map<string, { signature: string; template: LoadedTemplate }>();

  constructor(readonly root: string) {}

  /** Checks that a template exists and its manifest is valid, for the configuration check at boot. */
  manifest(id: string, expectedKind?: BilanKind): ReportManifest {
    const dir = path.join(this.root, 'bilans', id);
    const file = path.join(dir, 'report.json');
    if (!fs.existsSync(file))
      throw new TemplateError(id, this.rel(file), `dossier ou fichier introuvable (${file})`);
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new TemplateError(id, this.rel(file), `JSON invalide : ${(e as Error).message}`);
    }
    const { manifest, issues } = parseManifest(id, raw);
    if (!manifest) throw new TemplateError(id, this.rel(file), issues.join(' ; '), issues[0] ?? null);
    if (expectedKind && manifest.kind !== expectedKind)
      throw new TemplateError(
        id,
        this.rel(file),
        `ce modèle est un bilan « ${manifest.kind} », pas « ${expectedKind} »`,
        'kind',
      );
    return manifest;
  }

  load(id: string, expectedKind?: BilanKind): LoadedTemplate {
    const manifest = this.manifest(id, expectedKind);
    const dir = path.join(this.root, 'bilans', id);
    const files = this.files(dir, manifest);
    const signature = files
      .map((f) => {
        const s = fs.statSync(f);
        return `${f}:${s.mtimeMs}:${s.size}`;
      })
      .join('|');
    const cached = this.cache.get(id);
    if (cached && cached.signature === signature) return cached.template;
    const template = this.compile(id, dir, manifest);
    this.cache.set(id, { signature, template });
    return template;
  }

  /** Every file a template is made of: a change to any of them recompiles it. */
  private files(dir: string, manifest: ReportManifest): string[] {
    const list = (d: string, ext: string) =>
      fs.existsSync(d)
        ? fs
            .readdirSync(d)
            .filter((f) => f.endsWith(ext))
            .sort()
            .map((f) => path.join(d, f))
        : [];
    return [
      path.join(dir, 'report.json'),
      path.join(dir, 'report.hbs'),
      ...list(dir, '.css'),
      ...list(path.join(dir, 'partials'), '.hbs'),
      ...list(path.join(this.root, 'partials'), '.hbs'),
      ...list(path.join(this.root, 'styles'), '.css'),
      path.join(this.root, 'layouts', `${manifest.layout}.hbs`),
    ].filter((f) => fs.existsSync(f));
  }

  private compile(id: string, dir: string, manifest: ReportManifest): LoadedTemplate {
    const env = Handlebars.create();
    const sources = new Map<string, string>();
    const read = (file: string): string => {
      const rel = this.rel(file);
      if (!fs.existsSync(file)) throw new TemplateError(id, rel, 'fichier introuvable');
      const text = fs.readFileSync(file, 'utf8');
      sources.set(rel, text);
      return text;
    };
    const compileFile = (file: string): Compiled => {
      const rel = this.rel(file);
      const source = read(file);
      try {
        // Parsing now reports syntax errors at load, with their line, instead of at the first render.
        env.parse(source);
      } catch (e) {
        throw syntaxError(id, rel, e);
      }
      const compiled = env.compile(source, { strict: true, preventIndent: true });
      return (context: unknown, options?: Handlebars.RuntimeOptions) => {
        try {
          return compiled(context, options);
        } catch (e) {
          const tagged = e as TaggedError;
          if (e && typeof e === 'object' && !tagged.capIaeFile) tagged.capIaeFile = rel;
          throw e;
        }
      };
    };

    // Shared partials first, then the template's own folder, which may override any of them.
    for (const partialDir of [path.join(this.root, 'partials'), path.join(dir, 'partials')]) {
      if (!fs.existsSync(partialDir)) continue;
      for (const f of fs
        .readdirSync(partialDir)
        .filter((n) => n.endsWith('.hbs'))
        .sort())
        env.registerPartial(f.slice(0, -4), compileFile(path.join(partialDir, f)));
    }
    registerHelpers(env, (p) => this.asset(id, dir, p));

    const report = compileFile(path.join(dir, 'report.hbs'));
    const layout = compileFile(path.join(this.root, 'layouts', `${manifest.layout}.hbs`));
    const header = compileFile(path.join(this.root, 'layouts', 'header.hbs'));
    const footer = compileFile(path.join(this.root, 'layouts', 'footer.hbs'));
    const styles = this.styles(id, dir, ['fonts.css', 'print.css']);
    const marginStyles = this.styles(id, dir, ['header-footer.css'], false);

    const run = (fn: Compiled, context: unknown): string => {
      try {
        return fn(context);
      } catch (e) {
        throw runtimeError(id, e, sources);
      }
    };
    return {
      id,
      dir,
      manifest,
      renderDocument: (context) => {
        const body = run(report, context);
        return run(layout, {
          ...context,
          styles: new Handlebars.SafeString(styles),
          body: new Handlebars.SafeString(body),
        });
      },
      renderHeader: (context) => run(header, { ...context, styles: new Handlebars.SafeString(marginStyles) }),
      renderFooter: (context) => run(footer, { ...context, styles: new Handlebars.SafeString(marginStyles) }),
    };
  }

  /** The shared style sheets, then the template's own `*.css`, with every local `url()` inlined as a data URI. */
  private styles(id: string, dir: string, shared: string[], withOwn = true): string {
    const parts: string[] = [];
    const files = [
      ...shared.map((f) => path.join(this.root, 'styles', f)),
      ...(withOwn && fs.existsSync(dir)
        ? fs
            .readdirSync(dir)
            .filter((f) => f.endsWith('.css'))
            .sort()
            .map((f) => path.join(dir, f))
        : []),
    ];
    for (const file of files) {
      if (!fs.existsSync(file)) continue;
      const css = fs.readFileSync(file, 'utf8');
      parts.push(
        css.replace(/url\(\s*(['"]?)([^'")]+)\1\s*\)/g, (whole, _q: string, ref: string) => {
          // Remote URLs are left as written: the renderer blocks them, and the bilan renders without them.
          if (/^(data:|https?:|#)/i.test(ref)) return whole;
          return `url("${this.dataUri(id, path.resolve(path.dirname(file), ref), this.rel(file))}")`;
        }),
      );
    }
    return parts.join('\n');
  }

  /** `{{asset "images/logo.svg"}}`: a file of the template's folder, else of the templates root, as a data URI. */
  private asset(id: string, dir: string, ref: string): string {
    const own = path.resolve(dir, ref);
    return this.dataUri(id, fs.existsSync(own) ? own : path.resolve(this.root, ref), `asset « ${ref} »`);
  }

  private dataUri(id: string, file: string, from: string): string {
    const inside = path.relative(this.root, file);
    if (inside.startsWith('..') || path.isAbsolute(inside))
      throw new TemplateError(id, from, `« ${file} » est hors du dossier des modèles`);
    if (!fs.existsSync(file)) throw new TemplateError(id, from, `fichier « ${inside} » introuvable`);
    const mime = MIME[path.extname(file).toLowerCase()];
    if (!mime) throw new TemplateError(id, from, `type de fichier non pris en charge : « ${inside} »`);
    return `data:${mime};base64,${fs.readFileSync(file).toString('base64')}`;
  }

  private rel(file: string): string {
    return path.relative(path.dirname(this.root), file) || file;
  }
}

function syntaxError(id: string, file: string, e: unknown): TemplateError {
  const message = e instanceof Error ? e.message : String(e);
  const line = /line (\d+)/.exec(message)?.[1] ?? /- (\d+):\d+$/.exec(message)?.[1];
  const detail = message.split('\n').pop() ?? message;
  return new TemplateError(
    id,
    file,
    `erreur de syntaxe Handlebars (${detail.replace(/ - \d+:\d+$/, '')})`,
    null,
    line ? Number(line) : null,
  );
}

/** Turns a Handlebars runtime error into a French message naming the file, the line and the missing field. */
function runtimeError(id: string, e: unknown, sources: Map<string, string>): Error {
  if (e instanceof TemplateError) return e;
  const err = e as Error & TaggedError & { lineNumber?: number; column?: number; endColumn?: number };
  const file = err.capIaeFile ?? 'modèle';
  const message = err instanceof Error ? err.message : String(e);
  const line = typeof err.lineNumber === 'number' ? err.lineNumber : null;
  const notDefined = /^"([^"]+)" not defined in/.exec(message);
  if (notDefined) {
    // The whole path as written in the template (`bilan.synthese.total`), not just its last segment.
    let field = notDefined[1];
    const source = sources.get(file);
    if (source && line !== null && typeof err.column === 'number' && typeof err.endColumn === 'number') {
      const text = source.split('\n')[line - 1]?.slice(err.column, err.endColumn).trim();
      if (text && /^[@\w./[\]-]+$/.test(text)) field = text;
    }
    return new TemplateError(
      id,
      file,
      `le champ « ${field} » n’existe pas dans les données du bilan`,
      field,
      line,
    );
  }
  const partial = /The partial (\S+) could not be found/.exec(message);
  if (partial)
    return new TemplateError(
      id,
      file,
      `le fragment (partial) « ${partial[1]} » est introuvable`,
      partial[1],
      line,
    );
  const helper = /Missing helper: "([^"]+)"/.exec(message);
  if (helper)
    return new TemplateError(id, file, `l’assistant (helper) « ${helper[1]} » n’existe pas`, helper[1], line);
  return new TemplateError(id, file, message.replace(/ - \d+:\d+$/, ''), null, line);
}

function registerHelpers(env: typeof Handlebars, asset: (ref: string) => string): void {
  const args = (list: unknown[]) => list.slice(0, -1);
  env.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  env.registerHelper('ne', (a: unknown, b: unknown) => a !== b);
  env.registerHelper('gt', (a: number, b: number) => a > b);
  env.registerHelper('lt', (a: number, b: number) => a < b);
  env.registerHelper('and', (...list: unknown[]) => args(list).every(Boolean));
  env.registerHelper('or', (...list: unknown[]) => args(list).some(Boolean));
  env.registerHelper('not', (a: unknown) => !a);
  env.registerHelper('concat', (...list: unknown[]) => args(list).map(String).join(''));
  env.registerHelper('inc', (n: number) => n + 1);
  env.registerHelper('nombre', (n: number) => formatNumberFr(n));
  env.registerHelper('plural', (n: number, one: string, many: string) => (Math.abs(n) >= 2 ? many : one));
  env.registerHelper('join', (list: unknown, sep: unknown) =>
    Array.isArray(list) ? list.map(String).join(typeof sep === 'string' ? sep : ', ') : '',
  );
  env.registerHelper('asset', (ref: string) => asset(ref));
  // Narrative texts are typed by people: each blank-line-separated block becomes an escaped paragraph.
  env.registerHelper('paragraphs', (text: unknown) => {
    if (typeof text !== 'string' || !text.trim()) return '';
    return new env.SafeString(
      text
        .trim()
        .split(/\n\s*\n/)
        .map((p) => `<p>${env.escapeExpression(p.trim()).replace(/\n/g, '<br>')}</p>`)
        .join('\n'),
    );
  });
  env.registerHelper('svg', function (this: unknown, chartId: string, options: Handlebars.HelperOptions) {
    const charts = (options.data as { root?: { charts?: Record<string, string> } }).root?.charts ?? {};
    const svg = charts[chartId];
    if (svg === undefined) throw new Error(`"charts.${chartId}" not defined in charts`);
    return new env.SafeString(svg);
  });
}
