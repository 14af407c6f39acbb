import { Body, Controller, Get, Param, ParseIntPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AccessPolicyService } from '@cap-iae/access';
import { RUN_STATUS_LABELS, SourceRunner, SourcesService, SourceView } from '@cap-iae/plugin-host';
import { TerritoriesService } from '@cap-iae/territories';
import { DomainError, FieldIssue, formatNumberFr, isDomainError } from '@cap-iae/shared';
import { Access } from '../access/access.decorator';
import type { AppRequest } from '../access/request-principal';
import { errorOf } from '../pages/account-pages.controller';
import { PageRenderer } from '../pages/page-renderer';
import { configFromForm, formFields } from './schema-form';
import { receiveMultipart } from './upload';

type Form = Record<string, string | undefined>;

const MODE_OPTIONS = [
  { value: 'strict', label: 'Strict : une ligne fautive et rien n’est écrit' },
  { value: 'accept_valid', label: 'Accepter les lignes valides et signaler les autres' },
];

@ApiExcludeController()
@Controller('sources')
export class SourcesPagesController {
  constructor(
    private readonly pages: PageRenderer,
    private readonly sources: SourcesService,
    private readonly runner: SourceRunner,
    private readonly policy: AccessPolicyService,
    private readonly territories: TerritoriesService,
  ) {}

  @Get()
  @Access('source', 'read')
  async list(@Req() req: AppRequest, @Res() res: Response): Promise<void> {
    const visible: SourceView[] = [];
    for (const s of await this.sources.list())
      if (await this.policy.allowed(req.principal!, 'source', 'read', [s.territory])) visible.push(s);
    await this.pages.render(req, res, 'sources', {
      title: 'Sources de données',
      nav: 'sources',
      sources: visible,
      plugins: this.sources.plugins().map((p) => ({
        id: p.id,
        name: p.manifest?.name ?? p.id,
        description: p.manifest?.description,
        ok: p.status === 'ok',
        problems: p.problems.join(' ; '),
      })),
      canManage: await this.policy.allowed(req.principal!, 'source', 'manage'),
    });
  }

  @Get('nouvelle')
  @Access('source', 'manage')
  async newForm(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Query('greffon') pluginId?: string,
  ): Promise<void> {
    await this.renderForm(req, res, {
      pluginId: pluginId ?? '',
      name: '',
      territory: '',
      mode: 'strict',
      schedule: '',
      config: {},
    });
  }

  @Post('nouvelle')
  @Access('source', 'manage', { body: 'territory' })
  async create(@Req() req: AppRequest, @Res() res: Response, @Body() body: Form): Promise<void> {
    const draft = this.draft(body);
    try {
      if (draft.issues.length)
        throw DomainError.validation(draft.issues, "La source n'a pas été enregistrée.");
      const created = await this.sources.create(draft.input, req.principal!.login!);
      res.redirect(303, `/sources/${created.id}`);
    } catch (e) {
      await this.renderForm(
        req,
        res,
        { ...draft.input, schedule: draft.input.schedule ?? '' },
        errorOf(e),
        400,
      );
    }
  }

  @Get(':id')
  @Access('source', 'read', 'object')
  async detail(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Param('id', ParseIntPipe) id: number,
  ): Promise<void> {
    await this.assertOn(req, id, 'read');
    await this.renderDetail(req, res, id, {});
  }

  @Post(':id')
  @Access('source', 'manage', { body: 'territory' })
  async update(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Param('id', ParseIntPipe) id: number,
    @Body() body: Form,
  ): Promise<void> {
    await this.assertOn(req, id, 'manage');
    const draft = this.draft(body);
    try {
      if (draft.issues.length)
        throw DomainError.validation(draft.issues, "La source n'a pas été enregistrée.");
      await this.sources.update(id, draft.input, Number(body.version));
      await this.renderDetail(req, res, id, { notice: 'Source enregistrée.' });
    } catch (e) {
      const status = isDomainError(e) && e.code === 'CONFLICT' ? 409 : 400;
      await this.renderDetail(req, res, id, { error: errorOf(e), draft: draft.input }, status);
    }
  }

  @Post(':id/test')
  @Access('source', 'manage', 'object')
  async test(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Param('id', ParseIntPipe) id: number,
  ): Promise<void> {
    await this.assertOn(req, id, 'manage');
    const result = await this.sources.test(id);
    await this.renderDetail(
      req,
      res,
      id,
      result.ok
        ? { notice: `Connexion réussie : ${result.message}` }
        : { error: { message: `Échec du test : ${result.message}`, errors: [] } },
    );
  }

  @Post(':id/execution')
  @Access('source', 'run', 'object')
  async run(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Param('id', ParseIntPipe) id: number,
  ): Promise<void> {
    await this.assertOn(req, id, 'run');
    const source = await this.sources.get(id);
    let fields: Record<string, string> = {};
    let file: { path: string; originalName: string; cleanup: () => void } | undefined;
    if (req.is('multipart/form-data')) ({ file, fields } = await receiveMultipart(req));
    if (source.fileInput && !file) {
      await this.renderDetail(
        req,
        res,
        id,
        { error: { message: 'Choisissez un fichier CSV ou XLSX à importer.', errors: [] } },
        400,
      );
      return;
    }
    try {
      const { runId, done } = await this.runner.start(id, {
        trigger: 'user',
        triggeredBy: req.principal!.login!,
        file: file && { path: file.path, originalName: file.originalName },
        preview: fields.apercu === 'oui' || (req.body as Form | undefined)?.apercu === 'oui',
      });
      void done.finally(() => file?.cleanup());
      res.redirect(303, `/sources/executions/${runId}`);
    } catch (e) {
      file?.cleanup();
      await this.renderDetail(
        req,
        res,
        id,
        { error: errorOf(e) },
        isDomainError(e) && e.code === 'CONFLICT' ? 409 : 400,
      );
    }
  }

  @Get('executions/:runId')
  @Access('source', 'read', 'object')
  async runPage(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Param('runId', ParseIntPipe) runId: number,
    @Query('page') pageText?: string,
  ): Promise<void> {
    const run = await this.sources.run(runId);
    await this.assertOn(req, run.sourceId, 'read');
    const source = await this.sources.get(run.sourceId);
    const page = Math.max(1, Number(pageText) || 1);
    const { items, total } = await this.sources.rejections(runId, 200, (page - 1) * 200);
    await this.pages.render(req, res, 'source-run', {
      title: `Exécution ${runId}`,
      nav: 'sources',
      source,
      run: {
        ...run,
        statusLabel: RUN_STATUS_LABELS[run.status],
        running: run.status === 'running',
      },
      counts: {
        read: formatNumberFr(run.rowsRead),
        accepted: formatNumberFr(run.rowsAccepted),
        rejected: formatNumberFr(run.rowsRejected),
        written: formatNumberFr(run.rowsWritten),
        seconds: run.durationMs === null ? '' : formatNumberFr(run.durationMs / 1000, 1),
      },
      rejections: items,
      rejectionsTotal: total,
      rejectionsMore: total > (page - 1) * 200 + items.length,
      rejectionsHidden: run.rowsRejected > total ? formatNumberFr(run.rowsRejected - total) : null,
      nextPage: page + 1,
      previousPage: page > 1 ? page - 1 : null,
    });
  }

  private draft(body: Form): {
    input: {
      pluginId: string;
      name: string;
      territory: string;
      mode: 'strict' | 'accept_valid';
      schedule?: string;
      config: Record<string, unknown>;
      enabled: boolean;
    };
    issues: FieldIssue[];
  } {
    const d = this.sources.plugins().find((p) => p.id === body.pluginId);
    const parsed = d?.manifest ? configFromForm(d.manifest.configSchema, body) : { config: {}, issues: [] };
    return {
      input: {
        pluginId: body.pluginId ?? '',
        name: body.name ?? '',
        territory: body.territory ?? '',
        mode: body.mode === 'accept_valid' ? 'accept_valid' : 'strict',
        schedule: body.schedule?.trim() || undefined,
        config: parsed.config,
        enabled: body.enabled !== 'non',
      },
      issues: parsed.issues,
    };
  }

  private async renderForm(
    req: AppRequest,
    res: Response,
    values: {
      pluginId: string;
      name: string;
      territory: string;
      mode: string;
      schedule?: string;
      config: Record<string, unknown>;
    },
    error?: { message: string; errors: readonly FieldIssue[] },
    status = 200,
  ): Promise<void> {
    const plugins = this.sources.plugins().filter((p) => p.status === 'ok');
    const chosen = plugins.find((p) => p.id === values.pluginId);
    await this.pages.render(
      req,
      res,
      'source-form',
      {
        title: 'Nouvelle source',
        nav: 'sources',
        values,
        plugins: plugins.map((p) => ({
          id: p.id,
          name: p.manifest!.name,
          selected: p.id === values.pluginId,
        })),
        chosen: chosen && {
          id: chosen.id,
          name: chosen.manifest!.name,
          description: chosen.manifest!.description,
          schedule: chosen.manifest!.defaultSchedule,
        },
        fields: chosen
          ? formFields(chosen.manifest!.configSchema, values.config, error ? [...error.errors] : [])
          : [],
        modes: MODE_OPTIONS.map((m) => ({ ...m, selected: m.value === values.mode })),
        territoryOptions: await this.territoryOptions(req, values.territory),
        error,
      },
      status,
    );
  }

  private async renderDetail(
    req: AppRequest,
    res: Response,
    id: number,
    extra: Record<string, unknown>,
    status = 200,
  ): Promise<void> {
    const source = await this.sources.get(id);
    const d = this.sources.plugins().find((p) => p.id === source.pluginId);
    const draft = extra.draft as { config: Record<string, unknown> } | undefined;
    const error = extra.error as { errors?: FieldIssue[] } | undefined;
    const runs = (await this.sources.runs(id)).map((r) => ({
      ...r,
      statusLabel: RUN_STATUS_LABELS[r.status],
    }));
    await this.pages.render(
      req,
      res,
      'source',
      {
        title: source.name,
        nav: 'sources',
        source,
        runs,
        fields: d?.manifest
          ? formFields(d.manifest.configSchema, draft?.config ?? source.config, error?.errors ?? [])
          : [],
        modes: MODE_OPTIONS.map((m) => ({ ...m, selected: m.value === source.mode })),
        territoryOptions: await this.territoryOptions(req, source.territory),
        canManage: await this.policy.allowed(req.principal!, 'source', 'manage', [source.territory]),
        canRun: await this.policy.allowed(req.principal!, 'source', 'run', [source.territory]),
        ...extra,
      },
      status,
    );
  }

  private async territoryOptions(req: AppRequest, selected: string) {
    const options = [];
    for (const t of (await this.territories.all()).values()) {
      if (t.level !== 'region' && t.level !== 'department') continue;
      if (await this.policy.allowed(req.principal!, 'source', 'manage', [t.code]))
        options.push({ code: t.code, name: t.name, selected: t.code === selected });
    }
    return options;
  }

  private async assertOn(req: AppRequest, id: number, action: 'read' | 'manage' | 'run'): Promise<void> {
    await this.policy.assert(req.principal!, 'source', action, [await this.sources.territoryOf(id)]);
  }
}
