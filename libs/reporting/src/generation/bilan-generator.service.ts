import * as fs from 'node:fs';
import * as path from 'node:path';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { APP_CONFIG, AppConfig, ConfigError } from '@cap-iae/config';
import { AUDIT_SINK, AuditSink, DomainError, isDomainError, repoPath } from '@cap-iae/shared';
import {
  BilanArchiveService,
  BilanView,
  HEARTBEAT_MS,
  writeFileAtomic,
} from '../archive/bilan-archive.service';
import { BILAN_KIND_LABELS, BilanKind } from '../bilan-kinds';
import { bilanCharts } from '../charts/bilan-charts';
import { renderCharts, yieldToEventLoop } from '../charts/svg-renderer';
import { ChromiumPool } from '../pdf/chromium-pool';
import { PdfDocument, renderPdf } from '../pdf/pdf-renderer';
import { LoadedTemplate, RenderContext, SommaireEntry, TemplateStore } from '../templates/template-store';
import { BilanBatch, BilanDataService } from '../view-model/bilan-data.service';
import type { BilanRequest } from '../view-model/bilan-request';
import type { BilanViewModel } from '../view-model/bilan-view-model';
import { canonicalJson, sha256Hex } from '../view-model/canonical-json';
import { assertViewModel } from '../view-model/view-model-validation';

export interface GenerationProgress {
  percent: number;
  step: string;
}

export interface RenderedBilan extends PdfDocument {
  vm: BilanViewModel;
  dataHash: string;
  template: LoadedTemplate;
  chartCount: number;
}

/** Pages rendering at the same time: two cores, and a bilan keeps Chromium busy on one of them. */
export const PAGE_POOL_SIZE = 2;
/**
 * Generations under way at once: one more than the pages, so that a bilan reads its data and draws its charts
 * (Node) while two others are in Chromium; it then waits for a free page.
 */
export const CONCURRENT_GENERATIONS = PAGE_POOL_SIZE + 1;

const dateTime = new Intl.DateTimeFormat('fr-FR', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'Europe/Paris',
});

/** « 23 novembre 2026 à 19:31 », Paris time: Chromium's own header date would be US-formatted. */
export function frenchDateTime(date: Date): string {
  return dateTime.format(date);
}

/** The context a template renders with: the view-model and what presentation adds to it (pure). */
export function bilanRenderContext(
  vm: BilanViewModel,
  template: LoadedTemplate,
  generatedAt: Date,
  charts: Record<string, string>,
  sommaire: SommaireEntry[] = [],
): RenderContext {
  const m = template.manifest;
  return {
    bilan: vm,
    document: {
      templateId: template.id,
      title: m.title,
      kind: m.kind,
      kindLabel: BILAN_KIND_LABELS[m.kind],
      documentTitle: `${m.title} ${vm.year} — ${vm.territory.name}`,
      sections: m.sections,
      options: m.options,
      generatedAtLabel: frenchDateTime(generatedAt),
    },
    sommaire,
    charts,
  };
}

/** The HTML of a bilan without Chromium (golden files, previews): charts rendered, sommaire as given. */
export async function renderBilanHtml(
  vm: BilanViewModel,
  template: LoadedTemplate,
  generatedAt: Date,
  sommaire: SommaireEntry[] = [],
): Promise<string> {
  const charts = await renderCharts(bilanCharts(vm, template.manifest.options));
  return template.renderDocument(bilanRenderContext(vm, template, generatedAt, charts, sommaire));
}

/**
 * Generates bilans: view-model → validation → hash → charts (SVG) → HTML (Handlebars, strict) → PDF (pooled Chromium,
 * two layouts for the sommaire) → archive (temporary file renamed once complete). Generations run in the background
 * at most two at a time; their progress is kept in memory for the status page.
 */
@Injectable()
export class BilanGenerator implements OnModuleInit, OnApplicationShutdown {
  readonly pool: ChromiumPool;
  readonly store: TemplateStore;
  private readonly logger = new Logger('Bilans');
  private readonly progress = new Map<number, GenerationProgress>();
  private readonly queue: (() => void)[] = [];
  /** Sommaire page numbers of the last PDF of each bilan (template, territory, strategy, year), reused as a guess. */
  private readonly lastSommaire = new Map<string, SommaireEntry[]>();
  private active = 0;
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly data: BilanDataService,
    private readonly archive: BilanArchiveService,
    @Optional() @Inject(AUDIT_SINK) private readonly audit?: AuditSink,
  ) {
    this.store = new TemplateStore(config.reporting.templatesDir ?? repoPath('templates'));
    this.pool = new ChromiumPool({ executablePath: config.reporting.chromiumPath, size: PAGE_POOL_SIZE });
  }

  /** Fails fast at boot when a configured template is missing or its report.json is invalid. */
  onModuleInit(): void {
    const problems: string[] = [];
    for (const kind of ['cor-iae', 'cdiae'] as const) {
      try {
        this.store.manifest(this.templateId(kind), kind);
      } catch (e) {
        problems.push(e instanceof Error ? e.message : String(e));
      }
    }
    if (problems.length) throw new ConfigError(problems);
    // While this process generates, it says so; and it fails what a stopped neighbour left « en cours ».
    this.heartbeat = setInterval(() => {
      const busy = this.active + this.queue.length > 0;
      void (busy ? this.archive.heartbeat() : Promise.resolve())
        .then(() => this.archive.failInterrupted())
        .catch((e: unknown) =>
          this.logger.warn(`Suivi des générations : ${e instanceof Error ? e.message : String(e)}`),
        );
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    await this.pool.close();
  }

  templateId(kind: BilanKind): string {
    return kind === 'cor-iae' ? this.config.reporting.corIaeTemplate : this.config.reporting.cdiaeTemplate;
  }

  template(kind: BilanKind): LoadedTemplate {
    return this.store.load(this.templateId(kind), kind);
  }

  /** The view-model of a bilan, checked, with its hash. Nothing is rendered. */
  async viewModel(
    request: BilanRequest,
    onStep?: (label: string) => void,
    batch?: BilanBatch,
  ): Promise<{ vm: BilanViewModel; dataHash: string; template: LoadedTemplate }> {
    const target = await this.data.resolve(request);
    const template = this.template(target.kind);
    const vm = await this.data.build(request, template.manifest.options, template.id, onStep, batch);
    assertViewModel(vm, template.id);
    return { vm, dataHash: sha256Hex(canonicalJson(vm)), template };
  }

  /** The context a template renders with: the view-model and what presentation adds to it. */
  context(
    vm: BilanViewModel,
    template: LoadedTemplate,
    generatedAt: Date,
    charts: Record<string, string>,
    sommaire: SommaireEntry[] = [],
  ): RenderContext {
    return bilanRenderContext(vm, template, generatedAt, charts, sommaire);
  }

  /** Charts of a bilan as SVG, yielding to the event loop between each. */
  charts(vm: BilanViewModel, template: LoadedTemplate, onProgress?: (done: number, total: number) => void) {
    return renderCharts(bilanCharts(vm, template.manifest.options), onProgress);
  }

  /** View-model → PDF, in memory. */
  async render(
    request: BilanRequest,
    options: {
      generatedAt?: Date;
      onProgress?: (p: GenerationProgress) => void;
      batch?: BilanBatch;
      /** Another browser than the shared pool (the benchmark compares with a browser launched per bilan). */
      pool?: ChromiumPool;
    } = {},
  ): Promise<RenderedBilan> {
    const report = (percent: number, step: string) => options.onProgress?.({ percent, step });
    report(2, 'lecture des données');
    let dataStep = 0;
    const { vm, dataHash, template } = await this.viewModel(
      request,
      (label) => {
        dataStep += 1;
        report(Math.min(35, 5 + dataStep * 5), label);
      },
      options.batch,
    );
    const generatedAt = options.generatedAt ?? new Date();
    const charts = await this.charts(vm, template, (done, total) =>
      report(40 + Math.round((done / total) * 20), `graphiques (${done} sur ${total})`),
    );
    const base = this.context(vm, template, generatedAt, charts);
    const headerTemplate = template.renderHeader(base);
    const footerTemplate = template.renderFooter(base);
    await yieldToEventLoop();
    const key = `${template.id}|${vm.kind}|${vm.territory.code}|${vm.strategy.code}|${vm.year}`;
    const document = await renderPdf(options.pool ?? this.pool, {
      html: (sommaire) => template.renderDocument({ ...base, sommaire }),
      headerTemplate,
      footerTemplate,
      documentDate: new Date(vm.dataDate),
      expected: this.lastSommaire.get(key) ?? null,
      onPass: (pass) =>
        report(
          pass === 1 ? 65 : Math.min(94, 80 + pass * 5),
          pass === 1 ? 'mise en page' : 'numérotation du sommaire',
        ),
    });
    this.lastSommaire.set(key, document.sommaire);
    return { ...document, vm, dataHash, template, chartCount: Object.keys(charts).length };
  }

  /**
   * Records a bilan as asked, then generates it in the background; the returned view is « en attente ». Follow it
   * with `progressOf()` and the archive.
   */
  async start(request: BilanRequest, author: string): Promise<BilanView> {
    const bilan = await this.createRow(request, author);
    void this.schedule(() => this.run(bilan.id, request)).catch(() => undefined);
    return bilan;
  }

  /** Generates a bilan and waits for it (command line); throws when it fails, after recording the failure. */
  async generate(
    request: BilanRequest,
    author: string,
    onProgress?: (p: GenerationProgress) => void,
    batch?: BilanBatch,
  ): Promise<BilanView> {
    const bilan = await this.createRow(request, author);
    return this.schedule(() => this.run(bilan.id, request, onProgress, batch));
  }

  /**
   * Several bilans at once (the nine of a year), two at a time, reading the shared figures once: every bilan of the
   * batch prints the same snapshot. Each outcome is the bilan or the error that stopped it.
   */
  async generateBatch(
    requests: BilanRequest[],
    author: string,
    onDone?: (done: number, failed: number) => void,
  ): Promise<
    ({ request: BilanRequest } & ({ bilan: BilanView; error: null } | { bilan: null; error: Error }))[]
  > {
    const batch = new BilanBatch();
    let done = 0;
    let failed = 0;
    return Promise.all(
      requests.map(async (request) => {
        try {
          const bilan = await this.generate(request, author, undefined, batch);
          return { request, bilan, error: null };
        } catch (e) {
          failed += 1;
          return { request, bilan: null, error: e instanceof Error ? e : new Error(String(e)) };
        } finally {
          done += 1;
          onDone?.(done, failed);
        }
      }),
    );
  }

  progressOf(id: number): GenerationProgress | null {
    return this.progress.get(id) ?? null;
  }

  /** Copies an archived bilan's file to a path given by a person (command line), atomically. */
  async copyTo(id: number, target: string): Promise<string> {
    const { path: file } = await this.archive.file(id);
    const full = path.resolve(target);
    writeFileAtomic(full, fs.readFileSync(file));
    return full;
  }

  private async createRow(request: BilanRequest, author: string): Promise<BilanView> {
    const target = await this.data.resolve(request);
    const templateId = this.templateId(target.kind);
    const manifest = this.store.manifest(templateId, target.kind);
    const bilan = await this.archive.create({
      kind: target.kind,
      templateId,
      territory: target.territory.code,
      strategy: target.strategy.code,
      year: target.year,
      parameters: {
        kind: target.kind,
        territory: target.territory.code,
        strategy: target.strategy.code,
        year: target.year,
        template: templateId,
        options: manifest.options,
      },
      author,
    });
    this.progress.set(bilan.id, { percent: 0, step: 'en attente' });
    await this.audit?.record({
      action: 'génération',
      objectType: 'bilan',
      objectId: String(bilan.id),
      after: {
        kind: target.kind,
        territory: target.territory.code,
        strategy: target.strategy.code,
        year: target.year,
        template: templateId,
      },
      summary: `${BILAN_KIND_LABELS[target.kind]} ${target.year} — ${target.territory.name}`,
    });
    return bilan;
  }

  private schedule<T>(job: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const go = () => {
        this.active += 1;
        job()
          .then(resolve, reject)
          .finally(() => {
            this.active -= 1;
            this.queue.shift()?.();
          });
      };
      if (this.active < CONCURRENT_GENERATIONS) go();
      else this.queue.push(go);
    });
  }

  private async run(
    id: number,
    request: BilanRequest,
    onProgress?: (p: GenerationProgress) => void,
    batch?: BilanBatch,
  ): Promise<BilanView> {
    const started = Date.now();
    const set = (p: GenerationProgress) => {
      this.progress.set(id, p);
      onProgress?.(p);
    };
    try {
      await this.archive.markRunning(id);
      const rendered = await this.render(request, { onProgress: set, batch });
      set({ percent: 97, step: 'archivage' });
      const { vm } = rendered;
      const done = await this.archive.complete(id, {
        pdf: rendered.pdf,
        dataHash: rendered.dataHash,
        dataDate: vm.dataDate,
        pageCount: rendered.pageCount,
        durationMs: Date.now() - started,
        fileStem: `bilan-${vm.kind}-${vm.territory.officialCode}-${vm.strategy.code}-${vm.year}`,
      });
      set({ percent: 100, step: 'terminé' });
      return done;
    } catch (e) {
      const message = isDomainError(e)
        ? e.message
        : `Erreur inattendue pendant la génération : ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
      if (!isDomainError(e))
        this.logger.error(`Bilan ${id} : ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      await this.archive.fail(id, message, Date.now() - started).catch(() => undefined);
      this.progress.set(id, { percent: 100, step: 'échec' });
      throw isDomainError(e) ? e : new DomainError('INTERNAL', message);
    } finally {
      // Progress is only needed while the page polls; the archive row keeps the outcome.
      setTimeout(() => this.progress.delete(id), 10 * 60_000).unref();
    }
  }
}
