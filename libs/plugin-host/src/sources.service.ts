import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isCron } from '@cap-iae/plugin-sdk';
import { AUDIT_SINK, AuditSink, DomainError, FieldIssue } from '@cap-iae/shared';
import { TerritoriesService } from '@cap-iae/territories';
import { Inject, Optional } from '@nestjs/common';
import { configIssues } from './config-validation';
import { cronOccurs, nextCronTime } from './cron';
import { PluginDescriptor, PluginRegistry } from './plugin-registry';
import { readSecrets } from './secrets';
import {
  RunRejection,
  RunStatus,
  Source,
  SOURCE_STATUS_LABELS,
  SourceRun,
  SourceStatus,
} from './sources.entities';
import { runInWorker } from './worker-runner';

export interface SourceInput {
  pluginId: string;
  name: string;
  territory: string;
  mode: 'strict' | 'accept_valid';
  schedule?: string | null;
  config: Record<string, unknown>;
  enabled?: boolean;
}

export interface SourceView {
  id: number;
  pluginId: string;
  pluginName: string;
  name: string;
  territory: string;
  mode: 'strict' | 'accept_valid';
  schedule: string | null;
  config: Record<string, unknown>;
  status: SourceStatus;
  statusLabel: string;
  ownerLogin: string;
  inputIndicators: string[];
  consecutiveFailures: number;
  nextRunAt: string | null;
  lastRunAt: string | null;
  lastSuccessAt: string | null;
  version: number;
  fileInput: boolean;
}

export interface RunView {
  id: number;
  sourceId: number;
  trigger: string;
  triggeredBy: string;
  startedAt: string;
  finishedAt: string | null;
  status: RunStatus;
  rowsRead: number;
  rowsAccepted: number;
  rowsRejected: number;
  rowsWritten: number;
  durationMs: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  inputName: string | null;
}

@Injectable()
export class SourcesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: PluginRegistry,
    private readonly territories: TerritoriesService,
    @Optional() @Inject(AUDIT_SINK) private readonly audit?: AuditSink,
  ) {}

  plugins(): PluginDescriptor[] {
    return this.registry.all();
  }

  async list(): Promise<SourceView[]> {
    const rows = await this.dataSource.getRepository(Source).find({ order: { name: 'ASC' } });
    return rows.map((s) => this.view(s));
  }

  async get(id: number): Promise<SourceView> {
    return this.view(await this.load(id));
  }

  async create(input: SourceInput, owner: string): Promise<SourceView> {
    const descriptor = await this.check(input);
    const now = new Date().toISOString();
    const inputs = await this.inputsOf(descriptor, input.config);
    const saved = await this.dataSource.getRepository(Source).save(
      this.dataSource.getRepository(Source).create({
        pluginId: input.pluginId,
        name: input.name.trim(),
        config: JSON.stringify(input.config),
        territoryCode: input.territory,
        mode: input.mode,
        schedule: input.schedule || null,
        status: input.enabled === false ? 'disabled' : 'never_run',
        ownerLogin: owner,
        inputIndicators: inputs ? JSON.stringify(inputs) : null,
        consecutiveFailures: 0,
        nextRunAt: input.schedule ? nextCronTime(input.schedule, new Date()).toISOString() : null,
        leaseUntil: null,
        lastRunAt: null,
        lastSuccessAt: null,
        createdAt: now,
        updatedAt: now,
        version: 1,
      }),
    );
    await this.audit?.record({
      action: 'création',
      objectType: 'source',
      objectId: String(saved.id),
      after: { ...input },
    });
    return this.view(saved);
  }

  async update(id: number, input: SourceInput, version: number): Promise<SourceView> {
    const before = await this.load(id);
    if (input.pluginId !== before.pluginId)
      throw DomainError.validation([{ field: 'pluginId', message: 'le greffon d’une source ne change pas' }]);
    const descriptor = await this.check(input);
    const inputs = await this.inputsOf(descriptor, input.config);
    const result = await this.dataSource
      .createQueryBuilder()
      .update(Source)
      .set({
        name: input.name.trim(),
        config: JSON.stringify(input.config),
        territoryCode: input.territory,
        mode: input.mode,
        schedule: input.schedule || null,
        // `enabled` absent (a form that does not show it) keeps the current state.
        status:
          input.enabled === undefined
            ? before.status
            : input.enabled
              ? before.status === 'disabled'
                ? 'never_run'
                : before.status
              : 'disabled',
        inputIndicators: inputs ? JSON.stringify(inputs) : null,
        nextRunAt: input.schedule ? nextCronTime(input.schedule, new Date()).toISOString() : null,
        updatedAt: new Date().toISOString(),
        version: () => 'version + 1',
      })
      .where('id = :id AND version = :version', { id, version })
      .execute();
    if (!result.affected) {
      throw DomainError.conflict(
        "Cette source a été modifiée par quelqu'un d'autre depuis que vous l'avez ouverte : rechargez-la.",
      );
    }
    const after = await this.get(id);
    await this.audit?.record({
      action: 'modification',
      objectType: 'source',
      objectId: String(id),
      before: this.view(before).config,
      after: after.config,
    });
    return after;
  }

  async remove(id: number): Promise<void> {
    const before = await this.load(id);
    await this.dataSource.transaction(async (em) => {
      const runs = await em.getRepository(SourceRun).find({ where: { sourceId: id }, select: { id: true } });
      for (const r of runs) await em.getRepository(RunRejection).delete({ runId: r.id });
      await em.getRepository(SourceRun).delete({ sourceId: id });
      await em.getRepository(Source).delete({ id });
    });
    await this.audit?.record({
      action: 'suppression',
      objectType: 'source',
      objectId: String(id),
      before: { name: before.name, pluginId: before.pluginId },
    });
  }

  /** « Tester la connexion » : the plugin's health check, in its own thread, with its deadline. */
  async test(id: number): Promise<{ ok: boolean; message: string }> {
    const source = await this.load(id);
    const d = this.registry.get(source.pluginId);
    if (!d?.manifest || !d.entry || d.status !== 'ok')
      return { ok: false, message: `greffon indisponible : ${d?.problems.join(' ; ') ?? 'introuvable'}` };
    const outcome = await runInWorker(
      {
        kind: 'health',
        entry: d.entry,
        config: JSON.parse(source.config) as Record<string, unknown>,
        secrets: readSecrets(d.manifest.secrets),
      },
      { timeoutMs: Math.min(d.manifest.timeoutSeconds, 60) * 1000 },
    );
    return outcome.ok ? outcome.health! : { ok: false, message: outcome.message };
  }

  async runs(sourceId: number, limit = 50): Promise<RunView[]> {
    const rows = await this.dataSource
      .getRepository(SourceRun)
      .find({ where: { sourceId }, order: { id: 'DESC' }, take: limit });
    return rows.map(runView);
  }

  async run(runId: number): Promise<RunView> {
    const row = await this.dataSource.getRepository(SourceRun).findOneBy({ id: runId });
    if (!row) throw DomainError.notFound(`Exécution introuvable : ${runId}.`);
    return runView(row);
  }

  async rejections(
    runId: number,
    limit = 1000,
    offset = 0,
  ): Promise<{ items: { line: number | null; field: string | null; reason: string }[]; total: number }> {
    const [rows, total] = await this.dataSource
      .getRepository(RunRejection)
      .findAndCount({ where: { runId }, order: { line: 'ASC', id: 'ASC' }, take: limit, skip: offset });
    return { items: rows.map((r) => ({ line: r.line, field: r.field, reason: r.reason })), total };
  }

  /** Health of every source, for the health endpoint and the « Sources de données » page. */
  async health(): Promise<{
    status: 'ok' | 'degraded';
    sources: {
      id: number;
      name: string;
      status: SourceStatus;
      lastRunAt: string | null;
      lastSuccessAt: string | null;
      message: string | null;
    }[];
  }> {
    const sources = await this.dataSource.getRepository(Source).find({ order: { id: 'ASC' } });
    const lastErrors = new Map<number, string | null>();
    for (const s of sources.filter((x) => x.status === 'degraded')) {
      const last = await this.dataSource
        .getRepository(SourceRun)
        .findOne({ where: { sourceId: s.id }, order: { id: 'DESC' } });
      lastErrors.set(s.id, last?.errorMessage ?? null);
    }
    return {
      status: sources.some((s) => s.status === 'degraded') ? 'degraded' : 'ok',
      sources: sources.map((s) => ({
        id: s.id,
        name: s.name,
        status: s.status,
        lastRunAt: s.lastRunAt,
        lastSuccessAt: s.lastSuccessAt,
        message: lastErrors.get(s.id) ?? null,
      })),
    };
  }

  async territoryOf(id: number): Promise<string> {
    return (await this.load(id)).territoryCode;
  }

  private async check(input: SourceInput): Promise<PluginDescriptor> {
    const issues: FieldIssue[] = [];
    const d = this.registry.get(input.pluginId);
    if (!d) issues.push({ field: 'pluginId', message: `greffon inconnu « ${input.pluginId} »` });
    else if (d.status !== 'ok')
      issues.push({ field: 'pluginId', message: `greffon refusé : ${d.problems.join(' ; ')}` });
    if (typeof input.name !== 'string' || !input.name.trim() || input.name.length > 200)
      issues.push({ field: 'name', message: 'nom obligatoire (200 caractères au plus)' });
    if (!(await this.territories.exists(input.territory)))
      issues.push({ field: 'territory', message: `territoire inconnu « ${input.territory} »` });
    if (input.mode !== 'strict' && input.mode !== 'accept_valid')
      issues.push({ field: 'mode', message: 'doit valoir strict ou accept_valid' });
    if (input.schedule && !isCron(input.schedule))
      issues.push({ field: 'schedule', message: 'expression cron à 5 champs attendue (ex. « 0 3 * * 1 »)' });
    else if (input.schedule && !cronOccurs(input.schedule)) {
      issues.push({
        field: 'schedule',
        message: 'cette planification ne se produit jamais (valeurs hors limites, ou 31 février…)',
      });
    }
    if (typeof input.config !== 'object' || input.config === null || Array.isArray(input.config))
      issues.push({ field: 'config', message: 'doit être un objet' });
    else if (d?.manifest) issues.push(...configIssues(d.manifest.configSchema, input.config));
    if (issues.length) throw DomainError.validation(issues, "La source n'a pas été enregistrée.");
    return d!;
  }

  /**
   * The plugin's own check of the configuration (`parseConfig`, in a worker: its code is untrusted) at save time, so
   * that a mistake is reported on the form rather than at the first run; plugins that read values also say which.
   */
  private async inputsOf(
    d: PluginDescriptor,
    config: Record<string, unknown>,
  ): Promise<string[] | undefined> {
    if (!d.entry) return undefined;
    const outcome = await runInWorker({ kind: 'inputs', entry: d.entry, config }, { timeoutMs: 10_000 });
    if (!outcome.ok)
      throw DomainError.validation(
        [{ field: 'config', message: outcome.message }],
        "La source n'a pas été enregistrée.",
      );
    return d.manifest?.capabilities.includes('reads-values') ? (outcome.inputs ?? []) : undefined;
  }

  private async load(id: number): Promise<Source> {
    const s = await this.dataSource.getRepository(Source).findOneBy({ id });
    if (!s) throw DomainError.notFound(`Source introuvable : ${id}.`);
    return s;
  }

  private view(s: Source): SourceView {
    const d = this.registry.get(s.pluginId);
    return {
      id: s.id,
      pluginId: s.pluginId,
      pluginName: d?.manifest?.name ?? s.pluginId,
      name: s.name,
      territory: s.territoryCode,
      mode: s.mode,
      schedule: s.schedule,
      config: JSON.parse(s.config) as Record<string, unknown>,
      status: s.status,
      statusLabel: SOURCE_STATUS_LABELS[s.status],
      ownerLogin: s.ownerLogin,
      inputIndicators: JSON.parse(s.inputIndicators ?? '[]') as string[],
      consecutiveFailures: s.consecutiveFailures,
      nextRunAt: s.nextRunAt,
      lastRunAt: s.lastRunAt,
      lastSuccessAt: s.lastSuccessAt,
      version: s.version,
      fileInput: Boolean(d?.manifest?.capabilities.includes('file-input')),
    };
  }
}

function runView(r: SourceRun): RunView {
  return {
    id: r.id,
    sourceId: r.sourceId,
    trigger: r.trigger,
    triggeredBy: r.triggeredBy,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    status: r.status,
    rowsRead: r.rowsRead,
    rowsAccepted: r.rowsAccepted,
    rowsRejected: r.rowsRejected,
    rowsWritten: r.rowsWritten,
    durationMs: r.durationMs,
    errorCode: r.errorCode,
    errorMessage: r.errorMessage,
    inputName: r.inputName,
  };
}
