import { Body, Controller, Delete, Get, HttpCode, Put, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  ProgressOverridesService,
  ProgressOverrideView,
  ProgressReport,
  ProgressService,
  RollupService,
  RollupView,
} from '@cap-iae/indicators';
import { FieldIssue } from '@cap-iae/shared';
import { AccessPolicyService, Principal } from '@cap-iae/access';
import { Access } from '../access/access.decorator';
import { CurrentPrincipal } from '../access/request-principal';
import { intParam, throwIfIssues } from './query-params';
import { ProgressOverrideDto } from './progress.dto';

/** Roll-up of départements into their région, and progress of a strategy's indicators against their targets. */
@ApiTags('Avancement')
@Controller('api/v1')
export class ProgressController {
  constructor(
    private readonly rollups: RollupService,
    private readonly progress: ProgressService,
    private readonly overrides: ProgressOverridesService,
    private readonly policy: AccessPolicyService,
  ) {}

  @Get('rollup')
  @Access('progress', 'read', { query: 'region' })
  @ApiOperation({
    summary: 'Valeur régionale d’un indicateur, avec le détail par département',
    description:
      'La valeur régionale observée prime ; à défaut, somme des départements (comptages) ou ratio recomputé à partir des numérateurs et dénominateurs (taux, jamais une moyenne de taux). Donne la couverture, le statut (validé seulement si toutes les valeurs utilisées le sont), la provenance et un avertissement quand valeur régionale et départements divergent. Méthode : docs/indicators.md.',
  })
  @ApiQuery({ name: 'indicator', example: 'SIAE_NB' })
  @ApiQuery({ name: 'region', example: 'REG-11' })
  @ApiQuery({ name: 'period', example: '2021' })
  @ApiQuery({
    name: 'dimensions',
    required: false,
    description: '« total » (par défaut) ou un jeu de modalités : siae_type=ACI, sex=F;siae_type=ACI',
  })
  @ApiQuery({ name: 'includeProvisional', required: false, type: Boolean })
  async rollup(
    @Query('indicator') indicator?: string,
    @Query('region') region?: string,
    @Query('period') period?: string,
    @Query('dimensions') dimensions?: string,
    @Query('includeProvisional') includeProvisional?: string,
    @CurrentPrincipal() principal?: Principal,
  ): Promise<RollupView> {
    const issues: FieldIssue[] = [];
    const withProvisional = booleanParam('includeProvisional', includeProvisional, issues);
    throwIfIssues(issues);
    // Checked before reading: a région's provisional values include its départements', which the policy covers
    // through the région (a grant on the région reaches its départements).
    if (withProvisional && region)
      await this.policy.assert(principal!, 'observation', 'readProvisional', [region]);
    return this.rollups.regional({
      indicator,
      region,
      period,
      dimensions,
      includeProvisional: withProvisional,
    });
  }

  @Get('progress')
  @Access('progress', 'read', { query: 'territory' })
  @ApiOperation({
    summary: 'Avancement d’une stratégie sur un territoire, par objectif et indicateur',
    description:
      'Pour chaque indicateur : situation de départ, cible, dernière valeur, statut calculé (atteint, en bonne voie, en retard, non renseigné), explication chiffrée et statut forcé s’il y en a un. Méthode : docs/indicators.md.',
  })
  @ApiQuery({ name: 'strategy', example: 'IDF-2021-2022' })
  @ApiQuery({ name: 'territory', example: 'REG-11' })
  @ApiQuery({
    name: 'year',
    required: false,
    description: 'Année évaluée (par défaut, la dernière de la stratégie)',
  })
  @ApiQuery({ name: 'includeProvisional', required: false, type: Boolean })
  async report(
    @Query('strategy') strategy?: string,
    @Query('territory') territory?: string,
    @Query('year') year?: string,
    @Query('includeProvisional') includeProvisional?: string,
    @CurrentPrincipal() principal?: Principal,
  ): Promise<ProgressReport> {
    const issues: FieldIssue[] = [];
    const withProvisional = booleanParam('includeProvisional', includeProvisional, issues);
    const y = intParam('year', year, 1980, 2100, issues);
    throwIfIssues(issues);
    if (withProvisional && territory)
      await this.policy.assert(principal!, 'observation', 'readProvisional', [territory]);
    return this.progress.report({ strategy, territory, year: y, includeProvisional: withProvisional });
  }

  @Put('progress/override')
  @Access('progress', 'override', { body: 'territory' })
  @ApiOperation({
    summary:
      'Force le statut d’avancement d’un indicateur pour un territoire et une année (justification obligatoire)',
  })
  async putOverride(
    @Body() body: ProgressOverrideDto,
    @Res({ passthrough: true }) res: Response,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ProgressOverrideView> {
    const { override, created } = await this.overrides.set(body, principal.login ?? null);
    res.status(created ? 201 : 200);
    return override;
  }

  @Delete('progress/override')
  @Access('progress', 'override', { query: 'territory' })
  @HttpCode(204)
  @ApiOperation({ summary: 'Retire un statut forcé : le statut calculé s’applique de nouveau' })
  @ApiQuery({ name: 'indicator', example: 'SIAE_NB' })
  @ApiQuery({ name: 'territory', example: 'REG-11' })
  @ApiQuery({ name: 'year', example: 2021 })
  async deleteOverride(
    @Query('indicator') indicator?: string,
    @Query('territory') territory?: string,
    @Query('year') year?: string,
  ): Promise<void> {
    const issues: FieldIssue[] = [];
    if (!indicator) issues.push({ field: 'indicator', message: 'obligatoire' });
    if (!territory) issues.push({ field: 'territory', message: 'obligatoire' });
    if (!year) issues.push({ field: 'year', message: 'obligatoire' });
    const y = intParam('year', year, 1980, 2100, issues);
    throwIfIssues(issues);
    await this.overrides.remove({ indicator: indicator!, territory: territory!, year: y! });
  }
}

function booleanParam(name: string, raw: string | undefined, issues: FieldIssue[]): boolean {
  if (raw === undefined) return false;
  if (raw !== 'true' && raw !== 'false') {
    issues.push({ field: name, message: 'doit valoir true ou false' });
    return false;
  }
  return raw === 'true';
}
