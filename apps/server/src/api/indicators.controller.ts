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
import { FieldIssue, periodIssue } from '@cap-iae/shared';
import { TargetDto, WriteObservationsDto, WriteObservationsResultDto } from './dto';
import { intParam, listParam, MAX_PAGE_SIZE, throwIfIssues } from './query-params';

@ApiTags('Indicateurs')
@Controller('api/v1')
export class IndicatorsController {
  constructor(
    private readonly indicators: IndicatorsService,
    private readonly observations: ObservationQueryService,
    private readonly store: ObservationStore,
    private readonly targets: TargetsService,
  ) {}

  @Get('indicators')
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
  @ApiOperation({ summary: 'Un indicateur' })
  get(@Param('code') code: string): Promise<IndicatorView> {
    return this.indicators.get(code);
  }

  @Get('observations')
  @ApiOperation({ summary: 'Valeurs observées, filtrées et paginées' })
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
  findObservations(
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
    const p = intParam('page', page, 1, 1_000_000, issues) ?? 1;
    const size = intParam('pageSize', pageSize, 1, MAX_PAGE_SIZE, issues) ?? 100;
    throwIfIssues(issues);
    return this.observations.find({
      indicators: listParam(indicator),
      strategy,
      territories: listParam(territory),
      periodFrom: period ?? from,
      periodTo: period ?? to,
      dimensions: dimensions === 'total' ? '' : dimensions,
      status: status as ObservationStatus | undefined,
      page: p,
      pageSize: size,
    });
  }

  @Post('observations')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Enregistre des valeurs (tout ou rien)',
    description:
      'Chaque valeur est vérifiée avant toute écriture ; la moindre erreur rejette l’ensemble (400) en nommant chaque champ fautif.',
  })
  async writeObservations(@Body() body: WriteObservationsDto): Promise<WriteObservationsResultDto> {
    return this.store.upsert(
      body.records.map((r) => ({ ...r, dimensions: r.dimensions })),
      { kind: 'user', ref: 'api' },
    );
  }

  @Get('targets')
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
  @ApiOperation({ summary: 'Crée ou remplace la cible d’un indicateur pour un territoire et une année' })
  async putTarget(@Body() body: TargetDto, @Res({ passthrough: true }) res: Response): Promise<TargetView> {
    const { target, created } = await this.targets.upsert({ ...body, dimensions: body.dimensions }, 'api');
    res.status(created ? 201 : 200);
    return target;
  }
}
