import { Body, Controller, Get, Param, ParseIntPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AccessPolicyService, Principal } from '@cap-iae/access';
import {
  DECISION_KIND_LABELS,
  DECISION_KINDS,
  INSTANCE_LEVEL_LABELS,
  INSTANCE_LEVELS,
  InstancesService,
  InstanceTypesService,
  InstanceTypeView,
  isStaleVersionError,
  MEETING_STATUS_LABELS,
  MEETING_STATUSES,
  MeetingDetail,
  MeetingsService,
  TargetResolver,
} from '@cap-iae/governance';
import { StrategiesService } from '@cap-iae/strategy';
import { TerritoriesService } from '@cap-iae/territories';
import { FieldIssue, isDomainError } from '@cap-iae/shared';
import { Access } from '../access/access.decorator';
import type { AppRequest } from '../access/request-principal';
import { PageRenderer } from '../pages/page-renderer';
import { readable } from './governance-access';
import {
  decisionFormValues,
  DecisionFormValues,
  decisionInput,
  Form,
  formErrors,
  meetingFormFromView,
  meetingFormValues,
  MeetingFormValues,
  meetingInput,
  one,
} from './governance-forms';

type PageError = { message: string; errors: FieldIssue[] };

const TYPE_LABELS = new Map<string, { label: string; input: string }>([
  ['code', { label: 'Code', input: 'code' }],
  ['label', { label: 'Libellé', input: 'label' }],
  ['level', { label: 'Niveau territorial', input: 'level' }],
  ['description', { label: 'Description', input: 'description' }],
  ['active', { label: 'Actif', input: 'active' }],
  ['version', { label: 'Version', input: 'version' }],
]);
const INSTANCE_LABELS = new Map<string, { label: string; input: string }>([
  ['type', { label: "Type d'instance", input: 'type' }],
  ['territory', { label: 'Territoire', input: 'territory' }],
  ['name', { label: 'Nom', input: 'name' }],
]);

/** A domain error turned into what the pages show; anything else goes on to the error filter. */
function pageError(e: unknown, labels: Map<string, { label: string; input: string }>) {
  // Only what the person can correct in the form stays on it; a missing object or a refusal is a page of its own.
  if (!isDomainError(e) || (e.code !== 'VALIDATION_FAILED' && e.code !== 'CONFLICT')) throw e;
  const { summary, byInput } = formErrors(e.issues, labels);
  return { error: { message: e.message, errors: summary }, fieldErrors: byInput };
}

/**
 * Pages of the instances: list by territory, an instance and its meetings, a meeting with its decisions, the forms
 * to record them, and the administration of instance types. Edit controls are shown only to those who may write,
 * and every route checks again server-side.
 */
@ApiExcludeController()
@Controller()
export class GovernancePagesController {
  constructor(
    private readonly pages: PageRenderer,
    private readonly types: InstanceTypesService,
    private readonly instances: InstancesService,
    private readonly meetings: MeetingsService,
    private readonly targets: TargetResolver,
    private readonly strategies: StrategiesService,
    private readonly territories: TerritoriesService,
    private readonly policy: AccessPolicyService,
  ) {}

  @Get('instances')
  @Access('instance', 'read', { query: 'territoire' })
  async list(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Query('territoire') territory?: string,
  ): Promise<void> {
    await this.renderList(req, res, territory || undefined, {});
  }

  @Post('instances')
  @Access('instance', 'write', { body: 'territory' })
  async createInstance(@Req() req: AppRequest, @Res() res: Response, @Body() body: Form): Promise<void> {
    const values = { type: one(body, 'type'), territory: one(body, 'territory'), name: one(body, 'name') };
    try {
      const created = await this.instances.create(values);
      res.redirect(303, `/instances/${created.id}`);
    } catch (e) {
      await this.renderList(req, res, undefined, { ...pageError(e, INSTANCE_LABELS), form: values }, 400);
    }
  }

  @Get('instances/:id')
  @Access('instance', 'read', 'object')
  async instance(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Param('id', ParseIntPipe) id: number,
  ): Promise<void> {
    const instance = await this.instances.get(id);
    await this.policy.assert(req.principal!, 'instance', 'read', [instance.territory]);
    const meetings = (await this.meetings.list({ instanceIds: [id] })).reverse();
    await this.pages.render(req, res, 'instance', {
      title: instance.name,
      nav: 'instances',
      instance,
      meetings,
      canWrite: await this.policy.allowed(req.principal!, 'instance', 'write', [instance.territory]),
    });
  }

  @Get('instances/:id/reunions/nouvelle')
  @Access('instance', 'write', 'object')
  async newMeeting(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Param('id', ParseIntPipe) id: number,
  ): Promise<void> {
    await this.assertInstance(req.principal!, id, 'write');
    await this.renderMeetingForm(req, res, id, undefined, {
      date: '',
      title: '',
      status: 'planned',
      participants: '',
      agenda: '',
      minutes: '',
      version: '',
    });
  }

  @Post('instances/:id/reunions')
  @Access('instance', 'write', 'object')
  async createMeeting(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Param('id', ParseIntPipe) id: number,
    @Body() body: Form,
  ): Promise<void> {
    await this.assertInstance(req.principal!, id, 'write');
    const values = meetingFormValues(body);
    const { input, labels } = meetingInput(values);
    try {
      const created = await this.meetings.create(id, input, req.principal!.login ?? null);
      res.redirect(303, `/reunions/${created.id}`);
    } catch (e) {
      await this.renderMeetingForm(req, res, id, undefined, values, pageError(e, labels), 400);
    }
  }

  @Get('reunions/:id')
  @Access('instance', 'read', 'object')
  async meeting(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Param('id', ParseIntPipe) id: number,
  ): Promise<void> {
    const meeting = await this.meetings.get(id);
    await this.policy.assert(req.principal!, 'instance', 'read', [meeting.instance.territory]);
    await this.renderMeeting(req, res, meeting, {});
  }

  @Get('reunions/:id/modification')
  @Access('instance', 'write', 'object')
  async editMeeting(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Param('id', ParseIntPipe) id: number,
  ): Promise<void> {
    const meeting = await this.meetings.get(id);
    await this.policy.assert(req.principal!, 'instance', 'write', [meeting.instance.territory]);
    await this.renderMeetingForm(req, res, meeting.instance.id, meeting, meetingFormFromView(meeting));
  }

  @Post('reunions/:id')
  @Access('instance', 'write', 'object')
  async updateMeeting(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Param('id', ParseIntPipe) id: number,
    @Body() body: Form,
  ): Promise<void> {
    const meeting = await this.meetings.get(id);
    await this.policy.assert(req.principal!, 'instance', 'write', [meeting.instance.territory]);
    const values = meetingFormValues(body);
    const { input, labels } = meetingInput(values);
    try {
      await this.meetings.update(id, input, req.principal!.login ?? null);
      res.redirect(303, `/reunions/${id}`);
    } catch (e) {
      if (isStaleVersionError(e)) {
        // What was typed stays in the form (a long compte rendu must not be lost), carrying the stored version:
        // saving again is then a deliberate choice made with both versions in view.
        const current = e.current as MeetingDetail;
        await this.renderMeetingForm(
          req,
          res,
          current.instance.id,
          current,
          { ...values, version: String(current.version) },
          { ...pageError(e, labels), conflict: { current, mine: values } },
          409,
        );
        return;
      }
      await this.renderMeetingForm(req, res, meeting.instance.id, meeting, values, pageError(e, labels), 400);
    }
  }

  @Post('reunions/:id/suppression')
  @Access('instance', 'write', 'object')
  async removeMeeting(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Param('id', ParseIntPipe) id: number,
  ): Promise<void> {
    const meeting = await this.meetings.get(id);
    await this.policy.assert(req.principal!, 'instance', 'write', [meeting.instance.territory]);
    await this.meetings.remove(id);
    res.redirect(303, `/instances/${meeting.instance.id}`);
  }

  @Post('reunions/:id/decisions')
  @Access('instance', 'write', 'object')
  async addDecision(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Param('id', ParseIntPipe) id: number,
    @Body() body: Form,
  ): Promise<void> {
    const meeting = await this.meetings.get(id);
    await this.policy.assert(req.principal!, 'instance', 'write', [meeting.instance.territory]);
    const values = decisionFormValues(body);
    const { input, labels } = decisionInput(values);
    try {
      await this.meetings.addDecision(id, input);
      res.redirect(303, `/reunions/${id}#decisions`);
    } catch (e) {
      const { error, fieldErrors } = pageError(e, labels);
      await this.renderMeeting(
        req,
        res,
        meeting,
        { decisionError: error, fieldErrors, decisionForm: values },
        400,
      );
    }
  }

  @Post('decisions/:id/suppression')
  @Access('instance', 'write', 'object')
  async removeDecision(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Param('id', ParseIntPipe) id: number,
  ): Promise<void> {
    await this.policy.assert(req.principal!, 'instance', 'write', [
      await this.meetings.territoryOfDecision(id),
    ]);
    const meetingId = await this.meetings.meetingOfDecision(id);
    await this.meetings.removeDecision(id);
    res.redirect(303, `/reunions/${meetingId}#decisions`);
  }

  @Get('administration/types-instances')
  @Access('user', 'manage')
  async typesPage(@Req() req: AppRequest, @Res() res: Response): Promise<void> {
    await this.renderTypes(req, res, {});
  }

  @Post('administration/types-instances')
  @Access('user', 'manage')
  async createType(@Req() req: AppRequest, @Res() res: Response, @Body() body: Form): Promise<void> {
    const values = {
      code: one(body, 'code'),
      label: one(body, 'label'),
      level: one(body, 'level'),
      description: one(body, 'description'),
    };
    try {
      const created = await this.types.create(values);
      await this.renderTypes(req, res, { notice: `Type « ${created.label} » ajouté.` }, 201);
    } catch (e) {
      await this.renderTypes(req, res, { ...pageError(e, TYPE_LABELS), form: values }, 400);
    }
  }

  @Post('administration/types-instances/:id')
  @Access('user', 'manage')
  async updateType(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Param('id', ParseIntPipe) id: number,
    @Body() body: Form,
  ): Promise<void> {
    const values = {
      label: one(body, 'label'),
      level: one(body, 'level'),
      description: one(body, 'description'),
      active: one(body, 'active') === 'oui',
      version: Number(one(body, 'version')),
    };
    try {
      const updated = await this.types.update(id, values);
      await this.renderTypes(req, res, { notice: `Type « ${updated.label} » enregistré.` });
    } catch (e) {
      const conflict = isStaleVersionError(e)
        ? { current: e.current as InstanceTypeView, mine: values }
        : undefined;
      await this.renderTypes(
        req,
        res,
        { ...pageError(e, TYPE_LABELS), conflict, editedId: id },
        conflict ? 409 : 400,
      );
    }
  }

  private async renderList(
    req: AppRequest,
    res: Response,
    territory: string | undefined,
    extra: Record<string, unknown>,
    status = 200,
  ): Promise<void> {
    const principal = req.principal!;
    const all = await this.territories.all();
    const visible = await readable(
      this.policy,
      principal,
      await this.instances.list({ territories: territory ? [territory] : undefined }),
      (i) => i.territory,
    );
    const groups: { code: string; name: string; instances: typeof visible }[] = [];
    for (const i of visible) {
      let g = groups.find((x) => x.code === i.territory);
      if (!g) groups.push((g = { code: i.territory, name: i.territoryName, instances: [] }));
      g.instances.push(i);
    }
    // Filter choices: the territories the caller may read that hold instances, and their régions.
    const everywhere = await readable(
      this.policy,
      principal,
      await this.instances.list(),
      (i) => i.territory,
    );
    const codes = new Set<string>();
    for (const i of everywhere) {
      codes.add(i.territory);
      const parent = all.get(i.territory)?.parentCode;
      if (parent?.startsWith('REG-') && (await this.policy.allowed(principal, 'instance', 'read', [parent])))
        codes.add(parent);
    }
    const writable = [];
    for (const t of all.values())
      if (
        (t.level === 'region' || t.level === 'department') &&
        (await this.policy.allowed(principal, 'instance', 'write', [t.code]))
      )
        writable.push(t);
    const form = (extra.form as Record<string, string> | undefined) ?? {};
    await this.pages.render(
      req,
      res,
      'instances',
      {
        title: 'Instances',
        nav: 'instances',
        groups,
        territory,
        filterOptions: [...codes]
          .sort()
          .map((c) => ({ code: c, name: all.get(c)?.name ?? c, selected: c === territory })),
        canWrite: writable.length > 0,
        canManageTypes: await this.policy.allowed(principal, 'user', 'manage'),
        typeOptions: (await this.types.list({ activeOnly: true })).map((t) => ({
          ...t,
          selected: t.code === form.type || String(t.id) === form.type,
        })),
        territoryOptions: writable.map((t) => ({
          code: t.code,
          name: t.name,
          selected: t.code === form.territory,
        })),
        csvUrl: `/api/v1/meetings.csv${territory ? `?territory=${encodeURIComponent(territory)}` : ''}`,
        form,
        ...extra,
      },
      status,
    );
  }

  private async renderMeeting(
    req: AppRequest,
    res: Response,
    meeting: MeetingDetail,
    extra: {
      decisionError?: PageError;
      fieldErrors?: Record<string, string>;
      decisionForm?: DecisionFormValues;
    },
    status = 200,
  ): Promise<void> {
    const canWrite = await this.policy.allowed(req.principal!, 'instance', 'write', [
      meeting.instance.territory,
    ]);
    const form = extra.decisionForm;
    const year = Number(meeting.date.slice(0, 4));
    let objectiveGroups: unknown[] = [];
    let planOptions: { plans: { id: number; label: string }[]; actions: { id: number; label: string }[] } = {
      plans: [],
      actions: [],
    };
    if (canWrite) {
      // The strategies in force in the meeting's year; all of them when none covers it.
      const list = await this.strategies.list();
      const current = list.filter((s) => s.startYear <= year && year <= s.endYear);
      objectiveGroups = (current.length ? current : list).map((s) => ({
        title: s.title,
        objectives: s.axes.flatMap((a) =>
          a.objectives.map((o) => ({
            id: o.id,
            label: `${o.number} — ${o.title}`,
            checked: form?.objectives.includes(String(o.id)) ?? false,
          })),
        ),
      }));
      const options = await this.targets.planOptions(
        await this.instances.within(meeting.instance.territory),
        [year - 1, year],
      );
      planOptions = {
        plans: options.plans.map((p) => ({ ...p, selected: form?.plans.includes(String(p.id)) ?? false })),
        actions: options.actions.map((a) => ({
          ...a,
          selected: form?.actions.includes(String(a.id)) ?? false,
        })),
      };
    }
    await this.pages.render(
      req,
      res,
      'meeting',
      {
        title: `${meeting.instance.name} — ${meeting.dateLabel}`,
        nav: 'instances',
        meeting,
        canWrite,
        canDecide: canWrite && meeting.status !== 'cancelled',
        kindOptions: DECISION_KINDS.map((k) => ({
          value: k,
          label: DECISION_KIND_LABELS[k],
          selected: k === (form?.kind ?? 'decision'),
        })),
        objectiveGroups,
        planOptions,
        decisionForm: form ?? { text: '', siae: '' },
        ...extra,
      },
      status,
    );
  }

  private async renderMeetingForm(
    req: AppRequest,
    res: Response,
    instanceId: number,
    meeting: MeetingDetail | undefined,
    values: MeetingFormValues,
    extra: Record<string, unknown> = {},
    status = 200,
  ): Promise<void> {
    const instance = await this.instances.get(instanceId);
    await this.pages.render(
      req,
      res,
      'meeting-form',
      {
        title: meeting
          ? `Modifier la réunion du ${meeting.dateLabel}`
          : `Nouvelle réunion — ${instance.name}`,
        nav: 'instances',
        instance,
        meeting,
        values,
        action: meeting ? `/reunions/${meeting.id}` : `/instances/${instance.id}/reunions`,
        statusOptions: MEETING_STATUSES.map((s) => ({
          value: s,
          label: MEETING_STATUS_LABELS[s],
          selected: s === values.status,
        })),
        ...extra,
      },
      status,
    );
  }

  private async renderTypes(
    req: AppRequest,
    res: Response,
    extra: Record<string, unknown>,
    status = 200,
  ): Promise<void> {
    const counts = new Map<string, number>();
    for (const i of await this.instances.list()) counts.set(i.typeCode, (counts.get(i.typeCode) ?? 0) + 1);
    const levelOptions = (selected: string) =>
      INSTANCE_LEVELS.map((l) => ({ value: l, label: INSTANCE_LEVEL_LABELS[l], selected: l === selected }));
    const conflict = extra.conflict as { current: InstanceTypeView } | undefined;
    const form = (extra.form as Record<string, string> | undefined) ?? {};
    await this.pages.render(
      req,
      res,
      'instance-types',
      {
        title: "Types d'instances",
        nav: 'instances',
        types: (await this.types.list()).map((t) => ({
          ...t,
          instanceCount: counts.get(t.code) ?? 0,
          levelOptions: levelOptions(t.level),
          edited: extra.editedId === t.id,
        })),
        newLevelOptions: levelOptions(form.level ?? 'department'),
        form,
        conflictType: conflict?.current,
        ...extra,
      },
      status,
    );
  }

  private async assertInstance(principal: Principal, id: number, action: 'read' | 'write'): Promise<void> {
    await this.policy.assert(principal, 'instance', action, [await this.instances.territoryOf(id)]);
  }
}
