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
  Res,
} from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AccessPolicyService, Principal } from '@cap-iae/access';
import {
  DecisionView,
  GovernanceReadService,
  InstancesService,
  InstanceTypesService,
  InstanceTypeView,
  InstanceView,
  MEETING_STATUSES,
  MeetingDetail,
  MeetingFilter,
  MeetingsService,
  MeetingStatus,
  MeetingView,
} from '@cap-iae/governance';
import { FieldIssue } from '@cap-iae/shared';
import { Access } from '../access/access.decorator';
import { CurrentPrincipal } from '../access/request-principal';
import { intParam, listParam, throwIfIssues } from '../api/query-params';
import { ConflictBody, dateParam, readable, withConflict } from './governance-access';
import {
  DecisionDto,
  InstanceDto,
  InstanceTypeDto,
  MeetingDto,
  UpdateDecisionDto,
  UpdateInstanceDto,
  UpdateInstanceTypeDto,
  UpdateMeetingDto,
} from './governance.dto';

interface MeetingQuery {
  instance?: string;
  territory?: string;
  type?: string;
  from?: string;
  to?: string;
  status?: string;
}

/**
 * Instances (COR-IAE, CDIAE, CTA, conférences des financeurs, and the types an administrator adds), their meetings
 * and decisions. The territory checked is the instance's: read from the body when creating an instance, loaded
 * from the object otherwise.
 */
@ApiTags('Instances et réunions')
@Controller('api/v1')
export class GovernanceController {
  constructor(
    private readonly types: InstanceTypesService,
    private readonly instances: InstancesService,
    private readonly meetings: MeetingsService,
    private readonly read: GovernanceReadService,
    private readonly policy: AccessPolicyService,
  ) {}

  @Get('instance-types')
  @Access('instance', 'read')
  @ApiOperation({ summary: "Types d'instances (COR-IAE, CDIAE, CTA… et ceux ajoutés par un administrateur)" })
  @ApiQuery({ name: 'active', required: false, type: Boolean })
  listTypes(@Query('active') active?: string): Promise<InstanceTypeView[]> {
    return this.types.list({ activeOnly: active === 'true' });
  }

  // Instance types are administration, like accounts: no territory, so the administrators' right is the one asked.
  @Post('instance-types')
  @Access('user', 'manage')
  @ApiOperation({
    summary: "Ajoute un type d'instance (administrateurs), sans changer le code de l'application",
  })
  createType(@Body() body: InstanceTypeDto): Promise<InstanceTypeView> {
    return this.types.create(body);
  }

  @Put('instance-types/:id')
  @Access('user', 'manage')
  @ApiOperation({
    summary:
      "Modifie un type d'instance (libellé, niveau, description, actif) ; 409 si la version lue est périmée",
  })
  updateType(
    @Param('id', ParseIntPipe) id: number,
    @Body() body: UpdateInstanceTypeDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<InstanceTypeView | ConflictBody<InstanceTypeView>> {
    return withConflict(res, body, () => this.types.update(id, body));
  }

  @Get('instances')
  @Access('instance', 'read', { query: 'territory' })
  @ApiOperation({ summary: 'Instances de vos territoires (un territoire inclut ceux qu’il contient)' })
  @ApiQuery({ name: 'territory', required: false, description: 'Codes séparés par des virgules (DEP-93)' })
  @ApiQuery({ name: 'type', required: false, description: "Codes de types d'instances (CDIAE,CTA)" })
  async listInstances(
    @CurrentPrincipal() principal: Principal,
    @Query('territory') territory?: string,
    @Query('type') type?: string,
  ): Promise<InstanceView[]> {
    const list = await this.instances.list({ territories: listParam(territory), types: listParam(type) });
    return readable(this.policy, principal, list, (i) => i.territory);
  }

  @Get('instances/:id')
  @Access('instance', 'read', 'object')
  @ApiOperation({ summary: 'Une instance' })
  async getInstance(
    @Param('id', ParseIntPipe) id: number,
    @CurrentPrincipal() principal: Principal,
  ): Promise<InstanceView> {
    await this.assertInstance(principal, id, 'read');
    return this.instances.get(id);
  }

  @Post('instances')
  @Access('instance', 'write', { body: 'territory' })
  @ApiOperation({
    summary: 'Crée une instance : un type sur un territoire (« CDIAE de la Seine-Saint-Denis »)',
  })
  createInstance(@Body() body: InstanceDto): Promise<InstanceView> {
    return this.instances.create(body);
  }

  @Put('instances/:id')
  @Access('instance', 'write', 'object')
  @ApiOperation({ summary: 'Renomme ou ferme une instance ; 409 si la version lue est périmée' })
  async updateInstance(
    @Param('id', ParseIntPipe) id: number,
    @Body() body: UpdateInstanceDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<InstanceView | ConflictBody<InstanceView>> {
    await this.assertInstance(principal, id, 'write');
    return withConflict(res, body, () => this.instances.update(id, body));
  }

  @Get('meetings')
  @Access('instance', 'read', { query: 'territory' })
  @ApiOperation({ summary: 'Réunions de vos territoires, par date' })
  @ApiQuery({ name: 'instance', required: false, type: Number })
  @ApiQuery({ name: 'territory', required: false, description: 'Codes séparés par des virgules' })
  @ApiQuery({ name: 'type', required: false, description: "Codes de types d'instances" })
  @ApiQuery({ name: 'from', required: false, description: 'AAAA-MM-JJ, inclus' })
  @ApiQuery({ name: 'to', required: false, description: 'AAAA-MM-JJ, inclus' })
  @ApiQuery({ name: 'status', required: false, description: 'planned, held, cancelled' })
  async listMeetings(
    @CurrentPrincipal() principal: Principal,
    @Query() query: MeetingQuery,
  ): Promise<MeetingView[]> {
    const list = await this.meetings.list(await this.meetingFilter(principal, query));
    return readable(this.policy, principal, list, (m) => m.instance.territory);
  }

  @Get('meetings.csv')
  @Access('instance', 'read', { query: 'territory' })
  @ApiOperation({
    summary:
      'Réunions en CSV (« ; », UTF-8), avec ordre du jour, décisions et compte rendu ; cellules neutralisées',
  })
  async meetingsCsv(
    @CurrentPrincipal() principal: Principal,
    @Query() query: MeetingQuery,
    @Res() res: Response,
  ): Promise<void> {
    const filter = await this.meetingFilter(principal, query);
    // Only the meetings the caller may read: their ids narrow the export.
    const visible = await readable(
      this.policy,
      principal,
      await this.meetings.list(filter),
      (m) => m.instance.territory,
    );
    const instanceIds = [...new Set(visible.map((m) => m.instance.id))];
    const csv = await this.read.meetingsCsv({ ...filter, instanceIds });
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="reunions.csv"');
    res.send(csv);
  }

  @Get('meetings/:id')
  @Access('instance', 'read', 'object')
  @ApiOperation({
    summary: 'Une réunion : participants, ordre du jour, compte rendu, décisions et leurs cibles',
  })
  async getMeeting(
    @Param('id', ParseIntPipe) id: number,
    @CurrentPrincipal() principal: Principal,
  ): Promise<MeetingDetail> {
    await this.assertMeeting(principal, id, 'read');
    return this.meetings.get(id);
  }

  @Post('meetings')
  @Access('instance', 'write', 'object')
  @ApiOperation({ summary: "Enregistre une réunion d'une instance" })
  async createMeeting(
    @Body() body: MeetingDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<MeetingDetail> {
    await this.assertInstance(principal, body.instanceId, 'write');
    const { instanceId, ...input } = body;
    return this.meetings.create(instanceId, input, principal.login ?? null);
  }

  @Put('meetings/:id')
  @Access('instance', 'write', 'object')
  @ApiOperation({
    summary:
      'Modifie une réunion (les champs absents gardent leur valeur) ; 409 avec les deux versions si la version lue est périmée',
  })
  async updateMeeting(
    @Param('id', ParseIntPipe) id: number,
    @Body() body: UpdateMeetingDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<MeetingDetail | ConflictBody<MeetingDetail>> {
    await this.assertMeeting(principal, id, 'write');
    return withConflict(res, body, () => this.meetings.update(id, body, principal.login ?? null));
  }

  @Delete('meetings/:id')
  @Access('instance', 'write', 'object')
  @HttpCode(204)
  @ApiOperation({ summary: 'Supprime une réunion et ses décisions' })
  async removeMeeting(
    @Param('id', ParseIntPipe) id: number,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    await this.assertMeeting(principal, id, 'write');
    await this.meetings.remove(id);
  }

  @Post('meetings/:id/decisions')
  @Access('instance', 'write', 'object')
  @ApiOperation({ summary: 'Enregistre une décision ou un avis, et ce sur quoi il porte' })
  async addDecision(
    @Param('id', ParseIntPipe) id: number,
    @Body() body: DecisionDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<DecisionView> {
    await this.assertMeeting(principal, id, 'write');
    return this.meetings.addDecision(id, body);
  }

  @Put('decisions/:id')
  @Access('instance', 'write', 'object')
  @ApiOperation({
    summary:
      'Modifie une décision (une liste de cibles envoyée remplace la précédente) ; 409 si la version lue est périmée',
  })
  async updateDecision(
    @Param('id', ParseIntPipe) id: number,
    @Body() body: UpdateDecisionDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<DecisionView | ConflictBody<DecisionView>> {
    await this.policy.assert(principal, 'instance', 'write', [await this.meetings.territoryOfDecision(id)]);
    return withConflict(res, body, () => this.meetings.updateDecision(id, body));
  }

  @Delete('decisions/:id')
  @Access('instance', 'write', 'object')
  @HttpCode(204)
  @ApiOperation({ summary: 'Supprime une décision' })
  async removeDecision(
    @Param('id', ParseIntPipe) id: number,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    await this.policy.assert(principal, 'instance', 'write', [await this.meetings.territoryOfDecision(id)]);
    await this.meetings.removeDecision(id);
  }

  private async meetingFilter(principal: Principal, q: MeetingQuery): Promise<MeetingFilter> {
    const issues: FieldIssue[] = [];
    const instance = intParam('instance', q.instance, 1, 2_147_483_647, issues);
    const from = dateParam('from', q.from, issues);
    const to = dateParam('to', q.to, issues);
    const statuses = listParam(q.status);
    const unknown = statuses?.filter((s) => !(MEETING_STATUSES as readonly string[]).includes(s));
    if (unknown?.length)
      issues.push({
        field: 'status',
        message: `statut inconnu : ${unknown.join(', ')} (attendu : ${MEETING_STATUSES.join(', ')})`,
      });
    throwIfIssues(issues);
    if (instance !== undefined) await this.assertInstance(principal, instance, 'read');
    return {
      instanceIds: instance !== undefined ? [instance] : undefined,
      territories: listParam(q.territory),
      typeCodes: listParam(q.type),
      from,
      to,
      statuses: statuses as MeetingStatus[] | undefined,
    };
  }

  private async assertInstance(principal: Principal, id: number, action: 'read' | 'write'): Promise<void> {
    await this.policy.assert(principal, 'instance', action, [await this.instances.territoryOf(id)]);
  }

  private async assertMeeting(principal: Principal, id: number, action: 'read' | 'write'): Promise<void> {
    await this.policy.assert(principal, 'instance', action, [await this.meetings.territoryOf(id)]);
  }
}
