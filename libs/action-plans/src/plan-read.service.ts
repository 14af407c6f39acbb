import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { Strategy } from '@cap-iae/strategy';
import { TerritoriesService } from '@cap-iae/territories';
import { DomainError } from '@cap-iae/shared';
import { ActionPlan } from './entities';
import {
  ACTION_STATUS_LABELS,
  ACTION_STATUSES,
  ActionStatus,
  PLAN_STATUS_LABELS,
  PlanStatus,
  todayInParis,
} from './plan-model';
import { PlansService } from './plans.service';
import type { ActionView, ObjectiveRef, PlanView } from './views';

/** Number of actions per status, every status present (0 when none). */
export type StatusCounts = Record<ActionStatus, number>;

function emptyCounts(): StatusCounts {
  return { planned: 0, in_progress: 0, done: 0, suspended: 0, abandoned: 0 };
}

/** Where a département's plan stands, as the region sees it. */
export interface PlanStanding {
  id: number;
  status: PlanStatus;
  statusLabel: string;
  /** Date of the CDIAE's avis, once validated. */
  avisDate: string | null;
}

/**
 * Regional roll-up for the COR-IAE (`regionalRollup`): one strategy, one year, every département of the région.
 *
 * Only plans that left the draft stage (submitted, validated, closed) are counted: a draft is the département's
 * working copy, which the région's readers may not read. For a département whose plan is a draft or missing, `plan`
 * says so and its counts are empty (`counted: false`); its objectives are then all reported uncovered.
 * An action linked to several objectives counts under each of them; département totals count it once.
 */
export interface RegionalRollupView {
  region: { code: string; name: string };
  strategy: { code: string; title: string; startYear: number; endYear: number };
  year: number;
  /** Computed on this day (Europe/Paris): « en retard » depends on it. */
  asOf: string;
  statuses: { status: ActionStatus; label: string }[];
  departments: {
    code: string;
    name: string;
    plan: PlanStanding | null;
    counted: boolean;
    actions: number;
    byStatus: StatusCounts;
    late: number;
    /** Numbers of the strategy's objectives no counted action of this département serves. */
    uncoveredObjectives: string[];
  }[];
  objectives: {
    id: number;
    number: string;
    title: string;
    axisNumber: number;
    axisTitle: string;
    /** One cell per département, in the order of `departments`. */
    cells: { department: string; actions: number; byStatus: StatusCounts; late: number; covered: boolean }[];
    actions: number;
    late: number;
    /** Départements (codes) whose counted plan serves this objective with no action, or that have no counted plan. */
    uncoveredBy: string[];
  }[];
  totals: {
    plans: Record<PlanStatus | 'none', number>;
    actions: number;
    byStatus: StatusCounts;
    late: number;
  };
}

/**
 * One département's plan for one strategy and year, as the bilan CDIAE reports it (`planSummary`). `plan` is null
 * when there is none; a draft is summarised only when asked (`includeDraft`), since its content is not agreed yet:
 * otherwise `counted` is false and only its status is given. The caller checks the reader's rights.
 */
export interface PlanSummaryView {
  department: { code: string; name: string };
  strategy: { code: string; title: string };
  year: number;
  asOf: string;
  plan: (PlanStanding & { summary: string | null; revision: number }) | null;
  counted: boolean;
  actions: { total: number; byStatus: StatusCounts; late: number; averageProgress: number | null };
  /** Every objective of the strategy, in order, with the actions serving it. */
  objectives: {
    number: string;
    title: string;
    axisNumber: number;
    axisTitle: string;
    covered: boolean;
    actions: {
      id: number;
      title: string;
      status: ActionStatus;
      statusLabel: string;
      late: boolean;
      progress: number;
      pilot: string;
      dueDate: string | null;
    }[];
  }[];
  uncoveredObjectives: string[];
  lateActions: { id: number; title: string; dueDate: string | null; pilot: string; statusLabel: string }[];
  /** Euros, summed over the actions' budget lines. */
  budget: {
    byYear: { year: number; planned: number; actual: number }[];
    byFunder: { funder: string; planned: number; actual: number }[];
    planned: number;
    actual: number;
  };
}

/** Read models over the plans for the COR-IAE roll-up, the bilans and the pages. */
@Injectable()
export class PlanReadService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly territories: TerritoriesService,
    private readonly plans: PlansService,
  ) {}

  /** The strategy by code, or when none is given the latest one adopted for this territory (or its région). */
  async resolveStrategy(code: string | undefined, territory: string): Promise<Strategy> {
    const repo = this.dataSource.getRepository(Strategy);
    if (code) {
      const found = await repo.findOne({ where: { code } });
      if (!found)
        throw DomainError.validation([{ field: 'strategy', message: `stratégie inconnue « ${code} »` }]);
      return found;
    }
    const all = await this.territories.all();
    const chain: string[] = [];
    for (let c: string | null | undefined = territory; c; c = all.get(c)?.parentCode) chain.push(c);
    const candidates = await repo.find({ where: { territoryCode: In(chain) }, order: { startYear: 'DESC' } });
    if (!candidates.length) throw DomainError.notFound('Aucune stratégie pour ce territoire.');
    return candidates[0];
  }

  /** The year asked, or this year brought into the strategy's years. */
  defaultYear(strategy: Strategy, year?: number): number {
    if (year !== undefined) {
      if (year < strategy.startYear || year > strategy.endYear)
        throw DomainError.validation([
          {
            field: 'year',
            message: `la stratégie ${strategy.code} couvre ${strategy.startYear} à ${strategy.endYear}`,
          },
        ]);
      return year;
    }
    const now = Number(todayInParis().slice(0, 4));
    return Math.min(Math.max(now, strategy.startYear), strategy.endYear);
  }

  async regionalRollup(region: string, strategyCode?: string, year?: number): Promise<RegionalRollupView> {
    const territory = (await this.territories.all()).get(region);
    if (!territory || territory.level !== 'region')
      throw DomainError.validation([{ field: 'region', message: 'région attendue (ex. REG-11)' }]);
    const strategy = await this.resolveStrategy(strategyCode, region);
    const y = this.defaultYear(strategy, year);
    const departments = (await this.territories.children(region))
      .filter((t) => t.level === 'department')
      .sort((a, b) => a.code.localeCompare(b.code));
    const plans = await this.dataSource.getRepository(ActionPlan).find({
      where: { strategyId: strategy.id, year: y, departmentCode: In(departments.map((d) => d.code)) },
      select: { id: true, departmentCode: true, status: true, avisDate: true },
    });
    const views = new Map<string, PlanView>();
    for (const p of plans) if (p.status !== 'draft') views.set(p.departmentCode, await this.plans.get(p.id));
    const objectives = await this.objectiveList(strategy.id);
    const today = todayInParis();

    const totals = {
      plans: { draft: 0, submitted: 0, validated: 0, closed: 0, none: 0 } as Record<
        PlanStatus | 'none',
        number
      >,
      actions: 0,
      byStatus: emptyCounts(),
      late: 0,
    };
    const deptRows = departments.map((d) => {
      const plan = plans.find((p) => p.departmentCode === d.code);
      totals.plans[plan?.status ?? 'none'] += 1;
      const view = views.get(d.code);
      const actions = view?.actions ?? [];
      const byStatus = emptyCounts();
      for (const a of actions) byStatus[a.status] += 1;
      const covered = new Set(actions.flatMap((a) => a.objectives.map((o) => o.id)));
      const late = actions.filter((a) => a.late).length;
      totals.actions += actions.length;
      totals.late += late;
      for (const s of ACTION_STATUSES) totals.byStatus[s] += byStatus[s];
      return {
        code: d.code,
        name: d.name,
        plan: plan
          ? {
              id: plan.id,
              status: plan.status,
              statusLabel: PLAN_STATUS_LABELS[plan.status],
              avisDate: plan.avisDate,
            }
          : null,
        counted: view !== undefined,
        actions: actions.length,
        byStatus,
        late,
        uncoveredObjectives: objectives.filter((o) => !covered.has(o.id)).map((o) => o.number),
      };
    });

    return {
      region: { code: territory.code, name: territory.name },
      strategy: {
        code: strategy.code,
        title: strategy.title,
        startYear: strategy.startYear,
        endYear: strategy.endYear,
      },
      year: y,
      asOf: today,
      statuses: ACTION_STATUSES.map((s) => ({ status: s, label: ACTION_STATUS_LABELS[s] })),
      departments: deptRows,
      objectives: objectives.map((o) => {
        const cells = departments.map((d) => {
          const serving = (views.get(d.code)?.actions ?? []).filter((a) =>
            a.objectives.some((x) => x.id === o.id),
          );
          const byStatus = emptyCounts();
          for (const a of serving) byStatus[a.status] += 1;
          return {
            department: d.code,
            actions: serving.length,
            byStatus,
            late: serving.filter((a) => a.late).length,
            covered: serving.length > 0,
          };
        });
        return {
          ...o,
          cells,
          actions: cells.reduce((s, c) => s + c.actions, 0),
          late: cells.reduce((s, c) => s + c.late, 0),
          uncoveredBy: cells.filter((c) => !c.covered).map((c) => c.department),
        };
      }),
      totals,
    };
  }

  async planSummary(
    department: string,
    strategyCode: string,
    year: number,
    options: { includeDraft?: boolean } = {},
  ): Promise<PlanSummaryView> {
    const dept = (await this.territories.all()).get(department);
    if (!dept || dept.level !== 'department')
      throw DomainError.validation([{ field: 'department', message: 'département attendu (ex. DEP-93)' }]);
    const strategy = await this.resolveStrategy(strategyCode, department);
    const row = await this.dataSource.getRepository(ActionPlan).findOne({
      where: { departmentCode: department, strategyId: strategy.id, year },
      select: { id: true },
    });
    const view = row ? await this.plans.get(row.id) : null;
    const counted = view !== null && (view.status !== 'draft' || options.includeDraft === true);
    const actions: ActionView[] = counted ? view.actions : [];
    const objectives = await this.objectiveList(strategy.id);
    const byStatus = emptyCounts();
    for (const a of actions) byStatus[a.status] += 1;
    const byYear = new Map<number, { planned: number; actual: number }>();
    const byFunder = new Map<string, { planned: number; actual: number }>();
    for (const b of actions.flatMap((a) => a.budgets)) {
      const y = byYear.get(b.year) ?? { planned: 0, actual: 0 };
      const f = byFunder.get(b.funder) ?? { planned: 0, actual: 0 };
      y.planned += b.planned ?? 0;
      y.actual += b.actual ?? 0;
      f.planned += b.planned ?? 0;
      f.actual += b.actual ?? 0;
      byYear.set(b.year, y);
      byFunder.set(b.funder, f);
    }
    const objectiveRows = objectives.map((o) => {
      const serving = actions.filter((a) => a.objectives.some((x) => x.id === o.id));
      return {
        number: o.number,
        title: o.title,
        axisNumber: o.axisNumber,
        axisTitle: o.axisTitle,
        covered: serving.length > 0,
        actions: serving.map((a) => ({
          id: a.id,
          title: a.title,
          status: a.status,
          statusLabel: a.statusLabel,
          late: a.late,
          progress: a.progress,
          pilot: pilotOf(a),
          dueDate: a.dueDate,
        })),
      };
    });
    return {
      department: { code: dept.code, name: dept.name },
      strategy: { code: strategy.code, title: strategy.title },
      year,
      asOf: todayInParis(),
      plan: view
        ? {
            id: view.id,
            status: view.status,
            statusLabel: view.statusLabel,
            avisDate: view.avis?.date ?? null,
            summary: counted ? view.summary : null,
            revision: view.revision,
          }
        : null,
      counted,
      actions: {
        total: actions.length,
        byStatus,
        late: actions.filter((a) => a.late).length,
        averageProgress: actions.length
          ? Math.round(actions.reduce((s, a) => s + a.progress, 0) / actions.length)
          : null,
      },
      objectives: objectiveRows,
      uncoveredObjectives: objectiveRows.filter((o) => !o.covered).map((o) => o.number),
      lateActions: actions
        .filter((a) => a.late)
        .map((a) => ({
          id: a.id,
          title: a.title,
          dueDate: a.dueDate,
          pilot: pilotOf(a),
          statusLabel: a.statusLabel,
        })),
      budget: {
        byYear: [...byYear.entries()].sort((a, b) => a[0] - b[0]).map(([y, v]) => ({ year: y, ...v })),
        byFunder: [...byFunder.entries()]
          .sort((a, b) => a[0].localeCompare(b[0], 'fr'))
          .map(([funder, v]) => ({ funder, ...v })),
        planned: [...byYear.values()].reduce((s, v) => s + v.planned, 0),
        actual: [...byYear.values()].reduce((s, v) => s + v.actual, 0),
      },
    };
  }

  private async objectiveList(strategyId: number): Promise<ObjectiveRef[]> {
    return this.plans.strategyObjectives(strategyId);
  }
}

function pilotOf(a: Pick<ActionView, 'pilotOrganisation' | 'pilotPerson'>): string {
  return [a.pilotOrganisation, a.pilotPerson].filter(Boolean).join(' — ');
}
