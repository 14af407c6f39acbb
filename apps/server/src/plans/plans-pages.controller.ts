import * as fs from 'node:fs';
import { Body, Controller, Get, Param, ParseIntPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AccessPolicyService, Principal } from '@cap-iae/access';
import {
  ActionDraft,
  ActionView,
  EditConflictError,
  frenchDate,
  ImportRejectedError,
  ImportRejection,
  isPlanStatus,
  ObjectiveRef,
  PLAN_STATUS_LABELS,
  PlanReadService,
  PlansService,
  PlanView,
  todayInParis,
} from '@cap-iae/action-plans';
import { IndicatorsService } from '@cap-iae/indicators';
import { StrategiesService } from '@cap-iae/strategy';
import { TerritoriesService } from '@cap-iae/territories';
import { DomainError, formatEuroFr, isDomainError } from '@cap-iae/shared';
import { Access } from '../access/access.decorator';
import type { AppRequest } from '../access/request-principal';
import { PageRenderer } from '../pages/page-renderer';
import { receiveMultipart } from '../sources/upload';
import { assertOnPlan, mayOnPlan } from './plan-access';
import {
  actionFromForm,
  ActionFormValues,
  BLANK_BUDGET_ROWS,
  comparisonRows,
  Form,
  FORM_FIELD_LABELS,
  one,
  placeIssues,
  statusOptions,
  valuesOfAction,
  valuesOfForm,
} from './plan-forms';

const STATUS_BADGE: Record<string, string> = {
  planned: '',
  in_progress: 'fr-badge--info',
  done: 'fr-badge--success',
  suspended: 'fr-badge--warning',
  abandoned: '',
};

const PLAN_BANNER: Record<string, { kind: string; text: string }> = {
  draft: {
    kind: 'fr-alert--info',
    text: 'Brouillon : le plan se rédige ; il n’est visible que des secrétaires du CDIAE et administrateurs du département.',
  },
  submitted: {
    kind: 'fr-alert--warning',
    text: 'Soumis au CDIAE : le plan attend l’avis du CDIAE ; son contenu ne peut plus être modifié.',
  },
  validated: {
    kind: 'fr-alert--success',
    text: 'Validé : le CDIAE a rendu son avis ; les actions se suivent par des notes jusqu’à la clôture.',
  },
  closed: { kind: '', text: 'Clôturé : le plan est archivé, en lecture seule.' },
};

/** Error pages answer these statuses; anything else (not found, refused) goes to the global error page. */
function statusOf(e: unknown): number | undefined {
  if (!isDomainError(e)) return undefined;
  return { VALIDATION_FAILED: 400, CONFLICT: 409, UNPROCESSABLE: 422 }[e.code as string];
}

function pageError(e: unknown): { message: string; errors: { field: string; message: string }[] } {
  if (!isDomainError(e)) throw e;
  return {
    message: e.message,
    errors: e.issues.map((i) => ({ field: FORM_FIELD_LABELS[i.field] ?? i.field, message: i.message })),
  };
}

/** « Plans d'actions » pages: list, plan, action form, versions comparison, regional roll-up. */
@ApiExcludeController()
@Controller('plans')
export class PlansPagesController {
  constructor(
    private readonly pages: PageRenderer,
    private readonly plans: PlansService,
    private readonly reads: PlanReadService,
    private readonly policy: AccessPolicyService,
    private readonly territories: TerritoriesService,
    private readonly strategies: StrategiesService,
    private readonly indicators: IndicatorsService,
  ) {}

  // -------------------------------------------------------------------------------------------------------------
  // List and creation

  @Get()
  @Access('plan', 'read', { query: 'departement' })
  async list(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Query('departement') department?: string,
    @Query('strategie') strategy?: string,
    @Query('annee') year?: string,
  ): Promise<void> {
    await this.renderList(req, res, { department, strategy, year }, {});
  }

  @Post()
  @Access('plan', 'write', { body: 'department' })
  async create(@Req() req: AppRequest, @Res() res: Response, @Body() body: Form): Promise<void> {
    try {
      const plan = await this.plans.create(
        {
          department: one(body.department),
          strategy: one(body.strategy),
          year: Number(one(body.year)),
          copyFromPreviousYear: one(body.copyFromPreviousYear) === 'oui',
        },
        login(req.principal!),
      );
      res.redirect(303, `/plans/${plan.id}`);
    } catch (e) {
      const status = statusOf(e);
      if (!status) throw e;
      await this.renderList(req, res, {}, { error: pageError(e), form: body }, status);
    }
  }

  private async renderList(
    req: AppRequest,
    res: Response,
    filter: { department?: string; strategy?: string; year?: string },
    extra: Record<string, unknown>,
    status = 200,
  ): Promise<void> {
    const principal = req.principal!;
    const y = Number(filter.year);
    const all = await this.plans.list({
      departments: filter.department ? [filter.department] : undefined,
      strategy: filter.strategy || undefined,
      year: filter.year && Number.isInteger(y) ? y : undefined,
    });
    const plans = [];
    for (const p of all)
      if (
        await mayOnPlan(this.policy, principal, { department: p.department.code, status: p.status }, 'read')
      )
        plans.push({ ...p, avisDate: p.avis?.date ?? null, badge: planBadge(p.status) });
    const departments = await this.departmentsWhere(principal, 'read');
    const writable = await this.departmentsWhere(principal, 'write');
    const strategies = await this.strategies.list();
    const regions = new Set(departments.map((d) => d.parentCode).filter((c): c is string => Boolean(c)));
    const rollups = [];
    for (const r of regions)
      if (await this.policy.allowed(principal, 'plan', 'read', [r]))
        rollups.push({ code: r, name: (await this.territories.get(r)).name });
    const years = [...new Set(strategies.flatMap((s) => range(s.startYear, s.endYear)))].sort(
      (a, b) => b - a,
    );
    const form = (extra.form as Form | undefined) ?? {};
    await this.pages.render(
      req,
      res,
      'plans',
      {
        title: "Plans d'actions départementaux",
        nav: 'plans',
        plans,
        filter,
        departmentOptions: departments.map((d) => ({ ...d, selected: d.code === filter.department })),
        strategyOptions: strategies.map((s) => ({
          code: s.code,
          title: s.title,
          selected: s.code === filter.strategy,
        })),
        yearOptions: years.map((v) => ({ value: v, selected: String(v) === filter.year })),
        rollups,
        canCreate: writable.length > 0,
        createDepartments: writable.map((d) => ({ ...d, selected: d.code === one(form.department) })),
        createStrategies: strategies.map((s) => ({
          code: s.code,
          title: s.title,
          selected: s.code === (one(form.strategy) || strategies[strategies.length - 1]?.code),
        })),
        createYears: years.map((v) => ({ value: v, selected: String(v) === one(form.year) })),
        ...extra,
      },
      status,
    );
  }

  // -------------------------------------------------------------------------------------------------------------
  // Regional roll-up

  @Get('synthese')
  @Access('plan', 'read', { query: 'region' })
  async rollup(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Query('region') region?: string,
    @Query('strategie') strategy?: string,
    @Query('annee') year?: string,
  ): Promise<void> {
    const strategies = await this.strategies.list();
    const base = {
      title: 'Synthèse régionale des plans d’actions',
      nav: 'plans',
      strategyOptions: strategies.map((s) => ({
        code: s.code,
        title: s.title,
        selected: s.code === strategy,
      })),
    };
    try {
      const y = year ? Number(year) : undefined;
      if (y !== undefined && !Number.isInteger(y))
        throw DomainError.validation([{ field: 'annee', message: 'année attendue' }]);
      const view = await this.reads.regionalRollup(region ?? '', strategy || undefined, y);
      await this.pages.render(req, res, 'plan-rollup', {
        ...base,
        rollup: view,
        region: view.region,
        strategyOptions: strategies.map((s) => ({
          code: s.code,
          title: s.title,
          selected: s.code === view.strategy.code,
        })),
        yearOptions: range(view.strategy.startYear, view.strategy.endYear).map((v) => ({
          value: v,
          selected: v === view.year,
        })),
        asOf: frenchDate(view.asOf),
        columns: view.departments.length + 2,
        departments: view.departments.map((d) => ({
          ...d,
          badge: d.plan ? planBadge(d.plan.status) : '',
          avisDate: d.plan?.avisDate ?? null,
          statusText: d.plan ? d.plan.statusLabel : 'aucun plan',
          counts: view.statuses
            .map((s) => ({ label: s.label, n: d.byStatus[s.status] }))
            .filter((c) => c.n > 0),
          uncovered: d.counted ? d.uncoveredObjectives.join(', ') || 'aucun' : 'plan non transmis',
        })),
        axes: groupByAxis(
          view.objectives.map((o) => ({
            ...o,
            cells: o.cells.map((c, i) => ({
              ...c,
              counted: view.departments[i].counted,
              counts: view.statuses
                .map((s) => ({ label: s.label, n: c.byStatus[s.status] }))
                .filter((x) => x.n > 0),
            })),
          })),
        ),
        totals: {
          ...view.totals,
          planCounts: (['validated', 'submitted', 'draft', 'closed'] as const).map((s) => ({
            label: PLAN_STATUS_LABELS[s],
            n: view.totals.plans[s],
          })),
          none: view.totals.plans.none,
        },
      });
    } catch (e) {
      const status = statusOf(e);
      if (!status) throw e;
      await this.pages.render(req, res, 'plan-rollup', { ...base, error: pageError(e) }, status);
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // One plan

  @Get(':id')
  @Access('plan', 'read', 'object')
  async detail(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Param('id', ParseIntPipe) id: number,
  ): Promise<void> {
    await assertOnPlan(this.policy, this.plans, req.principal!, id, 'read');
    await this.renderPlan(req, res, id, {});
  }

  @Post(':id')
  @Access('plan', 'write', 'object')
  async updateSummary(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Param('id', ParseIntPipe) id: number,
    @Body() body: Form,
  ): Promise<void> {
    await assertOnPlan(this.policy, this.plans, req.principal!, id, 'write');
    try {
      await this.plans.updatePlan(
        id,
        { summary: one(body.summary), version: Number(one(body.version)) },
        login(req.principal!),
      );
      res.redirect(303, `/plans/${id}`);
    } catch (e) {
      if (e instanceof EditConflictError) {
        // Both texts side by side; the form keeps the person's text, based on the saved version.
        await this.renderPlan(
          req,
          res,
          id,
          { error: pageError(e), summaryConflict: { yours: one(body.summary) } },
          409,
        );
        return;
      }
      const status = statusOf(e);
      if (!status) throw e;
      await this.renderPlan(req, res, id, { error: pageError(e), summaryDraft: one(body.summary) }, status);
    }
  }

  @Post(':id/soumission')
  @Access('plan', 'submit', 'object')
  async submit(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Param('id', ParseIntPipe) id: number,
    @Body() body: Form,
  ) {
    await assertOnPlan(this.policy, this.plans, req.principal!, id, 'submit');
    await this.step(req, res, id, () =>
      this.plans.submit(id, { version: optionalInt(one(body.version)) }, login(req.principal!)),
    );
  }

  @Post(':id/avis')
  @Access('plan', 'validate', 'object')
  async avis(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Param('id', ParseIntPipe) id: number,
    @Body() body: Form,
  ) {
    await assertOnPlan(this.policy, this.plans, req.principal!, id, 'validate');
    await this.step(req, res, id, () =>
      this.plans.recordAvis(
        id,
        { avisDate: one(body.avisDate), comment: one(body.comment), version: optionalInt(one(body.version)) },
        login(req.principal!),
      ),
    );
  }

  @Post(':id/cloture')
  @Access('plan', 'close', 'object')
  async close(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Param('id', ParseIntPipe) id: number,
    @Body() body: Form,
  ) {
    await assertOnPlan(this.policy, this.plans, req.principal!, id, 'close');
    await this.step(req, res, id, () =>
      this.plans.close(id, { version: optionalInt(one(body.version)) }, login(req.principal!)),
    );
  }

  @Post(':id/reconduction')
  @Access('plan', 'write', 'object')
  async copyNextYear(@Req() req: AppRequest, @Res() res: Response, @Param('id', ParseIntPipe) id: number) {
    await assertOnPlan(this.policy, this.plans, req.principal!, id, 'read');
    await assertOnPlan(this.policy, this.plans, req.principal!, id, 'write');
    try {
      const created = await this.plans.copyNextYear(id, login(req.principal!));
      res.redirect(303, `/plans/${created.id}`);
    } catch (e) {
      const status = statusOf(e);
      if (!status) throw e;
      await this.renderPlan(req, res, id, { error: pageError(e) }, status);
    }
  }

  /** Multipart form (works without JavaScript); its CSRF token travels in the query string. */
  @Post(':id/import')
  @Access('plan', 'write', 'object')
  async import(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Param('id', ParseIntPipe) id: number,
  ): Promise<void> {
    await assertOnPlan(this.policy, this.plans, req.principal!, id, 'write');
    const { file } = req.is('multipart/form-data') ? await receiveMultipart(req) : { file: undefined };
    if (!file) {
      await this.renderPlan(
        req,
        res,
        id,
        { error: { message: 'Choisissez un fichier XLSX à importer.', errors: [] } },
        400,
      );
      return;
    }
    try {
      const result = await this.plans.importXlsx(
        id,
        fs.readFileSync(file.path),
        file.originalName,
        login(req.principal!),
      );
      await this.renderPlan(req, res, id, {
        notice: `Import réussi : ${result.created} actions créées, ${result.updated} mises à jour, ${result.deleted} supprimées.`,
      });
    } catch (e) {
      if (e instanceof ImportRejectedError) {
        await this.renderPlan(
          req,
          res,
          id,
          { error: { message: e.message, errors: [] }, rejections: e.rejections satisfies ImportRejection[] },
          400,
        );
        return;
      }
      const status = statusOf(e);
      if (!status) throw e;
      await this.renderPlan(req, res, id, { error: pageError(e) }, status);
    } finally {
      file.cleanup();
    }
  }

  @Get(':id/versions/comparaison')
  @Access('plan', 'read', 'object')
  async compare(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Param('id', ParseIntPipe) id: number,
    @Query('de') from?: string,
    @Query('a') to?: string,
  ): Promise<void> {
    await assertOnPlan(this.policy, this.plans, req.principal!, id, 'read');
    const plan = await this.plans.get(id);
    const versions = await this.plans.versions(id);
    const f = Number(from) || versions[1]?.number || 1;
    const t = Number(to) || versions[0]?.number || 1;
    const diff = await this.plans.diff(id, f, t);
    const who = (list: { author: string; at: string; version: number }[]) =>
      list.map((c) => `${c.author} (version ${c.version})`).join(', ');
    await this.pages.render(req, res, 'plan-diff', {
      title: `Comparaison des versions ${diff.from.number} et ${diff.to.number}`,
      nav: 'plans',
      plan,
      diff,
      versionOptions: versions.map((v) => ({
        number: v.number,
        label: `${v.number} — ${v.reason}`,
        from: v.number === diff.from.number,
        to: v.number === diff.to.number,
      })),
      planChanges: diff.plan.map((c) => ({ ...c, who: who(c.changedBy) })),
      actionChanges: diff.actions.map((a) => ({
        ...a,
        changeLabel: { added: 'ajoutée', removed: 'supprimée', modified: 'modifiée' }[a.change],
        who: who(a.changedBy),
        fields: a.fields.map((f2) => ({ ...f2, who: who(f2.changedBy) })),
      })),
      nothing: diff.plan.length === 0 && diff.actions.length === 0,
    });
  }

  // -------------------------------------------------------------------------------------------------------------
  // Actions

  @Get(':id/actions/nouvelle')
  @Access('plan', 'write', 'object')
  async newAction(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Param('id', ParseIntPipe) id: number,
  ): Promise<void> {
    await assertOnPlan(this.policy, this.plans, req.principal!, id, 'write');
    await this.renderAction(req, res, id, null, { values: valuesOfAction(null) });
  }

  @Post(':id/actions')
  @Access('plan', 'write', 'object')
  async createAction(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Param('id', ParseIntPipe) id: number,
    @Body() body: Form,
  ): Promise<void> {
    await assertOnPlan(this.policy, this.plans, req.principal!, id, 'write');
    const { input, budgetRowOf } = actionFromForm(body);
    try {
      await this.plans.createAction(id, input, login(req.principal!));
      res.redirect(303, `/plans/${id}`);
    } catch (e) {
      const status = statusOf(e);
      if (!status) throw e;
      const placed = placeIssues(isDomainError(e) ? e.issues : [], budgetRowOf);
      await this.renderAction(
        req,
        res,
        id,
        null,
        {
          values: valuesOfForm(body),
          error: { message: (e as DomainError).message, errors: placed.list },
          fieldErrors: placed.fields,
          budgetErrors: placed.budgetRows,
        },
        status,
      );
    }
  }

  @Get(':id/actions/:actionId')
  @Access('plan', 'read', 'object')
  async action(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Param('id', ParseIntPipe) id: number,
    @Param('actionId', ParseIntPipe) actionId: number,
  ): Promise<void> {
    await assertOnPlan(this.policy, this.plans, req.principal!, id, 'read');
    const action = await this.plans.action(id, actionId);
    await this.renderAction(req, res, id, action, { values: valuesOfAction(action) });
  }

  @Post(':id/actions/:actionId')
  @Access('plan', 'write', 'object')
  async updateAction(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Param('id', ParseIntPipe) id: number,
    @Param('actionId', ParseIntPipe) actionId: number,
    @Body() body: Form,
  ): Promise<void> {
    await assertOnPlan(this.policy, this.plans, req.principal!, id, 'write');
    const { input, budgetRowOf } = actionFromForm(body);
    try {
      const saved = await this.plans.updateAction(
        id,
        actionId,
        input,
        Number(one(body.version)),
        login(req.principal!),
      );
      await this.renderAction(req, res, id, saved, {
        values: valuesOfAction(saved),
        notice: 'Action enregistrée.',
      });
    } catch (e) {
      if (e instanceof EditConflictError) {
        // Nothing was overwritten: the saved version and the person's input are shown side by side, and the form
        // keeps the input, based on the saved version, so that saving again is a deliberate choice.
        const current = e.current as ActionView;
        const yours = e.yours as ActionDraft;
        const objectives = await this.plans.objectivesOf(id);
        await this.renderAction(
          req,
          res,
          id,
          current,
          {
            values: valuesOfAction({ ...yours }),
            version: current.version,
            error: { message: e.message, errors: [] },
            conflict: {
              by: current.updatedBy,
              at: current.updatedAt,
              rows: comparisonRows(current, yours, objectives),
            },
          },
          409,
        );
        return;
      }
      const status = statusOf(e);
      if (!status) throw e;
      const placed = placeIssues(isDomainError(e) ? e.issues : [], budgetRowOf);
      await this.renderAction(
        req,
        res,
        id,
        await this.plans.action(id, actionId),
        {
          values: valuesOfForm(body),
          version: Number(one(body.version)),
          error: { message: (e as DomainError).message, errors: placed.list },
          fieldErrors: placed.fields,
          budgetErrors: placed.budgetRows,
        },
        status,
      );
    }
  }

  @Post(':id/actions/:actionId/suppression')
  @Access('plan', 'write', 'object')
  async deleteAction(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Param('id', ParseIntPipe) id: number,
    @Param('actionId', ParseIntPipe) actionId: number,
    @Body() body: Form,
  ): Promise<void> {
    await assertOnPlan(this.policy, this.plans, req.principal!, id, 'write');
    try {
      await this.plans.deleteAction(id, actionId, optionalInt(one(body.version)), login(req.principal!));
      res.redirect(303, `/plans/${id}`);
    } catch (e) {
      const status = statusOf(e);
      if (!status) throw e;
      const action = await this.plans.action(id, actionId);
      await this.renderAction(
        req,
        res,
        id,
        action,
        { values: valuesOfAction(action), error: pageError(e) },
        status,
      );
    }
  }

  @Post(':id/actions/:actionId/notes')
  @Access('plan', 'write', 'object')
  async addNote(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Param('id', ParseIntPipe) id: number,
    @Param('actionId', ParseIntPipe) actionId: number,
    @Body() body: Form,
  ): Promise<void> {
    await assertOnPlan(this.policy, this.plans, req.principal!, id, 'write');
    try {
      const action = await this.plans.addNote(
        id,
        actionId,
        { date: one(body.date), text: one(body.text) },
        login(req.principal!),
      );
      await this.renderAction(req, res, id, action, {
        values: valuesOfAction(action),
        notice: 'Note ajoutée.',
      });
    } catch (e) {
      const status = statusOf(e);
      if (!status) throw e;
      const action = await this.plans.action(id, actionId);
      const placed = placeIssues(isDomainError(e) ? e.issues : []);
      await this.renderAction(
        req,
        res,
        id,
        action,
        {
          values: valuesOfAction(action),
          error: { message: (e as DomainError).message, errors: placed.list },
          noteErrors: placed.fields,
          noteForm: { date: one(body.date), text: one(body.text) },
        },
        status,
      );
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // Rendering

  /** A workflow step from the plan page: back to the plan on success, the plan with the reason otherwise. */
  private async step(
    req: AppRequest,
    res: Response,
    id: number,
    work: () => Promise<unknown>,
  ): Promise<void> {
    try {
      await work();
      res.redirect(303, `/plans/${id}`);
    } catch (e) {
      const status = statusOf(e);
      if (!status) throw e;
      await this.renderPlan(req, res, id, { error: pageError(e) }, status);
    }
  }

  private async rights(principal: Principal, plan: PlanView) {
    const facts = { department: plan.department.code, status: plan.status };
    const may = (a: 'write' | 'submit' | 'validate' | 'close') => mayOnPlan(this.policy, principal, facts, a);
    const write = await may('write');
    return {
      write: write && plan.status === 'draft',
      submit: (await may('submit')) && plan.status === 'draft',
      validate: (await may('validate')) && plan.status === 'submitted',
      close: (await may('close')) && plan.status === 'validated',
      note: write && plan.status !== 'closed',
      copy: write && plan.year < plan.strategy.endYear,
    };
  }

  private async renderPlan(
    req: AppRequest,
    res: Response,
    id: number,
    extra: Record<string, unknown>,
    status = 200,
  ): Promise<void> {
    const plan = await this.plans.get(id);
    const objectives = await this.plans.objectivesOf(id);
    const versions = await this.plans.versions(id);
    const can = await this.rights(req.principal!, plan);
    const late = plan.actions.filter((a) => a.late).length;
    await this.pages.render(
      req,
      res,
      'plan',
      {
        title: `Plan d'actions ${plan.year} — ${plan.department.name}`,
        nav: 'plans',
        plan,
        banner: PLAN_BANNER[plan.status],
        badge: planBadge(plan.status),
        rights: can,
        counts: { actions: plan.actions.length, late },
        axes: groupByAxis(
          objectives.map((o) => {
            const actions = plan.actions.filter((a) => a.objectives[0]?.id === o.id).map(actionRow);
            return {
              ...o,
              actions,
              uncovered: !plan.actions.some((a) => a.objectives.some((x) => x.id === o.id)),
            };
          }),
        ),
        versions: versions.map((v, i) => ({ ...v, previous: versions[i + 1]?.number ?? null })),
        versionOptions: versions.map((v, i) => ({ number: v.number, from: i === 1, to: i === 0 })),
        today: todayInParis(),
        nextYear: plan.year + 1,
        ...extra,
      },
      status,
    );
  }

  private async renderAction(
    req: AppRequest,
    res: Response,
    planId: number,
    action: ActionView | null,
    extra: { values: ActionFormValues; version?: number; [key: string]: unknown },
    status = 200,
  ): Promise<void> {
    const plan = await this.plans.get(planId);
    const objectives = await this.plans.objectivesOf(planId);
    const can = await this.rights(req.principal!, plan);
    const values = extra.values;
    const budgetErrors = (extra.budgetErrors ?? {}) as Record<number, Record<string, string>>;
    const rows = [
      ...values.budgets,
      ...Array.from({ length: BLANK_BUDGET_ROWS }, () => ({ year: '', funder: '', planned: '', actual: '' })),
    ].map((b, i) => ({ ...b, index: i + 1, errors: budgetErrors[i] ?? {} }));
    const catalogue = await this.indicators.list({ strategy: plan.strategy.code });
    const indicatorOptions = catalogue.map((ind) => ({
      code: ind.code,
      label: ind.label,
      objectives: ind.objectives
        .filter((o) => o.strategy === plan.strategy.code)
        .map((o) => o.number)
        .join(', '),
      checked: values.indicators.includes(ind.code),
    }));
    for (const code of values.indicators)
      if (!catalogue.some((c) => c.code === code))
        indicatorOptions.push({ code, label: code, objectives: '', checked: true });
    await this.pages.render(
      req,
      res,
      'plan-action',
      {
        title: action ? action.title : 'Nouvelle action',
        nav: 'plans',
        plan,
        action: action && { ...action, row: actionRow(action) },
        isNew: action === null,
        editable: can.write,
        rights: can,
        version: extra.version ?? action?.version,
        statusOptions: statusOptions(values.status),
        objectiveGroups: groupByAxis(
          objectives.map((o) => ({ ...o, checked: values.objectiveIds.includes(o.id) })),
        ),
        indicatorOptions,
        budgetRows: rows,
        fieldErrors: {},
        noteForm: { date: todayInParis(), text: '' },
        ...extra,
      },
      status,
    );
  }

  private async departmentsWhere(principal: Principal, action: 'read' | 'write') {
    const out: { code: string; name: string; parentCode: string | null }[] = [];
    for (const t of (await this.territories.all()).values()) {
      if (t.level !== 'department') continue;
      if (await this.policy.allowed(principal, 'plan', action, [t.code]))
        out.push({ code: t.code, name: t.name, parentCode: t.parentCode });
    }
    return out;
  }
}

function login(principal: Principal): string {
  return principal.login ?? 'inconnu';
}

function optionalInt(text: string): number | undefined {
  const n = Number(text);
  return text && Number.isInteger(n) ? n : undefined;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}

function planBadge(status: string): string {
  return isPlanStatus(status)
    ? { draft: 'fr-badge--info', submitted: 'fr-badge--warning', validated: 'fr-badge--success', closed: '' }[
        status
      ]
    : '';
}

function actionRow(a: ActionView) {
  const planned = a.budgets.reduce((s, b) => s + (b.planned ?? 0), 0);
  const actual = a.budgets.reduce((s, b) => s + (b.actual ?? 0), 0);
  return {
    ...a,
    badge: STATUS_BADGE[a.status],
    pilot: [a.pilotOrganisation, a.pilotPerson].filter(Boolean).join(' — '),
    otherObjectives: a.objectives
      .slice(1)
      .map((o) => o.number)
      .join(', '),
    objectiveNumbers: a.objectives.map((o) => o.number).join(', '),
    partnersText: a.partners.join(', '),
    budgetText: a.budgets.length ? `${formatEuroFr(planned)} prévus, ${formatEuroFr(actual)} réalisés` : '',
  };
}

/** Objectives (or rows about them) grouped under their axis, in strategy order. */
function groupByAxis<T extends Pick<ObjectiveRef, 'axisNumber' | 'axisTitle'>>(items: T[]) {
  const axes: { number: number; title: string; objectives: T[] }[] = [];
  for (const item of items) {
    let axis = axes.find((a) => a.number === item.axisNumber);
    if (!axis) {
      axis = { number: item.axisNumber, title: item.axisTitle, objectives: [] };
      axes.push(axis);
    }
    axis.objectives.push(item);
  }
  return axes;
}
