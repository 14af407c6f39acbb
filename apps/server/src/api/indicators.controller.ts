import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  IndicatorsService,
  IndicatorView,
  OBSERVATION_STATUSES,
  ObservationQueryService,
  ObservationStatus,
  ObservationStore,
  ObservationView,
  Page,
  TargetsService,
  TargetView,
} from '@cap-iae/indicators';
import { DomainError, FieldIssue, periodIssue } from '@cap-iae/shared';
import { ObservationValidationService } from '@cap-iae/indicators';
import { AccessPolicyService, Principal } from '@cap-iae/access';
import { TargetDto, ValidateObservationsDto, WriteObservationsDto, WriteObservationsResultDto } from './dto';
import { Access } from '../access/access.decorator';
import { CurrentPrincipal } from '../access/request-principal';
import { intParam, listParam, MAX_PAGE_SIZE, throwIfIssues } from './query-params';

@ApiTags('Indicateurs')
@Controller('api/v1')
export class IndicatorsController {
  constructor(
    private readonly indicators: IndicatorsService,
    private readonly observations: ObservationQueryService,
    private readonly store: ObservationStore,
    private readonly targets: TargetsService,
    private readonly validation: ObservationValidationService,
    private readonly policy: AccessPolicyService,
  ) {}

  @Get('indicators')
  @Access('reference', 'read')
  @ApiOperation({ summary: 'Catalogue des indicateurs, avec les objectifs auxquels ils se rattachent' })
  @ApiQuery({ name: 'strategy', required: false, example: 'IDF-2021-2022' })
  @ApiQuery({ name: 'objective', required: false, example: 'IDF-2021-2022/1.1' })
  list(
    @Query('strategy') strategy?: string,
    @Query('objective') objective?: string,
  ): Promise<IndicatorView[]> {
    return this.indicators.list({ strategy, objective });
  }

  @Get('indicators/:code')
  @Access('reference', 'read')
  @ApiOperation({ summary: 'Un indicateur' })
  get(@Param('code') code: string): Promise<IndicatorView> {
    return this.indicators.get(code);
  }

  @Get('observations')
  @Access('observation', 'read', { query: 'territory' })
  @ApiOperation({
    summary: 'Valeurs observées, filtrées et paginées',
    description:
      'Par défaut, seules les valeurs validées sont rendues. `includeProvisional=true` ajoute les valeurs provisoires (marquées comme telles) pour les territoires donnés dans `territory`, si vos rôles le permettent.',
  })
  @ApiQuery({ name: 'includeProvisional', required: false, type: Boolean })
  @ApiQuery({
    name: 'indicator',
    required: false,
    description: 'Un ou plusieurs codes séparés par des virgules',
  })
  @ApiQuery({ name: 'strategy', required: false, description: 'Indicateurs rattachés à cette stratégie' })
  @ApiQuery({ name: 'territory', required: false, description: 'Un ou plusieurs codes (REG-11,DEP-93)' })
  @ApiQuery({ name: 'period', required: false, description: 'Une période exacte (2016)' })
  @ApiQuery({ name: 'from', required: false, description: 'Période de début (incluse)' })
  @ApiQuery({ name: 'to', required: false, description: 'Période de fin (incluse)' })
  @ApiQuery({
    name: 'dimensions',
    required: false,
    description:
      '« total » pour les totaux, « siae_type » pour la ventilation par type, « siae_type=ACI » pour une modalité',
  })
  @ApiQuery({ name: 'status', required: false, enum: OBSERVATION_STATUSES })
  @ApiQuery({ name: 'page', required: false, example: 1 })
  @ApiQuery({ name: 'pageSize', required: false, example: 100 })
  async findObservations(
    @Query('indicator') indicator?: string,
    @Query('strategy') strategy?: string,
    @Query('territory') territory?: string,
    @Query('period') period?: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('dimensions') dimensions?: string,
    @Query('status') status?: string,
    @Query('page') page?: string,
    @Query('pageSize') pageSize?: string,
    @Query('includeProvisional') includeProvisional?: string,
    @CurrentPrincipal() principal?: Principal,
  ): Promise<Page<ObservationView>> {
    const issues: FieldIssue[] = [];
    for (const [name, value] of [
      ['period', period],
      ['from', from],
      ['to', to],
    ] as const) {
      if (value !== undefined) {
        const issue = periodIssue(name, value);
        if (issue) issues.push(issue);
      }
    }
    if (status !== undefined && !OBSERVATION_STATUSES.includes(status as ObservationStatus)) {
      issues.push({ field: 'status', message: 'doit valoir provisional ou validated' });
    }
    if (includeProvisional !== undefined && !['true', 'false'].includes(includeProvisional)) {
      issues.push({ field: 'includeProvisional', message: 'doit valoir true ou false' });
    }
    const withProvisional = includeProvisional === 'true';
    if (withProvisional && !territory) {
      issues.push({ field: 'territory', message: 'obligatoire pour inclure les valeurs provisoires' });
    }
    const p = intParam('page', page, 1, 1_000_000, issues) ?? 1;
    const size = intParam('pageSize', pageSize, 1, MAX_PAGE_SIZE, issues) ?? 100;
    throwIfIssues(issues);
    // Provisional values are shown only to those whose roles cover every territory asked for.
    if (withProvisional)
      await this.policy.assert(principal!, 'observation', 'readProvisional', listParam(territory));
    else if (status === 'provisional') {
      throw DomainError.validation([
        { field: 'status', message: 'ajoutez includeProvisional=true pour lire les valeurs provisoires' },
      ]);
    }
    return this.observations.find({
      indicators: listParam(indicator),
      strategy,
      territories: listParam(territory),
      periodFrom: period ?? from,
      periodTo: period ?? to,
      dimensions: dimensions === 'total' ? '' : dimensions,
      status: withProvisional ? (status as ObservationStatus | undefined) : 'validated',
      page: p,
      pageSize: size,
    });
  }

  @Post('observations')
  @Access('observation', 'write', { bodyList: 'records', field: 'territory' })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Enregistre des valeurs (tout ou rien)',
    description:
      'Chaque valeur est vérifiée avant toute écriture ; la moindre erreur rejette l’ensemble (400) en nommant chaque champ fautif.',
  })
  async writeObservations(
    @Body() body: WriteObservationsDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<WriteObservationsResultDto> {
    // Entered values are provisional until someone validates them, whatever the request says.
    return this.store.upsert(
      body.records.map((r) => ({ ...r, status: 'provisional' as const })),
      { kind: 'user', ref: `saisie:${principal.login}` },
    );
  }

  @Post('observations/validation')
  @Access('observation', 'validate', 'object')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Valide des valeurs provisoires, une à une (`keys`) ou tout un lot importé (`provenanceRef`)',
  })
  async validateObservations(
    @Body() body: ValidateObservationsDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<{ validated: number }> {
    const by = principal.login!;
    if (body.keys?.length && body.provenanceRef) {
      throw DomainError.validation([
        { field: 'provenanceRef', message: 'donnez soit keys, soit provenanceRef' },
      ]);
    }
    if (body.keys?.length) {
      await this.policy.assert(principal, 'observation', 'validate', [
        ...new Set(body.keys.map((k) => k.territory)),
      ]);
      return { validated: await this.validation.validateKeys(body.keys, by) };
    }
    if (body.provenanceRef) {
      const territories = await this.validation.territoriesOfRun(body.provenanceRef);
      if (territories.length) await this.policy.assert(principal, 'observation', 'validate', territories);
      return { validated: await this.validation.validateRun(body.provenanceRef, by, territories) };
    }
    throw DomainError.validation([{ field: 'keys', message: 'donnez keys ou provenanceRef' }]);
  }

  @Get('targets')
  @Access('target', 'read')
  @ApiOperation({ summary: 'Cibles par indicateur, territoire et année' })
  @ApiQuery({ name: 'indicator', required: false })
  @ApiQuery({ name: 'territory', required: false })
  @ApiQuery({ name: 'from', required: false, description: 'Année de début' })
  @ApiQuery({ name: 'to', required: false, description: 'Année de fin' })
  findTargets(
    @Query('indicator') indicator?: string,
    @Query('territory') territory?: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
  ): Promise<TargetView[]> {
    const issues: FieldIssue[] = [];
    const yearFrom = intParam('from', from, 1980, 2100, issues);
    const yearTo = intParam('to', to, 1980, 2100, issues);
    throwIfIssues(issues);
    return this.targets.find({
      indicators: listParam(indicator),
      territories: listParam(territory),
      yearFrom,
      yearTo,
    });
  }

  @Put('targets')
  @Access('target', 'write', { body: 'territory' })
  @ApiOperation({ summary: 'Crée ou remplace la cible d’un indicateur pour un territoire et une année' })
  async putTarget(
    @Body() body: TargetDto,
    @Res({ passthrough: true }) res: Response,
    @CurrentPrincipal() principal: Principal,
  ): Promise<TargetView> {
    const { target, created } = await this.targets.upsert(body, principal.login ?? null);
    res.status(created ? 201 : 200);
    return target;
  }
}
