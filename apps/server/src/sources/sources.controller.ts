import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseIntPipe,
  Post,
  Put,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AccessPolicyService, csvCell, Principal } from '@cap-iae/access';
import { RunView, SourcesService, SourceRunner, SourceView } from '@cap-iae/plugin-host';
import { DomainError, FieldIssue } from '@cap-iae/shared';
import { Access } from '../access/access.decorator';
import { AppRequest, CurrentPrincipal } from '../access/request-principal';
import { intParam, throwIfIssues } from '../api/query-params';
import { SourceDto, UpdateSourceDto } from './sources.dto';
import { receiveUpload } from './upload';

@ApiTags('Sources de données')
@Controller('api/v1')
export class SourcesController {
  constructor(
    private readonly sources: SourcesService,
    private readonly runner: SourceRunner,
    private readonly policy: AccessPolicyService,
  ) {}

  @Get('plugins')
  @Access('source', 'read')
  @ApiOperation({ summary: 'Greffons installés, avec leur manifeste (ou les raisons de leur refus)' })
  plugins() {
    return this.sources
      .plugins()
      .map((p) => ({ id: p.id, status: p.status, problems: p.problems, manifest: p.manifest ?? null }));
  }

  @Get('sources')
  @Access('source', 'read')
  @ApiOperation({ summary: 'Sources configurées (celles de vos territoires)' })
  async list(@CurrentPrincipal() principal: Principal): Promise<SourceView[]> {
    const visible: SourceView[] = [];
    for (const s of await this.sources.list())
      if (await this.policy.allowed(principal, 'source', 'read', [s.territory])) visible.push(s);
    return visible;
  }

  @Get('sources/health')
  @Access('source', 'read')
  @ApiOperation({
    summary: 'État de chaque source (à jour, dégradée…) ; status « degraded » si l’une a échoué',
  })
  async health(@CurrentPrincipal() principal: Principal) {
    const all = await this.sources.health();
    const mine = await this.list(principal);
    const visible = new Set(mine.map((s) => s.id));
    const sources = all.sources.filter((s) => visible.has(s.id));
    return { status: sources.some((s) => s.status === 'degraded') ? 'degraded' : 'ok', sources };
  }

  @Post('sources')
  @Access('source', 'manage', { body: 'territory' })
  @ApiOperation({ summary: 'Crée une source (configuration vérifiée contre le schéma du greffon)' })
  create(@Body() body: SourceDto, @CurrentPrincipal() principal: Principal): Promise<SourceView> {
    return this.sources.create(body, principal.login!);
  }

  @Get('sources/:id')
  @Access('source', 'read', 'object')
  @ApiOperation({ summary: 'Une source' })
  async get(
    @Param('id', ParseIntPipe) id: number,
    @CurrentPrincipal() principal: Principal,
  ): Promise<SourceView> {
    await this.assertOn(principal, id, 'read');
    return this.sources.get(id);
  }

  @Put('sources/:id')
  @Access('source', 'manage', { body: 'territory' })
  @ApiOperation({ summary: 'Modifie une source ; refusé (409) si la version lue est périmée' })
  async update(
    @Param('id', ParseIntPipe) id: number,
    @Body() body: UpdateSourceDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    await this.assertOn(principal, id, 'manage');
    const { version, ...input } = body;
    return this.sources.update(id, input, version);
  }

  @Delete('sources/:id')
  @Access('source', 'manage', 'object')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Supprime une source et son historique d’exécutions (les valeurs importées restent)',
  })
  async remove(
    @Param('id', ParseIntPipe) id: number,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    await this.assertOn(principal, id, 'manage');
    await this.sources.remove(id);
  }

  @Post('sources/:id/test')
  @Access('source', 'manage', 'object')
  @HttpCode(200)
  @ApiOperation({ summary: 'Teste la connexion (contrôle de santé du greffon)' })
  async test(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() principal: Principal) {
    await this.assertOn(principal, id, 'manage');
    return this.sources.test(id);
  }

  @Post('sources/:id/runs')
  @Access('source', 'run', 'object')
  @ApiOperation({
    summary: 'Lance la source ; pour une source « fichier », le corps est le fichier lui-même (CSV ou XLSX)',
    description:
      '`preview=true` vérifie tout sans rien écrire et liste les lignes rejetées. `wait=true` attend la fin (sinon 202 et l’identifiant de l’exécution à suivre).',
  })
  @ApiQuery({ name: 'filename', required: false })
  @ApiQuery({ name: 'preview', required: false, type: Boolean })
  @ApiQuery({ name: 'wait', required: false, type: Boolean })
  async run(
    @Param('id', ParseIntPipe) id: number,
    @Req() req: AppRequest,
    @Res({ passthrough: true }) res: Response,
    @CurrentPrincipal() principal: Principal,
    @Query('filename') filename?: string,
    @Query('preview') preview?: string,
    @Query('wait') wait?: string,
  ): Promise<RunView | { runId: number }> {
    await this.assertOn(principal, id, 'run');
    const source = await this.sources.get(id);
    const file = source.fileInput ? await receiveUpload(req, filename ?? 'fichier') : undefined;
    if (source.fileInput && !file)
      throw DomainError.validation([{ field: 'fichier', message: 'un fichier est attendu' }]);
    try {
      const { runId, done } = await this.runner.start(id, {
        trigger: principal.kind === 'token' ? 'api' : 'user',
        triggeredBy: principal.login!,
        file: file && { path: file.path, originalName: file.originalName },
        preview: preview === 'true',
      });
      void done.finally(() => file?.cleanup());
      if (wait === 'true') return await this.sources.run((await done).id);
      res.status(202);
      return { runId };
    } catch (e) {
      file?.cleanup();
      throw e;
    }
  }

  @Get('sources/:id/runs')
  @Access('source', 'read', 'object')
  @ApiOperation({ summary: 'Historique des exécutions (les 50 dernières)' })
  async runs(
    @Param('id', ParseIntPipe) id: number,
    @CurrentPrincipal() principal: Principal,
  ): Promise<RunView[]> {
    await this.assertOn(principal, id, 'read');
    return this.sources.runs(id);
  }

  @Get('runs/:id')
  @Access('source', 'read', 'object')
  @ApiOperation({ summary: 'Une exécution : état, compteurs, erreur' })
  async runDetail(
    @Param('id', ParseIntPipe) id: number,
    @CurrentPrincipal() principal: Principal,
  ): Promise<RunView> {
    const run = await this.sources.run(id);
    await this.assertOn(principal, run.sourceId, 'read');
    return run;
  }

  @Get('runs/:id/rejections')
  @Access('source', 'read', 'object')
  @ApiOperation({ summary: 'Lignes rejetées d’une exécution (ligne, colonne, raison)' })
  async rejections(
    @Param('id', ParseIntPipe) id: number,
    @CurrentPrincipal() principal: Principal,
    @Query('limit') limit?: string,
    @Query('offset') offset?: string,
  ) {
    const run = await this.sources.run(id);
    await this.assertOn(principal, run.sourceId, 'read');
    const issues: FieldIssue[] = [];
    const l = intParam('limit', limit, 1, 10_000, issues) ?? 1000;
    const o = intParam('offset', offset, 0, 10_000_000, issues) ?? 0;
    throwIfIssues(issues);
    return this.sources.rejections(id, l, o);
  }

  @Get('runs/:id/rejections.csv')
  @Access('source', 'read', 'object')
  @ApiOperation({ summary: 'Lignes rejetées en CSV (« ; », UTF-8), cellules neutralisées' })
  async rejectionsCsv(
    @Param('id', ParseIntPipe) id: number,
    @CurrentPrincipal() principal: Principal,
    @Res() res: Response,
  ): Promise<void> {
    const run = await this.sources.run(id);
    await this.assertOn(principal, run.sourceId, 'read');
    const { items } = await this.sources.rejections(id, 100_000, 0);
    const lines = [
      'ligne;colonne;raison',
      ...items.map((r) => [r.line, r.field, r.reason].map(csvCell).join(';')),
    ];
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="lignes-rejetees-execution-${id}.csv"`);
    res.send(`\ufeff${lines.join('\r\n')}\r\n`);
  }

  private async assertOn(
    principal: Principal,
    sourceId: number,
    action: 'read' | 'manage' | 'run',
  ): Promise<void> {
    await this.policy.assert(principal, 'source', action, [await this.sources.territoryOf(sourceId)]);
  }
}
