import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { inTransaction } from '@cap-iae/database';
import { Objective, Strategy } from '@cap-iae/strategy';
import { Territory, TerritoriesService } from '@cap-iae/territories';
import {
  AUDIT_SINK,
  AuditRecord,
  AuditSink,
  DomainError,
  FieldIssue,
  formatNumberFr,
  toCsv,
} from '@cap-iae/shared';
import {
  ActionPlan,
  ActionPlanVersion,
  PlanAction,
  PlanActionBudget,
  PlanActionIndicator,
  PlanActionNote,
  PlanActionObjective,
} from './entities';
import { EditConflictError, ImportRejectedError, unprocessable } from './errors';
import {
  ACTION_STATUS_LABELS,
  ActionInput,
  ActionRules,
  checkAction,
  CheckedAction,
  frenchDate,
  isIsoDate,
  isLate,
  LIMITS,
  PLAN_STATUS_LABELS,
  PlanStatus,
  shiftYears,
  todayInParis,
} from './plan-model';
import { diffVersions, PlanDiff, PlanSnapshot, snapshotOf } from './snapshot';
import type { ActionView, ObjectiveRef, PlanHeader, PlanListItem, PlanView, VersionMeta } from './views';
import { checkImport, MAX_IMPORT_BYTES, readPlanWorkbook, writePlanWorkbook } from './xlsx';

export interface CreatePlanInput {
  department: string;
  /** Strategy code, e.g. `IDF-2021-2022`. */
  strategy: string;
  year: number;
  summary?: string | null;
  /** « Partir du plan de l'an dernier »: copy the actions of the same département's plan of year − 1. */
  copyFromPreviousYear?: boolean;
}

export interface PlanFilter {
  departments?: string[];
  strategy?: string;
  year?: number;
  status?: PlanStatus;
}

/** What a stale action save carries back: the input as checked, with the version it was based on. */
export type ActionDraft = CheckedAction & { version: number };

const OBJECT_PLAN = "plan d'actions";
const OBJECT_ACTION = 'action de plan';

/** Marks a lost optimistic lock inside a transaction; turned into an EditConflictError once rolled back. */
class StaleVersion extends Error {}

/**
 * Plans d'actions départementaux: plans and their workflow, actions, notes, saved states and their comparison,
 * copy from the previous year, XLSX import/export and CSV export.
 *
 * Every write runs in one transaction that starts by bumping the plan's `revision` (a row lock on PostgreSQL, so the
 * writes of one plan are serialised), then writes, then stores the whole plan as a new saved state numbered by that
 * revision. Each write is reported to the audit trail with its before/after.
 */
@Injectable()
export class PlansService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly territories: TerritoriesService,
    @Optional() @Inject(AUDIT_SINK) private readonly audit?: AuditSink,
  ) {}

  // -------------------------------------------------------------------------------------------------------------
  // Reading

  /** Département and status of a plan: what the controllers check the caller's rights against. */
  async accessFacts(planId: number): Promise<{ department: string; status: PlanStatus }> {
    const plan = await this.dataSource
      .getRepository(ActionPlan)
      .findOne({ where: { id: planId }, select: { id: true, departmentCode: true, status: true } });
    if (!plan) throw DomainError.notFound(`Plan d'actions introuvable (n° ${planId}).`);
    return { department: plan.departmentCode, status: plan.status };
  }

  async list(filter: PlanFilter = {}): Promise<PlanListItem[]> {
    const qb = this.dataSource
      .getRepository(ActionPlan)
      .createQueryBuilder('p')
      .leftJoinAndSelect('p.department', 'd')
      .leftJoinAndSelect('p.strategy', 's')
      .orderBy('p.year', 'DESC')
      .addOrderBy('p.departmentCode', 'ASC')
      .addOrderBy('s.code', 'ASC');
    if (filter.departments?.length)
      qb.andWhere('p.departmentCode IN (:...deps)', { deps: filter.departments });
    if (filter.strategy) qb.andWhere('s.code = :code', { code: filter.strategy });
    if (filter.year !== undefined) qb.andWhere('p.year = :year', { year: filter.year });
    if (filter.status) qb.andWhere('p.status = :status', { status: filter.status });
    const plans = await qb.getMany();
    if (plans.length === 0) return [];
    const actions = await this.dataSource.getRepository(PlanAction).find({
      where: { planId: In(plans.map((p) => p.id)) },
      select: { id: true, planId: true, status: true, dueDate: true },
    });
    const today = todayInParis();
    return plans.map((p) => {
      const mine = actions.filter((a) => a.planId === p.id);
      return {
        ...headerOf(p),
        actionCount: mine.length,
        lateCount: mine.filter((a) => isLate(a, today)).length,
      };
    });
  }

  async get(planId: number): Promise<PlanView> {
    return this.loadView(this.dataSource.manager, planId);
  }

  async action(planId: number, actionId: number): Promise<ActionView> {
    const action = (await this.get(planId)).actions.find((a) => a.id === actionId);
    if (!action) throw DomainError.notFound(`Action introuvable (n° ${actionId}) dans ce plan.`);
    return action;
  }

  /** Objectives of the plan's strategy, in strategy order: what its actions may link to. */
  async objectivesOf(planId: number): Promise<ObjectiveRef[]> {
    const plan = await this.header(this.dataSource.manager, planId);
    return this.strategyObjectives(plan.strategyId);
  }

  async strategyObjectives(strategyId: number): Promise<ObjectiveRef[]> {
    return [...(await this.objectives(this.dataSource.manager, strategyId)).values()].sort(byObjective);
  }

  async versions(planId: number): Promise<VersionMeta[]> {
    await this.header(this.dataSource.manager, planId);
    const rows = await this.dataSource.getRepository(ActionPlanVersion).find({
      where: { planId },
      select: { number: true, author: true, createdAt: true, reason: true },
      order: { number: 'DESC' },
    });
    return rows.map(metaOf);
  }

  async version(planId: number, number: number): Promise<VersionMeta & { snapshot: PlanSnapshot }> {
    const row = await this.dataSource.getRepository(ActionPlanVersion).findOne({ where: { planId, number } });
    if (!row) throw DomainError.notFound(`Version ${number} introuvable pour ce plan.`);
    return { ...metaOf(row), snapshot: JSON.parse(row.snapshot) as PlanSnapshot };
  }

  /** Two saved states compared, per action and field, with who changed what in between (see diffVersions). */
  async diff(planId: number, from: number, to: number): Promise<PlanDiff> {
    await this.header(this.dataSource.manager, planId);
    const [low, high] = from <= to ? [from, to] : [to, from];
    const rows = await this.dataSource
      .getRepository(ActionPlanVersion)
      .createQueryBuilder('v')
      .where('v.planId = :planId', { planId })
      .andWhere('v.number BETWEEN :low AND :high', { low, high })
      .orderBy('v.number', 'ASC')
      .getMany();
    const missing = [low, high].filter((n) => !rows.some((r) => r.number === n));
    if (missing.length)
      throw DomainError.notFound(`Version ${missing.join(' et ')} introuvable pour ce plan.`);
    return diffVersions(
      rows.map((r) => ({ meta: metaOf(r), snapshot: JSON.parse(r.snapshot) as PlanSnapshot })),
    );
  }

  // -------------------------------------------------------------------------------------------------------------
  // Plans and their workflow

  async create(input: CreatePlanInput, author: string): Promise<PlanView> {
    const issues: FieldIssue[] = [];
    const all = await this.territories.all();
    const department = typeof input.department === 'string' ? all.get(input.department) : undefined;
    if (!department || department.level !== 'department')
      issues.push({ field: 'department', message: 'département inconnu (attendu : DEP-93…)' });
    const strategy =
      typeof input.strategy === 'string'
        ? await this.dataSource.getRepository(Strategy).findOne({ where: { code: input.strategy } })
        : null;
    if (!strategy) issues.push({ field: 'strategy', message: 'stratégie inconnue' });
    if (!Number.isInteger(input.year)) issues.push({ field: 'year', message: 'année attendue' });
    else if (strategy && (input.year < strategy.startYear || input.year > strategy.endYear))
      issues.push({
        field: 'year',
        message: `la stratégie ${strategy.code} couvre ${strategy.startYear} à ${strategy.endYear}`,
      });
    if (department && strategy && !isInside(department.code, strategy.territoryCode, all))
      issues.push({
        field: 'department',
        message: `${department.name} n'est pas dans le territoire de la stratégie ${strategy.code}`,
      });
    const summary = input.summary?.trim() || null;
    if (summary && summary.length > LIMITS.summary)
      issues.push({ field: 'summary', message: `${LIMITS.summary} caractères au plus` });
    let source: ActionPlan | null = null;
    if (issues.length === 0 && input.copyFromPreviousYear) {
      source = await this.dataSource.getRepository(ActionPlan).findOne({
        where: { departmentCode: department!.code, strategyId: strategy!.id, year: input.year - 1 },
      });
      if (!source)
        issues.push({
          field: 'copyFromPreviousYear',
          message: `aucun plan ${input.year - 1} de ce département pour cette stratégie`,
        });
    }
    if (issues.length) throw DomainError.validation(issues, "Le plan d'actions n'a pas été créé.");
    return this.insertPlan(
      { departmentCode: department!.code, strategyId: strategy!.id, year: input.year, summary },
      source,
      author,
    );
  }

  /** « Partir du plan de l'an dernier », from that plan: a draft for the next year with its actions. */
  async copyNextYear(planId: number, author: string): Promise<PlanView> {
    const source = await this.header(this.dataSource.manager, planId);
    const strategy = source.strategy!;
    if (source.year + 1 > strategy.endYear)
      throw unprocessable(
        `La stratégie ${strategy.code} s'arrête en ${strategy.endYear} : pas de plan ${source.year + 1} à préparer.`,
      );
    return this.insertPlan(
      {
        departmentCode: source.departmentCode,
        strategyId: source.strategyId,
        year: source.year + 1,
        summary: source.summary,
      },
      source,
      author,
    );
  }

  private async insertPlan(
    fields: { departmentCode: string; strategyId: number; year: number; summary: string | null },
    source: ActionPlan | null,
    author: string,
    options: { demo?: boolean; now?: string } = {},
  ): Promise<PlanView> {
    const existing = await this.dataSource.getRepository(ActionPlan).findOne({
      where: { departmentCode: fields.departmentCode, strategyId: fields.strategyId, year: fields.year },
    });
    if (existing)
      throw DomainError.conflict(
        `Un plan d'actions ${fields.year} existe déjà pour ce département et cette stratégie (plan n° ${existing.id}).`,
      );
    const now = options.now ?? new Date().toISOString();
    let id: number;
    try {
      id = await inTransaction(this.dataSource, async (em) => {
        const plan = await em.getRepository(ActionPlan).save(
          em.getRepository(ActionPlan).create({
            ...fields,
            status: 'draft',
            avisDate: null,
            avisComment: null,
            submittedAt: null,
            submittedBy: null,
            validatedAt: null,
            validatedBy: null,
            closedAt: null,
            closedBy: null,
            copiedFromPlanId: source?.id ?? null,
            createdAt: now,
            createdBy: author,
            updatedAt: now,
            updatedBy: author,
            version: 1,
            revision: 1,
            isDemo: options.demo ?? false,
          }),
        );
        if (source) await this.copyActions(em, source.id, plan.id, fields.year - source.year, author, now);
        await this.saveState(
          em,
          plan.id,
          author,
          source ? `création à partir du plan ${source.year}` : 'création du plan',
          now,
        );
        return plan.id;
      });
    } catch (e) {
      // Two people creating the same plan at once: the unique key decides, the second is told.
      if (isUniqueViolation(e))
        throw DomainError.conflict(
          `Un plan d'actions ${fields.year} existe déjà pour ce département et cette stratégie.`,
        );
      throw e;
    }
    const view = await this.get(id);
    await this.record({
      action: source ? 'création (reprise du plan précédent)' : 'création',
      objectType: OBJECT_PLAN,
      objectId: String(id),
      after: { ...planFacts(view), actions: view.actions.length, copiedFromPlanId: source?.id ?? null },
      summary: planLabel(view),
    });
    return view;
  }

  /** Status reset, links kept: objectives, indicators, the action it continues, and budget lines from year N on. */
  private async copyActions(
    em: EntityManager,
    fromPlanId: number,
    toPlanId: number,
    years: number,
    author: string,
    now: string,
  ): Promise<void> {
    const actions = await em.getRepository(PlanAction).find({
      where: { planId: fromPlanId },
      relations: { objectiveLinks: true, indicatorLinks: true, budgets: true },
      order: { position: 'ASC', id: 'ASC' },
    });
    const target = await em.getRepository(ActionPlan).findOneByOrFail({ id: toPlanId });
    for (const a of actions) {
      const copy = await em.getRepository(PlanAction).save(
        em.getRepository(PlanAction).create({
          planId: toPlanId,
          position: a.position,
          title: a.title,
          description: a.description,
          pilotOrganisation: a.pilotOrganisation,
          pilotPerson: a.pilotPerson,
          partners: a.partners,
          startDate: shiftYears(a.startDate, years),
          dueDate: shiftYears(a.dueDate, years),
          endDate: null,
          status: 'planned',
          progress: 0,
          copiedFromActionId: a.id,
          createdAt: now,
          createdBy: author,
          updatedAt: now,
          updatedBy: author,
          version: 1,
          isDemo: target.isDemo,
        }),
      );
      await this.writeChildren(em, copy.id, {
        objectiveIds: (a.objectiveLinks ?? []).map((l) => l.objectiveId),
        indicators: (a.indicatorLinks ?? []).map((l) => l.indicatorCode),
        // Lines of past years belong to the old plan; planned amounts of the coming years follow the action.
        budgets: (a.budgets ?? [])
          .filter((b) => b.year >= target.year && b.planned !== null)
          .map((b) => ({ year: b.year, funder: b.funder, planned: b.planned, actual: null })),
      });
    }
  }

  async updatePlan(
    planId: number,
    input: { summary?: string | null; version: number },
    author: string,
  ): Promise<PlanView> {
    const summary = input.summary?.trim() || null;
    if (summary && summary.length > LIMITS.summary)
      throw DomainError.validation([{ field: 'summary', message: `${LIMITS.summary} caractères au plus` }]);
    const before = await this.get(planId);
    try {
      await inTransaction(this.dataSource, async (em) => {
        await this.transition(em, planId, author, ['draft'], input.version, { summary });
        await this.saveState(em, planId, author, 'présentation du plan modifiée');
      });
    } catch (e) {
      if (e instanceof StaleVersion)
        throw new EditConflictError(
          "Ce plan a été modifié par quelqu'un d'autre depuis que vous l'avez ouvert : rien n'a été enregistré.",
          headerFacts(await this.get(planId)),
          { summary, version: input.version },
        );
      throw e;
    }
    const after = await this.get(planId);
    await this.record({
      action: 'modification',
      objectType: OBJECT_PLAN,
      objectId: String(planId),
      before: { summary: before.summary, version: before.version },
      after: { summary: after.summary, version: after.version },
      summary: planLabel(after),
    });
    return after;
  }

  /** brouillon → soumis au CDIAE: only a plan with at least one action. */
  async submit(planId: number, input: { version?: number }, author: string): Promise<PlanView> {
    await this.header(this.dataSource.manager, planId);
    const count = await this.dataSource.getRepository(PlanAction).count({ where: { planId } });
    if (count === 0) throw unprocessable('Un plan sans action ne peut pas être soumis au CDIAE.');
    const now = new Date().toISOString();
    return this.workflow(planId, author, ['draft'], input.version, 'soumission au CDIAE', {
      status: 'submitted',
      submittedAt: now,
      submittedBy: author,
    });
  }

  /** soumis → validé: an administrator records the date (and comment) of the CDIAE's avis. */
  async recordAvis(
    planId: number,
    input: { avisDate?: string; comment?: string | null; version?: number },
    author: string,
  ): Promise<PlanView> {
    const issues: FieldIssue[] = [];
    if (!input.avisDate)
      issues.push({ field: 'avisDate', message: "la date de l'avis du CDIAE est obligatoire" });
    else if (!isIsoDate(input.avisDate))
      issues.push({ field: 'avisDate', message: 'date invalide (attendu AAAA-MM-JJ)' });
    else if (input.avisDate > todayInParis())
      issues.push({ field: 'avisDate', message: "la date de l'avis ne peut pas être dans le futur" });
    const comment = input.comment?.trim() || null;
    if (comment && comment.length > LIMITS.avisComment)
      issues.push({ field: 'comment', message: `${LIMITS.avisComment} caractères au plus` });
    if (issues.length) throw DomainError.validation(issues, "L'avis du CDIAE n'a pas été enregistré.");
    return this.workflow(planId, author, ['submitted'], input.version, 'avis du CDIAE (plan validé)', {
      status: 'validated',
      avisDate: input.avisDate!,
      avisComment: comment,
      validatedAt: new Date().toISOString(),
      validatedBy: author,
    });
  }

  /** validé → clôturé, at the end of the year. */
  async close(planId: number, input: { version?: number }, author: string): Promise<PlanView> {
    return this.workflow(planId, author, ['validated'], input.version, 'clôture', {
      status: 'closed',
      closedAt: new Date().toISOString(),
      closedBy: author,
    });
  }

  private async workflow(
    planId: number,
    author: string,
    from: PlanStatus[],
    version: number | undefined,
    reason: string,
    set: Partial<ActionPlan>,
  ): Promise<PlanView> {
    const before = await this.get(planId);
    try {
      await inTransaction(this.dataSource, async (em) => {
        await this.transition(em, planId, author, from, version, set);
        await this.saveState(em, planId, author, reason);
      });
    } catch (e) {
      if (e instanceof StaleVersion)
        throw new EditConflictError(
          "Ce plan a été modifié par quelqu'un d'autre depuis que vous l'avez ouvert : rechargez-le avant de recommencer.",
          headerFacts(await this.get(planId)),
          { version },
        );
      throw e;
    }
    const after = await this.get(planId);
    await this.record({
      action: reason,
      objectType: OBJECT_PLAN,
      objectId: String(planId),
      before: planFacts(before),
      after: planFacts(after),
      summary: planLabel(after),
    });
    return after;
  }

  /** Changes the plan's own fields when its status allows it and, when given, its version is still current. */
  private async transition(
    em: EntityManager,
    planId: number,
    author: string,
    from: PlanStatus[],
    version: number | undefined,
    set: Partial<ActionPlan>,
  ): Promise<void> {
    const qb = em
      .createQueryBuilder()
      .update(ActionPlan)
      .set({
        ...set,
        version: () => 'version + 1',
        revision: () => 'revision + 1',
        updatedAt: new Date().toISOString(),
        updatedBy: author,
      })
      .where('id = :planId', { planId })
      .andWhere('status IN (:...from)', { from });
    if (version !== undefined) qb.andWhere('version = :version', { version });
    const result = await qb.execute();
    if (result.affected) return;
    const plan = await this.header(em, planId);
    if (!from.includes(plan.status)) throw statusError(plan.status, from);
    throw new StaleVersion();
  }

  // -------------------------------------------------------------------------------------------------------------
  // Actions and notes

  async createAction(planId: number, input: ActionInput, author: string): Promise<ActionView> {
    const checked = await this.checkFor(planId, input);
    const now = new Date().toISOString();
    const id = await inTransaction(this.dataSource, async (em) => {
      await this.bump(em, planId, author, ['draft']);
      const last = await em
        .getRepository(PlanAction)
        .createQueryBuilder('a')
        .select('MAX(a.position)', 'max')
        .where('a.planId = :planId', { planId })
        .getRawOne<{ max: number | string | null }>();
      const plan = await em.getRepository(ActionPlan).findOneByOrFail({ id: planId });
      const action = await em.getRepository(PlanAction).save(
        em.getRepository(PlanAction).create({
          ...actionColumns(checked),
          planId,
          position: Number(last?.max ?? 0) + 1,
          copiedFromActionId: null,
          createdAt: now,
          createdBy: author,
          updatedAt: now,
          updatedBy: author,
          version: 1,
          isDemo: plan.isDemo,
        }),
      );
      await this.writeChildren(em, action.id, checked);
      await this.saveState(em, planId, author, `action ajoutée : ${checked.title}`, now);
      return action.id;
    });
    const view = await this.action(planId, id);
    await this.record({
      action: 'création',
      objectType: OBJECT_ACTION,
      objectId: String(id),
      after: actionFacts(view),
      summary: `plan ${planId} : ${view.title}`,
    });
    return view;
  }

  /** Replaces an action (all its fields); `version` is the one read: stale, nothing is written (409). */
  async updateAction(
    planId: number,
    actionId: number,
    input: ActionInput,
    version: number,
    author: string,
  ): Promise<ActionView> {
    const checked = await this.checkFor(planId, input);
    const before = await this.action(planId, actionId);
    try {
      await inTransaction(this.dataSource, async (em) => {
        await this.bump(em, planId, author, ['draft']);
        const result = await em
          .createQueryBuilder()
          .update(PlanAction)
          .set({
            ...actionColumns(checked),
            updatedAt: new Date().toISOString(),
            updatedBy: author,
            version: () => 'version + 1',
          })
          .where('id = :actionId AND plan_id = :planId AND version = :version', { actionId, planId, version })
          .execute();
        if (!result.affected) {
          if (!(await em.getRepository(PlanAction).exists({ where: { id: actionId, planId } })))
            throw DomainError.notFound(`Action introuvable (n° ${actionId}) dans ce plan.`);
          throw new StaleVersion();
        }
        await em.getRepository(PlanActionObjective).delete({ actionId });
        await em.getRepository(PlanActionIndicator).delete({ actionId });
        await em.getRepository(PlanActionBudget).delete({ actionId });
        await this.writeChildren(em, actionId, checked);
        await this.saveState(em, planId, author, `action modifiée : ${checked.title}`);
      });
    } catch (e) {
      if (e instanceof StaleVersion)
        throw new EditConflictError<ActionView, ActionDraft>(
          "Cette action a été modifiée par quelqu'un d'autre pendant que vous l'éditiez : rien n'a été écrasé. Comparez les deux versions.",
          await this.action(planId, actionId),
          { ...checked, version },
        );
      throw e;
    }
    const after = await this.action(planId, actionId);
    await this.record({
      action: 'modification',
      objectType: OBJECT_ACTION,
      objectId: String(actionId),
      before: actionFacts(before),
      after: actionFacts(after),
      summary: `plan ${planId} : ${after.title}`,
    });
    return after;
  }

  async deleteAction(
    planId: number,
    actionId: number,
    version: number | undefined,
    author: string,
  ): Promise<void> {
    const before = await this.action(planId, actionId);
    try {
      await inTransaction(this.dataSource, async (em) => {
        await this.bump(em, planId, author, ['draft']);
        const qb = em
          .createQueryBuilder()
          .delete()
          .from(PlanAction)
          .where('id = :actionId AND plan_id = :planId', { actionId, planId });
        if (version !== undefined) qb.andWhere('version = :version', { version });
        const result = await qb.execute();
        if (!result.affected) {
          if (!(await em.getRepository(PlanAction).exists({ where: { id: actionId, planId } })))
            throw DomainError.notFound(`Action introuvable (n° ${actionId}) dans ce plan.`);
          throw new StaleVersion();
        }
        await this.saveState(em, planId, author, `action supprimée : ${before.title}`);
      });
    } catch (e) {
      if (e instanceof StaleVersion)
        throw new EditConflictError(
          "Cette action a été modifiée par quelqu'un d'autre depuis que vous l'avez ouverte : elle n'a pas été supprimée.",
          await this.action(planId, actionId),
          { version },
        );
      throw e;
    }
    await this.record({
      action: 'suppression',
      objectType: OBJECT_ACTION,
      objectId: String(actionId),
      before: actionFacts(before),
      summary: `plan ${planId} : ${before.title}`,
    });
  }

  /**
   * A dated follow-up note. Unlike the rest of the content, notes may be added until the plan is closed: they record
   * how the agreed actions go, they do not change what the CDIAE agreed to.
   */
  async addNote(
    planId: number,
    actionId: number,
    input: { date?: string | null; text?: string },
    author: string,
  ): Promise<ActionView> {
    const issues: FieldIssue[] = [];
    const date = input.date || todayInParis();
    if (!isIsoDate(date)) issues.push({ field: 'date', message: 'date invalide (attendu AAAA-MM-JJ)' });
    const text = typeof input.text === 'string' ? input.text.trim() : '';
    if (!text) issues.push({ field: 'text', message: 'texte de la note obligatoire' });
    else if (text.length > LIMITS.note)
      issues.push({ field: 'text', message: `${LIMITS.note} caractères au plus` });
    if (issues.length) throw DomainError.validation(issues, "La note n'a pas été enregistrée.");
    const action = await this.action(planId, actionId);
    const now = new Date().toISOString();
    const noteId = await inTransaction(this.dataSource, async (em) => {
      await this.bump(em, planId, author, ['draft', 'submitted', 'validated']);
      const note = await em.getRepository(PlanActionNote).save(
        em.getRepository(PlanActionNote).create({
          actionId,
          noteDate: date,
          text,
          author,
          createdAt: now,
          isDemo: false,
        }),
      );
      await this.saveState(em, planId, author, `note ajoutée : ${action.title}`, now);
      return note.id;
    });
    await this.record({
      action: 'note ajoutée',
      objectType: OBJECT_ACTION,
      objectId: String(actionId),
      after: { noteId, date, text },
      summary: `plan ${planId} : ${action.title}`,
    });
    return this.action(planId, actionId);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Files

  async exportXlsx(planId: number): Promise<{ data: Buffer; filename: string }> {
    const plan = await this.get(planId);
    return { data: await writePlanWorkbook(plan, todayInParis()), filename: `${fileStem(plan)}.xlsx` };
  }

  /** One row per action; budgets summed over lines. Cells neutralised against formula injection (toCsv). */
  async exportCsv(planId: number): Promise<{ text: string; filename: string }> {
    const plan = await this.get(planId);
    const amount = (v: number) => formatNumberFr(v, Number.isInteger(v) ? 0 : 2).replace(/\s/g, '');
    const rows: string[][] = [
      [
        'Intitulé',
        'Description',
        'Objectifs',
        'Pilote (structure)',
        'Pilote (personne)',
        'Partenaires',
        'Début',
        'Fin prévue',
        'Fin réelle',
        'Statut',
        'En retard',
        'Avancement (%)',
        'Indicateurs',
        'Budget prévisionnel (€)',
        'Budget réalisé (€)',
        'Financeurs',
      ],
      ...plan.actions.map((a) => [
        a.title,
        a.description ?? '',
        a.objectives.map((o) => o.number).join('; '),
        a.pilotOrganisation ?? '',
        a.pilotPerson ?? '',
        a.partners.join('; '),
        frenchDate(a.startDate),
        frenchDate(a.dueDate),
        frenchDate(a.endDate),
        ACTION_STATUS_LABELS[a.status],
        a.late ? 'oui' : 'non',
        String(a.progress),
        a.indicators.join('; '),
        amount(a.budgets.reduce((s, b) => s + (b.planned ?? 0), 0)),
        amount(a.budgets.reduce((s, b) => s + (b.actual ?? 0), 0)),
        [...new Set(a.budgets.map((b) => b.funder))].join('; '),
      ]),
    ];
    return { text: toCsv(rows), filename: `${fileStem(plan)}.csv` };
  }

  /**
   * Replaces a draft's actions by those of an XLSX file, after checking the WHOLE file: one bad cell and nothing is
   * written, every rejected cell is listed. Actions are recognised by their intitulé: a known one is updated (its
   * notes kept), a new one created, one absent from the file deleted (the previous saved state keeps it).
   */
  async importXlsx(
    planId: number,
    data: Buffer,
    fileName: string,
    author: string,
  ): Promise<{ plan: PlanView; created: number; updated: number; deleted: number }> {
    const plan = await this.header(this.dataSource.manager, planId);
    if (plan.status !== 'draft') throw statusError(plan.status, ['draft']);
    if (data.length > MAX_IMPORT_BYTES)
      throw DomainError.validation([
        {
          field: 'fichier',
          message: `fichier trop volumineux (${MAX_IMPORT_BYTES / 1024 / 1024} Mo au plus)`,
        },
      ]);
    const objectives = await this.objectives(this.dataSource.manager, plan.strategyId);
    const rules = {
      ...(await this.rules(plan.strategyId)),
      objectivesByNumber: new Map([...objectives.values()].map((o) => [o.number, o.id])),
      strategyCode: plan.strategy!.code,
    };
    const { actions, rejections } = checkImport(await readPlanWorkbook(data), rules);
    if (rejections.length) throw new ImportRejectedError(rejections);

    const before = await this.get(planId);
    const now = new Date().toISOString();
    const counts = { created: 0, updated: 0, deleted: 0 };
    await inTransaction(this.dataSource, async (em) => {
      await this.bump(em, planId, author, ['draft']);
      const existing = await em.getRepository(PlanAction).find({ where: { planId } });
      const byTitle = new Map(existing.map((a) => [a.title, a]));
      const kept = new Set<number>();
      for (const [i, checked] of actions.entries()) {
        const found = byTitle.get(checked.title);
        let actionId: number;
        if (found && !kept.has(found.id)) {
          await em
            .createQueryBuilder()
            .update(PlanAction)
            .set({
              ...actionColumns(checked),
              position: i + 1,
              updatedAt: now,
              updatedBy: author,
              version: () => 'version + 1',
            })
            .where('id = :id', { id: found.id })
            .execute();
          await em.getRepository(PlanActionObjective).delete({ actionId: found.id });
          await em.getRepository(PlanActionIndicator).delete({ actionId: found.id });
          await em.getRepository(PlanActionBudget).delete({ actionId: found.id });
          actionId = found.id;
          counts.updated += 1;
        } else {
          const created = await em.getRepository(PlanAction).save(
            em.getRepository(PlanAction).create({
              ...actionColumns(checked),
              planId,
              position: i + 1,
              copiedFromActionId: null,
              createdAt: now,
              createdBy: author,
              updatedAt: now,
              updatedBy: author,
              version: 1,
              isDemo: plan.isDemo,
            }),
          );
          actionId = created.id;
          counts.created += 1;
        }
        kept.add(actionId);
        await this.writeChildren(em, actionId, checked);
      }
      const gone = existing.filter((a) => !kept.has(a.id)).map((a) => a.id);
      if (gone.length) await em.getRepository(PlanAction).delete({ id: In(gone) });
      counts.deleted = gone.length;
      await this.saveState(
        em,
        planId,
        author,
        `import du fichier « ${fileName.slice(0, 150)} » (${counts.created} créées, ${counts.updated} mises à jour, ${counts.deleted} supprimées)`,
        now,
      );
    });
    const after = await this.get(planId);
    await this.record({
      action: 'import XLSX',
      objectType: OBJECT_PLAN,
      objectId: String(planId),
      before: { actions: before.actions.map((a) => a.title) },
      after: { actions: after.actions.map((a) => a.title), ...counts },
      summary: `${planLabel(after)} — fichier ${fileName.slice(0, 150)}`,
    });
    return { plan: after, ...counts };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Demo data (used by PlanDemoLoader only)

  /** Writes a whole plan at once, marked as demonstration data, with one saved state per workflow step. */
  async insertDemoPlan(plan: {
    department: string;
    strategyId: number;
    year: number;
    summary: string;
    status: PlanStatus;
    avisDate: string | null;
    actions: (CheckedAction & { notes: { date: string; text: string; author: string }[] })[];
    at: string;
  }): Promise<number | null> {
    const exists = await this.dataSource.getRepository(ActionPlan).exists({
      where: { departmentCode: plan.department, strategyId: plan.strategyId, year: plan.year },
    });
    if (exists) return null;
    const author = 'démonstration';
    return inTransaction(this.dataSource, async (em) => {
      const saved = await em.getRepository(ActionPlan).save(
        em.getRepository(ActionPlan).create({
          departmentCode: plan.department,
          strategyId: plan.strategyId,
          year: plan.year,
          status: 'draft',
          summary: plan.summary,
          avisDate: null,
          avisComment: null,
          submittedAt: null,
          submittedBy: null,
          validatedAt: null,
          validatedBy: null,
          closedAt: null,
          closedBy: null,
          copiedFromPlanId: null,
          createdAt: plan.at,
          createdBy: author,
          updatedAt: plan.at,
          updatedBy: author,
          version: 1,
          revision: 1,
          isDemo: true,
        }),
      );
      for (const [i, a] of plan.actions.entries()) {
        const action = await em.getRepository(PlanAction).save(
          em.getRepository(PlanAction).create({
            ...actionColumns(a),
            planId: saved.id,
            position: i + 1,
            copiedFromActionId: null,
            createdAt: plan.at,
            createdBy: author,
            updatedAt: plan.at,
            updatedBy: author,
            version: 1,
            isDemo: true,
          }),
        );
        await this.writeChildren(em, action.id, a);
        for (const n of a.notes)
          await em.getRepository(PlanActionNote).insert({
            actionId: action.id,
            noteDate: n.date,
            text: n.text,
            author: n.author,
            createdAt: plan.at,
            isDemo: true,
          });
      }
      await this.saveState(em, saved.id, author, 'création du plan (démonstration)', plan.at, true);
      // The workflow steps happened at their own dates: submitted when written, validated on the day of the avis.
      const validatedAt = plan.avisDate ? `${plan.avisDate}T16:00:00.000Z` : plan.at;
      const steps: { reason: string; at: string; set: Partial<ActionPlan> }[] = [];
      if (plan.status !== 'draft')
        steps.push({
          reason: 'soumission au CDIAE',
          at: plan.at,
          set: { status: 'submitted', submittedAt: plan.at, submittedBy: author },
        });
      if (plan.status === 'validated' || plan.status === 'closed')
        steps.push({
          reason: 'avis du CDIAE (plan validé)',
          at: validatedAt,
          set: {
            status: 'validated',
            avisDate: plan.avisDate,
            avisComment: 'Avis favorable du CDIAE (démonstration).',
            validatedAt,
            validatedBy: author,
          },
        });
      if (plan.status === 'closed')
        steps.push({
          reason: 'clôture',
          at: validatedAt,
          set: { status: 'closed', closedAt: validatedAt, closedBy: author },
        });
      for (const step of steps) {
        await em
          .createQueryBuilder()
          .update(ActionPlan)
          .set({
            ...step.set,
            updatedAt: step.at,
            version: () => 'version + 1',
            revision: () => 'revision + 1',
          })
          .where('id = :id', { id: saved.id })
          .execute();
        await this.saveState(em, saved.id, author, `${step.reason} (démonstration)`, step.at, true);
      }
      return saved.id;
    });
  }

  // -------------------------------------------------------------------------------------------------------------
  // Internals

  private async header(em: EntityManager, planId: number): Promise<ActionPlan> {
    const plan = await em
      .getRepository(ActionPlan)
      .findOne({ where: { id: planId }, relations: { strategy: true, department: true } });
    if (!plan) throw DomainError.notFound(`Plan d'actions introuvable (n° ${planId}).`);
    return plan;
  }

  /** Starts every write: the plan must be in one of these statuses; its revision is bumped (and row locked). */
  private async bump(
    em: EntityManager,
    planId: number,
    author: string,
    statuses: PlanStatus[],
  ): Promise<void> {
    const result = await em
      .createQueryBuilder()
      .update(ActionPlan)
      .set({ revision: () => 'revision + 1', updatedAt: new Date().toISOString(), updatedBy: author })
      .where('id = :planId', { planId })
      .andWhere('status IN (:...statuses)', { statuses })
      .execute();
    if (result.affected) return;
    const plan = await this.header(em, planId);
    throw statusError(plan.status, statuses);
  }

  private async saveState(
    em: EntityManager,
    planId: number,
    author: string,
    reason: string,
    now = new Date().toISOString(),
    demo = false,
  ): Promise<void> {
    const view = await this.loadView(em, planId);
    await em.getRepository(ActionPlanVersion).insert({
      planId,
      number: view.revision,
      snapshot: JSON.stringify(snapshotOf(view)),
      author,
      createdAt: now,
      reason: reason.slice(0, 300),
      isDemo: demo,
    });
  }

  private async writeChildren(
    em: EntityManager,
    actionId: number,
    a: Pick<CheckedAction, 'objectiveIds' | 'indicators' | 'budgets'>,
  ): Promise<void> {
    if (a.objectiveIds.length)
      await em
        .getRepository(PlanActionObjective)
        .insert(a.objectiveIds.map((objectiveId) => ({ actionId, objectiveId })));
    if (a.indicators.length)
      await em
        .getRepository(PlanActionIndicator)
        .insert(a.indicators.map((indicatorCode) => ({ actionId, indicatorCode })));
    if (a.budgets.length)
      await em.getRepository(PlanActionBudget).insert(a.budgets.map((b) => ({ actionId, ...b })));
  }

  private async checkFor(planId: number, input: ActionInput): Promise<CheckedAction> {
    const plan = await this.header(this.dataSource.manager, planId);
    if (plan.status !== 'draft') throw statusError(plan.status, ['draft']);
    const { value, issues } = checkAction(input, await this.rules(plan.strategyId));
    if (!value) throw DomainError.validation(issues, "L'action n'a pas été enregistrée.");
    return value;
  }

  /** What actions of a strategy's plans may link to. */
  async rules(strategyId: number): Promise<ActionRules> {
    const objectives = await this.objectives(this.dataSource.manager, strategyId);
    return { objectiveIds: new Set(objectives.keys()), indicatorCodes: await this.indicatorCodes() };
  }

  /**
   * The indicator catalogue's codes, read from its table: this library may not import the indicators library
   * (see test/architecture.spec.ts), and a code list is all it needs.
   */
  async indicatorCodes(): Promise<Set<string>> {
    const rows: { code: string }[] = await this.dataSource.query('SELECT code FROM indicator');
    return new Set(rows.map((r) => r.code));
  }

  private async objectives(em: EntityManager, strategyId: number): Promise<Map<number, ObjectiveRef>> {
    const rows = await em
      .getRepository(Objective)
      .createQueryBuilder('o')
      .innerJoinAndSelect('o.axis', 'a')
      .where('a.strategyId = :strategyId', { strategyId })
      .getMany();
    return new Map(
      rows.map((o) => [
        o.id,
        { id: o.id, number: o.number, title: o.title, axisNumber: o.axis!.number, axisTitle: o.axis!.title },
      ]),
    );
  }

  private async loadView(em: EntityManager, planId: number): Promise<PlanView> {
    const plan = await this.header(em, planId);
    const objectives = await this.objectives(em, plan.strategyId);
    const actions = await em.getRepository(PlanAction).find({
      where: { planId },
      relations: { objectiveLinks: true, indicatorLinks: true, budgets: true, notes: true },
      order: { position: 'ASC', id: 'ASC' },
    });
    const today = todayInParis();
    return {
      ...headerOf(plan),
      actions: actions.map((a) => ({
        id: a.id,
        planId: a.planId,
        position: a.position,
        title: a.title,
        description: a.description,
        pilotOrganisation: a.pilotOrganisation,
        pilotPerson: a.pilotPerson,
        partners: a.partners,
        startDate: a.startDate,
        dueDate: a.dueDate,
        endDate: a.endDate,
        status: a.status,
        statusLabel: ACTION_STATUS_LABELS[a.status],
        late: isLate(a, today),
        progress: a.progress,
        objectives: (a.objectiveLinks ?? [])
          .map((l) => objectives.get(l.objectiveId))
          .filter((o): o is ObjectiveRef => o !== undefined)
          .sort(byObjective),
        indicators: (a.indicatorLinks ?? []).map((l) => l.indicatorCode).sort(),
        budgets: (a.budgets ?? [])
          .map((b) => ({ year: b.year, funder: b.funder, planned: b.planned, actual: b.actual }))
          .sort((x, y) => x.year - y.year || x.funder.localeCompare(y.funder, 'fr')),
        notes: (a.notes ?? [])
          .sort((x, y) => x.noteDate.localeCompare(y.noteDate) || x.id - y.id)
          .map((n) => ({
            id: n.id,
            date: n.noteDate,
            author: n.author,
            text: n.text,
            createdAt: n.createdAt,
          })),
        copiedFromActionId: a.copiedFromActionId,
        version: a.version,
        createdAt: a.createdAt,
        createdBy: a.createdBy,
        updatedAt: a.updatedAt,
        updatedBy: a.updatedBy,
        demo: Boolean(a.isDemo),
      })),
    };
  }

  private async record(entry: AuditRecord): Promise<void> {
    await this.audit?.record(entry);
  }
}

// ---------------------------------------------------------------------------------------------------------------

export function compareObjectiveNumbers(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function byObjective(a: ObjectiveRef, b: ObjectiveRef): number {
  return a.axisNumber - b.axisNumber || compareObjectiveNumbers(a.number, b.number);
}

function actionColumns(a: CheckedAction) {
  return {
    title: a.title,
    description: a.description,
    pilotOrganisation: a.pilotOrganisation,
    pilotPerson: a.pilotPerson,
    partners: a.partners,
    startDate: a.startDate,
    dueDate: a.dueDate,
    endDate: a.endDate,
    status: a.status,
    progress: a.progress,
  };
}

function headerOf(p: ActionPlan): PlanHeader {
  const dept = p.department as Territory;
  const strategy = p.strategy as Strategy;
  return {
    id: p.id,
    department: { code: p.departmentCode, name: dept?.name ?? p.departmentCode },
    strategy: {
      code: strategy.code,
      title: strategy.title,
      startYear: strategy.startYear,
      endYear: strategy.endYear,
    },
    year: p.year,
    status: p.status,
    statusLabel: PLAN_STATUS_LABELS[p.status],
    summary: p.summary,
    avis: p.avisDate
      ? { date: p.avisDate, comment: p.avisComment, recordedBy: p.validatedBy, recordedAt: p.validatedAt }
      : null,
    submittedAt: p.submittedAt,
    submittedBy: p.submittedBy,
    closedAt: p.closedAt,
    closedBy: p.closedBy,
    copiedFromPlanId: p.copiedFromPlanId,
    revision: p.revision,
    version: p.version,
    createdAt: p.createdAt,
    createdBy: p.createdBy,
    updatedAt: p.updatedAt,
    updatedBy: p.updatedBy,
    demo: Boolean(p.isDemo),
  };
}

function headerFacts(p: PlanView): PlanHeader {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { actions, ...header } = p;
  return header;
}

function planFacts(p: PlanHeader) {
  return {
    status: p.status,
    avisDate: p.avis?.date ?? null,
    avisComment: p.avis?.comment ?? null,
    version: p.version,
  };
}

function actionFacts(a: ActionView) {
  return {
    title: a.title,
    description: a.description,
    pilotOrganisation: a.pilotOrganisation,
    pilotPerson: a.pilotPerson,
    partners: a.partners,
    startDate: a.startDate,
    dueDate: a.dueDate,
    endDate: a.endDate,
    status: a.status,
    progress: a.progress,
    objectives: a.objectives.map((o) => o.number),
    indicators: a.indicators,
    budgets: a.budgets,
    version: a.version,
  };
}

function planLabel(p: PlanHeader): string {
  return `${p.department.name} (${p.department.code}) — ${p.strategy.code} — ${p.year}`;
}

function fileStem(p: PlanHeader): string {
  return `plan-actions-${p.department.code}-${p.strategy.code}-${p.year}`;
}

function metaOf(v: Pick<ActionPlanVersion, 'number' | 'author' | 'createdAt' | 'reason'>): VersionMeta {
  return { number: v.number, author: v.author, createdAt: v.createdAt, reason: v.reason };
}

function statusError(status: PlanStatus, allowed: PlanStatus[]): DomainError {
  if (allowed.length === 1 && allowed[0] === 'draft')
    return unprocessable(
      `Ce plan est ${PLAN_STATUS_LABELS[status]} : seul un plan en brouillon peut être modifié.`,
    );
  return unprocessable(
    `Ce plan est ${PLAN_STATUS_LABELS[status]} : cette étape demande un plan ${allowed.map((s) => PLAN_STATUS_LABELS[s]).join(' ou ')}.`,
  );
}

function isInside(code: string, ancestor: string, all: Map<string, { parentCode: string | null }>): boolean {
  let current: string | null | undefined = code;
  for (let depth = 0; current && depth < 6; depth++) {
    if (current === ancestor) return true;
    current = all.get(current)?.parentCode;
  }
  return false;
}

function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; message?: string; driverError?: { code?: string } };
  return (
    err?.code === '23505' ||
    err?.driverError?.code === '23505' ||
    /UNIQUE constraint failed/.test(err?.message ?? '')
  );
}
