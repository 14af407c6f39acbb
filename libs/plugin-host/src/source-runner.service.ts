import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import type { FetchRequest, KnownValue, PluginWarning, SourceRecord } from '@cap-iae/plugin-sdk';
import { PLUGIN_ERROR_CODES } from '@cap-iae/plugin-sdk';
import {
  discardStaged,
  mergeStaged,
  Observation,
  ObservationStore,
  stagedDuplicates,
  stageRows,
} from '@cap-iae/indicators';
import { AUDIT_SINK, AuditSink, DomainError, parseDimensionKey } from '@cap-iae/shared';
import { Inject, Optional } from '@nestjs/common';
import { TerritoriesService } from '@cap-iae/territories';
import { PluginRegistry } from './plugin-registry';
import { readSecrets } from './secrets';
import { RunRejection, RunStatus, Source, SourceRun } from './sources.entities';
import { runInWorker } from './worker-runner';
import { nextCronTime } from './cron';

export interface RunRequest {
  trigger: 'schedule' | 'retry' | 'user' | 'cli' | 'api' | 'recompute';
  triggeredBy: string;
  file?: { path: string; originalName: string };
  /** Check everything and report, write nothing. */
  preview?: boolean;
  onProgress?: (progress: RunProgress) => void;
  signal?: AbortSignal;
}

export interface RunProgress {
  rowsRead: number;
  rowsRejected: number;
  done?: number;
  total?: number;
}

/** Rejected rows kept per run for the report; beyond, they are counted only. */
export const MAX_STORED_REJECTIONS = 10_000;
/** A run producing more rows than this is stopped: no source of this domain legitimately sends so many. */
export function maxRecordsPerRun(): number {
  return Number(process.env.CAP_IAE_MAX_RECORDS_PER_RUN ?? 5_000_000);
}
const RETRY_DELAYS_MIN = [5, 15, 45];
/** A run's lease lasts its plugin's timeout plus this margin (validation, merge and bookkeeping after the deadline). */
const LEASE_MARGIN_S = 120;

const REASONS: Record<string, string> = {
  ...PLUGIN_ERROR_CODES,
  PLUGIN_REFUSED: 'greffon refusé (manifeste ou compatibilité)',
  REJECTED_ROWS: 'lignes rejetées',
  ALREADY_RUNNING: 'déjà en cours',
};

/**
 * Runs a source: the plugin works in its own thread with a deadline; every record it sends is validated like any
 * other write; valid rows are staged and enter the observations in one statement at the end — or not at all.
 * A failure leaves the earlier values untouched and marks the source as degraded; the app keeps serving.
 */
@Injectable()
export class SourceRunner {
  private readonly logger = new Logger('Sources');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: PluginRegistry,
    private readonly store: ObservationStore,
    private readonly territories: TerritoriesService,
    @Optional() @Inject(AUDIT_SINK) private readonly audit?: AuditSink,
  ) {}

  /**
   * Runs that a stop of their process cut short (crash, kill, restart during an import) would stay « en cours » with
   * their rows staged forever. A run is known to be dead once it started longer ago than its source's lease lasts
   * (the plugin's timeout + 2 minutes) and no lease is held on the source any more: it is marked failed and its
   * staged rows are deleted. A run under way in another instance still holds its lease, and is left alone.
   */
  async recoverInterrupted(now = new Date()): Promise<number> {
    const running = await this.dataSource.getRepository(SourceRun).find({ where: { status: 'running' } });
    let recovered = 0;
    for (const run of running) {
      const source = await this.dataSource.getRepository(Source).findOneBy({ id: run.sourceId });
      const timeoutS = this.registry.get(source?.pluginId ?? '')?.manifest?.timeoutSeconds ?? 60;
      const leaseLength = (timeoutS + LEASE_MARGIN_S) * 1000;
      const leaseHeld = source?.leaseUntil ? Date.parse(source.leaseUntil) > now.getTime() : false;
      if (leaseHeld || Date.parse(run.startedAt) + leaseLength > now.getTime()) continue;
      await discardStaged(this.dataSource, run.id);
      const marked = await this.dataSource.getRepository(SourceRun).update(
        { id: run.id, status: 'running' },
        {
          status: 'failed',
          errorCode: 'ABORTED',
          errorMessage: `${REASONS.ABORTED} : arrêt de l’application pendant l’exécution`,
          finishedAt: now.toISOString(),
        },
      );
      if (marked.affected) {
        recovered += 1;
        this.logger.warn(
          `Exécution ${run.id} de la source #${run.sourceId} interrompue par un arrêt : marquée en échec.`,
        );
      }
    }
    return recovered;
  }

  /** Starts a run and returns its id at once; the run goes on in the background (pages poll its progress). */
  async start(sourceId: number, request: RunRequest): Promise<{ runId: number; done: Promise<SourceRun> }> {
    const { source, run } = await this.open(sourceId, request);
    const done = this.execute(source, run, request).catch((e: unknown) =>
      this.fail(request, source, run, 'INTERNAL', e instanceof Error ? e.message : String(e)),
    );
    return { runId: run.id, done };
  }

  async run(sourceId: number, request: RunRequest): Promise<SourceRun> {
    return (await this.start(sourceId, request)).done;
  }

  private async open(sourceId: number, request: RunRequest): Promise<{ source: Source; run: SourceRun }> {
    const source = await this.dataSource.getRepository(Source).findOneBy({ id: sourceId });
    if (!source) throw DomainError.notFound(`Source introuvable : ${sourceId}.`);
    const descriptor = this.registry.get(source.pluginId);
    const timeoutS = descriptor?.manifest?.timeoutSeconds ?? 60;
    if (!request.preview) {
      // A lease, not a lock: two app instances never run one source together, and a crashed run frees it by itself.
      const until = new Date(Date.now() + (timeoutS + LEASE_MARGIN_S) * 1000).toISOString();
      const now = new Date().toISOString();
      const taken = await this.dataSource
        .createQueryBuilder()
        .update(Source)
        .set({ leaseUntil: until })
        .where('id = :id AND (lease_until IS NULL OR lease_until < :now)', { id: sourceId, now })
        .execute();
      if (!taken.affected)
        throw DomainError.conflict(
          'Cette source est déjà en cours d’exécution : attendez la fin de l’exécution en cours.',
        );
    }
    const run = await this.dataSource.getRepository(SourceRun).save(
      this.dataSource.getRepository(SourceRun).create({
        sourceId,
        trigger: request.trigger,
        triggeredBy: request.triggeredBy,
        startedAt: new Date().toISOString(),
        finishedAt: null,
        status: 'running',
        rowsRead: 0,
        rowsAccepted: 0,
        rowsRejected: 0,
        rowsWritten: 0,
        durationMs: null,
        errorCode: null,
        errorMessage: null,
        inputName: request.file?.originalName.slice(0, 300) ?? null,
      }),
    );
    return { source, run };
  }

  private async execute(source: Source, run: SourceRun, request: RunRequest): Promise<SourceRun> {
    const descriptor = this.registry.get(source.pluginId);
    if (!descriptor?.manifest || !descriptor.entry || descriptor.status !== 'ok') {
      return this.fail(
        request,
        source,
        run,
        'PLUGIN_REFUSED',
        descriptor ? descriptor.problems.join(' ; ') : `greffon « ${source.pluginId} » introuvable`,
      );
    }
    const manifest = descriptor.manifest;
    const validator = await this.store.validator();
    const provenance = {
      kind: request.file ? ('import' as const) : ('run' as const),
      ref: `source:${source.id}:run:${run.id}`,
    };
    const label = request.file ? `${source.name} — ${request.file.originalName}` : source.name;
    const rejections: { line: number | null; field: string | null; reason: string }[] = [];
    let rejected = 0;
    let read = 0;
    let accepted = 0;
    let lastSaved = Date.now();
    const written = new Set<string>();
    const controller = new AbortController();
    request.signal?.addEventListener('abort', () => controller.abort());
    let tooMany = false;
    const keep = (line: number | null, field: string | null, reason: string) => {
      if (rejections.length < MAX_STORED_REJECTIONS) rejections.push({ line, field, reason });
    };
    const reject = (line: number | null, field: string | null, reason: string) => {
      rejected += 1;
      keep(line, field, reason);
    };
    const notes = new Set<string>();
    const note = (message: string) => {
      if (notes.size < 100 && !notes.has(message)) {
        notes.add(message);
        keep(null, 'information', message);
      }
    };
    const all = await this.territories.all();
    const covers = (scope: string, code: string) => {
      for (let c: string | null | undefined = code; c; c = all.get(c)?.parentCode)
        if (c === scope) return true;
      return false;
    };

    const onBatch = async (records: SourceRecord[], warnings: PluginWarning[]) => {
      read += records.length + warnings.filter((w) => w.line !== undefined).length;
      if (read > maxRecordsPerRun()) {
        tooMany = true;
        controller.abort();
        return;
      }
      // A warning with a line is a row the plugin could not read; one without is information about the run.
      for (const w of warnings) {
        if (w.line !== undefined) reject(w.line, w.column ?? null, w.message);
        else note(w.message);
      }
      // Records go to the validator as they came from the worker: no copy per row (a million rows, bounded memory).
      const where = (i: number) =>
        records[i].line !== undefined ? `ligne ${records[i].line}` : `élément ${i + 1}`;
      const { rows, issues } = validator.validate(records, where, label);
      const faulty = new Set<string>();
      for (const issue of issues) {
        const m = /^(ligne|élément) (\d+)(?:\.(.+))?$/.exec(issue.field);
        const key = m ? `${m[1]} ${m[2]}` : issue.field;
        keep(m?.[1] === 'ligne' ? Number(m[2]) : null, m?.[3] ?? null, issue.message);
        faulty.add(key);
      }
      rejected += faulty.size;
      // A source writes only within its own territory, whatever its records say.
      const inScope = rows.filter((r) => {
        if (covers(source.territoryCode, r.territoryCode)) return true;
        reject(
          r.line ?? null,
          'territory',
          `${r.territoryCode} est hors du territoire de la source (${source.territoryCode})`,
        );
        return false;
      });
      // Whatever a source says, imported values are provisional until someone validates them.
      for (const r of inScope) r.status = 'provisional';
      accepted += inScope.length;
      for (const r of inScope) written.add(r.indicatorCode);
      // A preview stages too (and discards at the end), so that it finds the same duplicates as the real run.
      if (inScope.length) await stageRows(this.dataSource, run.id, inScope, provenance);
      request.onProgress?.({ rowsRead: read, rowsRejected: rejected });
      if (Date.now() - lastSaved > 2000) {
        lastSaved = Date.now();
        await this.dataSource
          .getRepository(SourceRun)
          .update({ id: run.id }, { rowsRead: read, rowsAccepted: accepted, rowsRejected: rejected });
      }
    };

    const fetchRequest: FetchRequest = { file: request.file };
    if (manifest.capabilities.includes('reads-values')) fetchRequest.values = await this.inputValues(source);
    const outcome = await runInWorker(
      {
        kind: 'fetch',
        entry: descriptor.entry,
        config: JSON.parse(source.config) as Record<string, unknown>,
        secrets: readSecrets(manifest.secrets),
        request: fetchRequest,
      },
      {
        timeoutMs: manifest.timeoutSeconds * 1000,
        signal: controller.signal,
        onBatch,
        onProgress: (done, total) =>
          request.onProgress?.({ rowsRead: read, rowsRejected: rejected, done, total }),
        onLog: (level, message) =>
          this.logger[level === 'info' ? 'log' : level](`[${source.pluginId} #${source.id}] ${message}`),
      },
    );

    Object.assign(run, {
      rowsRead: read,
      rowsAccepted: accepted,
      rowsRejected: rejected,
    });
    if (tooMany)
      return this.fail(
        request,
        source,
        run,
        'TOO_MANY_RECORDS',
        `plus de ${maxRecordsPerRun()} lignes : exécution arrêtée`,
        rejections,
      );
    if (!outcome.ok) return this.fail(request, source, run, outcome.code, outcome.message, rejections);

    const duplicates = await stagedDuplicates(this.dataSource, run.id);
    for (const d of duplicates) {
      const [indicator, territory, period, key] = d.key.split('|');
      const dims = Object.entries(parseDimensionKey(key))
        .map(([k, v]) => `${k}=${v}`)
        .join(', ');
      reject(
        d.lines[0] ?? null,
        null,
        `${indicator}, ${territory}, ${period}${dims ? ` (${dims})` : ''} figure plusieurs fois (lignes ${d.lines.join(' et ')})`,
      );
    }
    run.rowsRejected = rejected;

    if (request.preview) {
      await discardStaged(this.dataSource, run.id);
      return this.finish(request, source, run, 'preview', rejections, false);
    }
    if (rejected > 0 && source.mode === 'strict') {
      return this.fail(
        request,
        source,
        run,
        'REJECTED_ROWS',
        `${rejected} ligne(s) rejetée(s) : rien n'a été écrit (mode strict)`,
        rejections,
      );
    }
    const changed = await mergeStaged(this.dataSource, run.id, { keysUnique: duplicates.length === 0 });
    run.rowsWritten = changed;
    await this.store.announceMerged(provenance, accepted, changed);
    const finished = await this.finish(
      request,
      source,
      run,
      rejected > 0 ? 'partial' : 'success',
      rejections,
      true,
    );
    if (changed > 0) await this.scheduleDependents([...written], source.id);
    return finished;
  }

  /** Values a formula source reads: every observation of its input indicators (validated or not). */
  private async inputValues(source: Source): Promise<KnownValue[]> {
    const inputs = JSON.parse(source.inputIndicators ?? '[]') as string[];
    if (inputs.length === 0) return [];
    const rows = await this.dataSource
      .getRepository(Observation)
      .find({ where: { indicatorCode: In(inputs) } });
    return rows.map((o) => ({
      indicator: o.indicatorCode,
      territory: o.territoryCode,
      period: o.period,
      dimensions: parseDimensionKey(o.dimensionKey),
      value: o.value,
      numerator: o.numerator,
      denominator: o.denominator,
    }));
  }

  /** Formula sources whose inputs just changed are run again soon (the scheduler picks them up). */
  async scheduleDependents(indicators: string[], exceptSourceId?: number): Promise<number> {
    if (indicators.length === 0) return 0;
    const candidates = await this.dataSource
      .getRepository(Source)
      .find({ where: { status: In(['ok', 'degraded', 'never_run']) } });
    const due = candidates.filter(
      (s) =>
        s.id !== exceptSourceId &&
        s.inputIndicators &&
        (JSON.parse(s.inputIndicators) as string[]).some((i) => indicators.includes(i)),
    );
    const now = new Date().toISOString();
    for (const s of due) await this.dataSource.getRepository(Source).update({ id: s.id }, { nextRunAt: now });
    return due.length;
  }

  private async fail(
    request: RunRequest,
    source: Source,
    run: SourceRun,
    code: string,
    message: string,
    rejections: { line: number | null; field: string | null; reason: string }[] = [],
  ): Promise<SourceRun> {
    await discardStaged(this.dataSource, run.id).catch(() => undefined);
    run.errorCode = code;
    run.errorMessage = `${REASONS[code] ?? code} : ${message}`.slice(0, 4000);
    this.logger.warn(
      `Source « ${source.name} » (#${source.id}) : exécution ${run.id} échouée — ${run.errorMessage}`,
    );
    return this.finish(request, source, run, 'failed', rejections, false);
  }

  private async finish(
    request: RunRequest,
    source: Source,
    run: SourceRun,
    status: RunStatus,
    rejections: { line: number | null; field: string | null; reason: string }[],
    succeeded: boolean,
  ): Promise<SourceRun> {
    const now = new Date();
    run.status = status;
    run.finishedAt = now.toISOString();
    // From the run's start to its end, the check for repeated keys and the final merge included.
    run.durationMs = now.getTime() - Date.parse(run.startedAt);
    await this.dataSource.transaction(async (em) => {
      await em.getRepository(SourceRun).save(run);
      for (let i = 0; i < rejections.length; i += 500) {
        await em
          .createQueryBuilder()
          .insert()
          .into(RunRejection)
          .values(
            rejections.slice(i, i + 500).map((r) => ({
              runId: run.id,
              line: r.line,
              field: r.field?.slice(0, 200) ?? null,
              reason: r.reason,
            })),
          )
          .execute();
      }
      if (status !== 'preview') {
        const failures = succeeded ? 0 : source.consecutiveFailures + 1;
        // A failed run is retried a few times with growing delays, then waits for its next regular time.
        const retryIn =
          !succeeded && failures <= RETRY_DELAYS_MIN.length ? RETRY_DELAYS_MIN[failures - 1] : undefined;
        const nextRunAt = retryIn
          ? new Date(now.getTime() + retryIn * 60_000).toISOString()
          : source.schedule
            ? nextCronTime(source.schedule, now).toISOString()
            : null;
        await em.getRepository(Source).update(
          { id: source.id },
          {
            status: succeeded ? 'ok' : 'degraded',
            consecutiveFailures: failures,
            lastRunAt: run.startedAt,
            ...(succeeded ? { lastSuccessAt: run.finishedAt } : {}),
            nextRunAt,
            leaseUntil: null,
          },
        );
      } else if (!request.preview) {
        await em
          .getRepository(Source)
          .update({ id: source.id }, { lastRunAt: run.startedAt, leaseUntil: null });
      }
    });
    await this.audit?.record({
      action: status === 'preview' ? 'aperçu' : 'exécution',
      objectType: 'source',
      objectId: String(source.id),
      summary:
        `exécution ${run.id} ${status} : ${run.rowsRead} lue(s), ${run.rowsAccepted} acceptée(s), ${run.rowsRejected} rejetée(s), ${run.rowsWritten} écrite(s)${run.errorMessage ? ` — ${run.errorMessage}` : ''}`.slice(
          0,
          500,
        ),
    });
    return run;
  }
}
