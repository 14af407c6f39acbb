import * as fs from 'node:fs';
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
import { AccessPolicyService, Principal } from '@cap-iae/access';
import {
  ActionView,
  EditConflictError,
  ImportRejectedError,
  isPlanStatus,
  PlanDiff,
  PlanListItem,
  PlanReadService,
  PlanSummaryView,
  PlansService,
  PlanView,
  RegionalRollupView,
  VersionMeta,
  XLSX_CONTENT_TYPE,
} from '@cap-iae/action-plans';
import { DomainError, FieldIssue } from '@cap-iae/shared';
import { TerritoriesService } from '@cap-iae/territories';
import { Access } from '../access/access.decorator';
import { AppRequest, CurrentPrincipal } from '../access/request-principal';
import { intParam, listParam, throwIfIssues } from '../api/query-params';
import { receiveUpload } from '../sources/upload';
import { assertOnPlan, mayOnPlan } from './plan-access';
import {
  ActionDto,
  CreatePlanDto,
  NoteDto,
  TransitionDto,
  UpdateActionDto,
  UpdatePlanDto,
  ValidationDto,
} from './plans.dto';

/** The body of a 409: both versions, so that the client can show them and nothing is lost. */
interface ConflictBody {
  statusCode: 409;
  code: 'CONFLICT';
  message: string;
  current: unknown;
  yours: unknown;
}

/** Plans d'actions départementaux: plans, workflow, actions, notes, versions, files and the regional roll-up. */
@ApiTags("Plans d'actions")
@Controller('api/v1/plans')
export class PlansController {
  constructor(
    private readonly plans: PlansService,
    private readonly reads: PlanReadService,
    private readonly policy: AccessPolicyService,
    private readonly territories: TerritoriesService,
  ) {}

  @Get()
  @Access('plan', 'read', { query: 'department' })
  @ApiOperation({
    summary: 'Plans que vous pouvez lire (les brouillons seulement sur votre territoire)',
  })
  @ApiQuery({
    name: 'department',
    required: false,
    example: 'DEP-93',
    description: 'Un ou plusieurs, séparés par des virgules ; une région (REG-11) vaut ses départements',
  })
  @ApiQuery({ name: 'strategy', required: false, example: 'IDF-2021-2022' })
  @ApiQuery({ name: 'year', required: false, example: 2022 })
  @ApiQuery({ name: 'status', required: false, enum: ['draft', 'submitted', 'validated', 'closed'] })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query('department') department?: string,
    @Query('strategy') strategy?: string,
    @Query('year') year?: string,
    @Query('status') status?: string,
  ): Promise<PlanListItem[]> {
    const issues: FieldIssue[] = [];
    const y = intParam('year', year, 1980, 2100, issues);
    if (status && !isPlanStatus(status))
      issues.push({ field: 'status', message: 'attendu : draft, submitted, validated ou closed' });
    throwIfIssues(issues);
    // A région given as `department` stands for its départements.
    const departments: string[] = [];
    for (const code of listParam(department) ?? []) {
      const children = code.startsWith('REG-') ? await this.territories.children(code) : [];
      departments.push(...(children.length ? children.map((c) => c.code) : [code]));
    }
    const all = await this.plans.list({
      departments: departments.length ? departments : undefined,
      strategy: strategy || undefined,
      year: y,
      status: isPlanStatus(status) ? status : undefined,
    });
    const visible: PlanListItem[] = [];
    for (const p of all)
      if (
        await mayOnPlan(this.policy, principal, { department: p.department.code, status: p.status }, 'read')
      )
        visible.push(p);
    return visible;
  }

  @Post()
  @Access('plan', 'write', { body: 'department' })
  @ApiOperation({
    summary:
      "Crée un plan en brouillon (département × stratégie × année), éventuellement à partir du plan de l'an dernier",
  })
  create(@Body() body: CreatePlanDto, @CurrentPrincipal() principal: Principal): Promise<PlanView> {
    return this.plans.create(body, author(principal));
  }

  @Get('rollup')
  @Access('plan', 'read', { query: 'region' })
  @ApiOperation({
    summary:
      'Synthèse régionale pour le COR-IAE : par objectif et département, actions par statut, retards, objectifs non couverts, statut des plans',
    description:
      'Seuls les plans soumis, validés ou clôturés sont comptés ; un brouillon apparaît par son seul statut. Stratégie par défaut : la plus récente de la région ; année par défaut : l’année en cours ramenée dans la stratégie.',
  })
  @ApiQuery({ name: 'region', example: 'REG-11' })
  @ApiQuery({ name: 'strategy', required: false, example: 'IDF-2021-2022' })
  @ApiQuery({ name: 'year', required: false, example: 2022 })
  async rollup(
    @Query('region') region?: string,
    @Query('strategy') strategy?: string,
    @Query('year') year?: string,
  ): Promise<RegionalRollupView> {
    const issues: FieldIssue[] = [];
    if (!region) issues.push({ field: 'region', message: 'paramètre obligatoire (ex. REG-11)' });
    const y = intParam('year', year, 1980, 2100, issues);
    throwIfIssues(issues);
    return this.reads.regionalRollup(region!, strategy || undefined, y);
  }

  @Get('summary')
  @Access('plan', 'read', { query: 'department' })
  @ApiOperation({
    summary:
      'Synthèse du plan d’un département (pour le bilan CDIAE) : actions par objectif, retards, budget',
    description: 'Un brouillon n’est détaillé que pour qui peut lire les brouillons de ce département.',
  })
  @ApiQuery({ name: 'department', example: 'DEP-93' })
  @ApiQuery({ name: 'strategy', example: 'IDF-2021-2022' })
  @ApiQuery({ name: 'year', example: 2022 })
  async summary(
    @CurrentPrincipal() principal: Principal,
    @Query('department') department?: string,
    @Query('strategy') strategy?: string,
    @Query('year') year?: string,
  ): Promise<PlanSummaryView> {
    const issues: FieldIssue[] = [];
    if (!department) issues.push({ field: 'department', message: 'paramètre obligatoire (ex. DEP-93)' });
    if (!strategy) issues.push({ field: 'strategy', message: 'paramètre obligatoire (ex. IDF-2021-2022)' });
    const y = intParam('year', year, 1980, 2100, issues);
    if (y === undefined && !issues.some((i) => i.field === 'year'))
      issues.push({ field: 'year', message: 'paramètre obligatoire' });
    throwIfIssues(issues);
    const includeDraft = await this.policy.allowed(principal, 'plan', 'readDraft', [department!]);
    return this.reads.planSummary(department!, strategy!, y!, { includeDraft });
  }

  @Get(':id')
  @Access('plan', 'read', 'object')
  @ApiOperation({ summary: 'Un plan avec ses actions (« en retard » calculé au jour)' })
  async get(
    @Param('id', ParseIntPipe) id: number,
    @CurrentPrincipal() principal: Principal,
  ): Promise<PlanView> {
    await assertOnPlan(this.policy, this.plans, principal, id, 'read');
    return this.plans.get(id);
  }

  @Put(':id')
  @Access('plan', 'write', 'object')
  @ApiOperation({
    summary:
      'Modifie la présentation d’un brouillon ; 409 (avec les deux versions) si la version est périmée',
  })
  async update(
    @Param('id', ParseIntPipe) id: number,
    @Body() body: UpdatePlanDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PlanView | ConflictBody> {
    await assertOnPlan(this.policy, this.plans, principal, id, 'write');
    return conflictAware(res, () => this.plans.updatePlan(id, body, author(principal)));
  }

  @Post(':id/copy-next-year')
  @Access('plan', 'write', 'object')
  @ApiOperation({
    summary:
      "Prépare le plan de l'année suivante : brouillon reprenant les actions (statuts remis à zéro, liens gardés)",
  })
  async copyNextYear(
    @Param('id', ParseIntPipe) id: number,
    @CurrentPrincipal() principal: Principal,
  ): Promise<PlanView> {
    await assertOnPlan(this.policy, this.plans, principal, id, 'read');
    await assertOnPlan(this.policy, this.plans, principal, id, 'write');
    return this.plans.copyNextYear(id, author(principal));
  }

  @Post(':id/submit')
  @Access('plan', 'submit', 'object')
  @HttpCode(200)
  @ApiOperation({ summary: 'Soumet le brouillon au CDIAE (une action au moins)' })
  async submit(
    @Param('id', ParseIntPipe) id: number,
    @Body() body: TransitionDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PlanView | ConflictBody> {
    await assertOnPlan(this.policy, this.plans, principal, id, 'submit');
    return conflictAware(res, () => this.plans.submit(id, body, author(principal)));
  }

  @Post(':id/validation')
  @Access('plan', 'validate', 'object')
  @HttpCode(200)
  @ApiOperation({ summary: "Enregistre l'avis du CDIAE (date obligatoire) : le plan soumis devient validé" })
  async validate(
    @Param('id', ParseIntPipe) id: number,
    @Body() body: ValidationDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PlanView | ConflictBody> {
    await assertOnPlan(this.policy, this.plans, principal, id, 'validate');
    return conflictAware(res, () => this.plans.recordAvis(id, body, author(principal)));
  }

  @Post(':id/close')
  @Access('plan', 'close', 'object')
  @HttpCode(200)
  @ApiOperation({ summary: 'Clôture un plan validé' })
  async close(
    @Param('id', ParseIntPipe) id: number,
    @Body() body: TransitionDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PlanView | ConflictBody> {
    await assertOnPlan(this.policy, this.plans, principal, id, 'close');
    return conflictAware(res, () => this.plans.close(id, body, author(principal)));
  }

  @Get(':id/versions')
  @Access('plan', 'read', 'object')
  @ApiOperation({ summary: 'Versions enregistrées du plan (la plus récente en premier)' })
  async versions(
    @Param('id', ParseIntPipe) id: number,
    @CurrentPrincipal() principal: Principal,
  ): Promise<VersionMeta[]> {
    await assertOnPlan(this.policy, this.plans, principal, id, 'read');
    return this.plans.versions(id);
  }

  @Get(':id/versions/diff')
  @Access('plan', 'read', 'object')
  @ApiOperation({
    summary: 'Compare deux versions : par action et par champ, ce qui a changé et qui l’a changé',
  })
  @ApiQuery({ name: 'from', example: 1 })
  @ApiQuery({ name: 'to', example: 3 })
  async diff(
    @Param('id', ParseIntPipe) id: number,
    @CurrentPrincipal() principal: Principal,
    @Query('from') from?: string,
    @Query('to') to?: string,
  ): Promise<PlanDiff> {
    await assertOnPlan(this.policy, this.plans, principal, id, 'read');
    const issues: FieldIssue[] = [];
    const f = intParam('from', from, 1, 1_000_000, issues);
    const t = intParam('to', to, 1, 1_000_000, issues);
    if (f === undefined && !issues.length) issues.push({ field: 'from', message: 'paramètre obligatoire' });
    if (t === undefined && !issues.some((i) => i.field === 'to'))
      issues.push({ field: 'to', message: 'paramètre obligatoire' });
    throwIfIssues(issues);
    return this.plans.diff(id, f!, t!);
  }

  @Get(':id/versions/:number')
  @Access('plan', 'read', 'object')
  @ApiOperation({ summary: 'Une version : le plan et ses actions tels qu’enregistrés' })
  async version(
    @Param('id', ParseIntPipe) id: number,
    @Param('number', ParseIntPipe) number: number,
    @CurrentPrincipal() principal: Principal,
  ) {
    await assertOnPlan(this.policy, this.plans, principal, id, 'read');
    return this.plans.version(id, number);
  }

  @Post(':id/actions')
  @Access('plan', 'write', 'object')
  @ApiOperation({ summary: 'Ajoute une action au brouillon' })
  async createAction(
    @Param('id', ParseIntPipe) id: number,
    @Body() body: ActionDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ActionView> {
    await assertOnPlan(this.policy, this.plans, principal, id, 'write');
    return this.plans.createAction(id, body, author(principal));
  }

  @Get(':id/actions/:actionId')
  @Access('plan', 'read', 'object')
  @ApiOperation({ summary: 'Une action, avec ses notes' })
  async action(
    @Param('id', ParseIntPipe) id: number,
    @Param('actionId', ParseIntPipe) actionId: number,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ActionView> {
    await assertOnPlan(this.policy, this.plans, principal, id, 'read');
    return this.plans.action(id, actionId);
  }

  @Put(':id/actions/:actionId')
  @Access('plan', 'write', 'object')
  @ApiOperation({
    summary:
      'Remplace une action ; 409 avec `current` (version enregistrée) et `yours` (votre envoi) si la version est périmée',
  })
  async updateAction(
    @Param('id', ParseIntPipe) id: number,
    @Param('actionId', ParseIntPipe) actionId: number,
    @Body() body: UpdateActionDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ActionView | ConflictBody> {
    await assertOnPlan(this.policy, this.plans, principal, id, 'write');
    const { version, ...input } = body;
    return conflictAware(res, () => this.plans.updateAction(id, actionId, input, version, author(principal)));
  }

  @Delete(':id/actions/:actionId')
  @Access('plan', 'write', 'object')
  @HttpCode(204)
  @ApiOperation({ summary: 'Supprime une action du brouillon (la version précédente la garde)' })
  @ApiQuery({
    name: 'version',
    required: false,
    description: "Version lue de l'action : refusé (409) si elle est périmée",
  })
  async deleteAction(
    @Param('id', ParseIntPipe) id: number,
    @Param('actionId', ParseIntPipe) actionId: number,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
    @Query('version') version?: string,
  ): Promise<ConflictBody | undefined> {
    await assertOnPlan(this.policy, this.plans, principal, id, 'write');
    const issues: FieldIssue[] = [];
    const v = intParam('version', version, 1, 1_000_000_000, issues);
    throwIfIssues(issues);
    const result = await conflictAware(res, () =>
      this.plans.deleteAction(id, actionId, v, author(principal)),
    );
    return result ?? undefined;
  }

  @Post(':id/actions/:actionId/notes')
  @Access('plan', 'write', 'object')
  @ApiOperation({ summary: 'Ajoute une note datée à une action (possible jusqu’à la clôture du plan)' })
  async addNote(
    @Param('id', ParseIntPipe) id: number,
    @Param('actionId', ParseIntPipe) actionId: number,
    @Body() body: NoteDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ActionView> {
    await assertOnPlan(this.policy, this.plans, principal, id, 'write');
    return this.plans.addNote(id, actionId, body, author(principal));
  }

  @Get(':id/export.xlsx')
  @Access('plan', 'read', 'object')
  @ApiOperation({ summary: 'Le plan en XLSX : feuilles « Actions » et « Budget » (réimportable tel quel)' })
  async exportXlsx(
    @Param('id', ParseIntPipe) id: number,
    @CurrentPrincipal() principal: Principal,
    @Res() res: Response,
  ): Promise<void> {
    await assertOnPlan(this.policy, this.plans, principal, id, 'read');
    const { data, filename } = await this.plans.exportXlsx(id);
    res.setHeader('Content-Type', XLSX_CONTENT_TYPE);
    res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
    res.send(data);
  }

  @Get(':id/export.csv')
  @Access('plan', 'read', 'object')
  @ApiOperation({ summary: 'Les actions du plan en CSV (« ; », UTF-8 avec BOM), cellules neutralisées' })
  async exportCsv(
    @Param('id', ParseIntPipe) id: number,
    @CurrentPrincipal() principal: Principal,
    @Res() res: Response,
  ): Promise<void> {
    await assertOnPlan(this.policy, this.plans, principal, id, 'read');
    const { text, filename } = await this.plans.exportCsv(id);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
    res.send(text);
  }

  @Post(':id/import')
  @Access('plan', 'write', 'object')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Remplace les actions du brouillon par celles d’un fichier XLSX (corps = le fichier)',
    description:
      'Tout le fichier est vérifié d’abord : une cellule fautive et rien n’est écrit ; la réponse 400 liste chaque rejet (`rejections` : feuille, ligne, colonne, raison). Les actions sont reconnues par leur intitulé.',
  })
  @ApiQuery({ name: 'filename', required: false })
  async import(
    @Param('id', ParseIntPipe) id: number,
    @Req() req: AppRequest,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
    @Query('filename') filename?: string,
  ) {
    await assertOnPlan(this.policy, this.plans, principal, id, 'write');
    const type = req.headers['content-type'] ?? '';
    if (!type.startsWith(XLSX_CONTENT_TYPE) && !type.startsWith('application/octet-stream'))
      throw DomainError.validation([
        { field: 'Content-Type', message: `envoyez le fichier lui-même, en ${XLSX_CONTENT_TYPE}` },
      ]);
    const file = await receiveUpload(req, filename ?? 'plan.xlsx');
    try {
      const result = await this.plans.importXlsx(
        id,
        fs.readFileSync(file.path),
        file.originalName,
        author(principal),
      );
      return { created: result.created, updated: result.updated, deleted: result.deleted, plan: result.plan };
    } catch (e) {
      if (e instanceof ImportRejectedError) {
        res.status(400);
        return {
          statusCode: 400,
          code: e.code,
          message: e.message,
          errors: e.issues,
          rejections: e.rejections,
        };
      }
      throw e;
    } finally {
      file.cleanup();
    }
  }
}

function author(principal: Principal): string {
  return principal.login ?? 'inconnu';
}

/** Runs a write; a lost optimistic lock answers 409 with both versions instead of the generic error body. */
async function conflictAware<T>(res: Response, work: () => Promise<T>): Promise<T | ConflictBody> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof EditConflictError) {
      res.status(409);
      return { statusCode: 409, code: 'CONFLICT', message: e.message, current: e.current, yours: e.yours };
    }
    throw e;
  }
}
