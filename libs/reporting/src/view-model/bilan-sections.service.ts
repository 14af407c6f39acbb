import { Injectable } from '@nestjs/common';
import { ACTION_STATUS_LABELS, ACTION_STATUSES, PlanReadService } from '@cap-iae/action-plans';
import { ConferenceService } from '@cap-iae/funding';
import { GovernanceReadService } from '@cap-iae/governance';
import { formatDateFr, formatEuroFr, formatNumberFr, formatPercentFr, isDomainError } from '@cap-iae/shared';
import type { ActionPlanData, FundingData, GovernanceData, SectionData } from './bilan-view-model';
import type { BilanTarget } from './bilan-request';

export interface BilanSections {
  actionPlans: SectionData<ActionPlanData>;
  governance: SectionData<GovernanceData>;
  funding: SectionData<FundingData>;
}

const dash = '—';
const euro = (v: number | null) => (v === null ? dash : formatEuroFr(v));
const pct = (v: number | null) => (v === null ? dash : formatPercentFr(v, 1));
const etp = (v: number | null) => (v === null ? dash : formatNumberFr(v, 1));
/** ISO day → « 15 mars 2021 » (noon UTC, so that the day is the same in Europe/Paris). */
const day = (iso: string | null) => (iso ? formatDateFr(new Date(`${iso.slice(0, 10)}T12:00:00Z`)) : dash);

/**
 * The sections of a bilan that other modules feed: the plans d'actions (libs/action-plans), the instances and their
 * decisions (libs/governance), the conférence des financeurs (libs/funding). Each is read through the service its
 * module offers for bilans; when it cannot answer for this bilan (no plan, a refused parameter), the section says
 * why instead of failing the whole bilan.
 */
@Injectable()
export class BilanSectionsService {
  constructor(
    private readonly plans: PlanReadService,
    private readonly governance: GovernanceReadService,
    private readonly conference: ConferenceService,
  ) {}

  async collect(target: BilanTarget): Promise<BilanSections> {
    return {
      actionPlans: await section(() => this.actionPlans(target)),
      governance: await section(() => this.instances(target)),
      funding: await section(() => this.funding(target)),
    };
  }

  private async actionPlans(target: BilanTarget): Promise<ActionPlanData> {
    if (target.kind === 'cor-iae') {
      const r = await this.plans.regionalRollup(target.region.code, target.strategy.code, target.year);
      return {
        statuses: r.statuses.map((s) => ({ status: s.status, label: s.label })),
        plans: r.departments.map((d) => ({
          territory: d.code,
          name: d.name,
          planStatusLabel: d.plan ? d.plan.statusLabel : 'aucun plan',
          counted: d.counted,
          actions: d.actions,
          byStatus: ACTION_STATUSES.map((s) => d.byStatus[s]),
          late: d.late,
          uncovered: d.uncoveredObjectives.join(', '),
        })),
        totals: {
          actions: r.totals.actions,
          byStatus: ACTION_STATUSES.map((s) => r.totals.byStatus[s]),
          late: r.totals.late,
          averageProgress: dash,
        },
        byObjective: r.objectives.map((o) => ({
          number: o.number,
          title: o.title,
          actions: o.actions,
          late: o.late,
          uncovered: o.uncoveredBy
            .map((c) => target.departments.find((d) => d.code === c)?.officialCode ?? c)
            .join(', '),
        })),
        actions: [],
        lateActions: [],
        summary: null,
        budget: null,
      };
    }
    const s = await this.plans.planSummary(target.territory.code, target.strategy.code, target.year);
    return {
      statuses: ACTION_STATUSES.map((status) => ({ status, label: ACTION_STATUS_LABELS[status] })),
      plans: [
        {
          territory: s.department.code,
          name: s.department.name,
          planStatusLabel: s.plan ? s.plan.statusLabel : 'aucun plan',
          counted: s.counted,
          actions: s.actions.total,
          byStatus: ACTION_STATUSES.map((st) => s.actions.byStatus[st]),
          late: s.actions.late,
          uncovered: s.uncoveredObjectives.join(', '),
        },
      ],
      totals: {
        actions: s.actions.total,
        byStatus: ACTION_STATUSES.map((st) => s.actions.byStatus[st]),
        late: s.actions.late,
        averageProgress:
          s.actions.averageProgress === null ? dash : formatPercentFr(s.actions.averageProgress),
      },
      byObjective: s.objectives.map((o) => ({
        number: o.number,
        title: o.title,
        actions: o.actions.length,
        late: o.actions.filter((a) => a.late).length,
        uncovered: o.covered ? '' : 'non couvert',
      })),
      actions: s.objectives.flatMap((o) =>
        o.actions.map((a) => ({
          objective: o.number,
          title: a.title,
          statusLabel: a.statusLabel,
          progress: formatPercentFr(a.progress),
          pilot: a.pilot || dash,
          due: day(a.dueDate),
          late: a.late,
        })),
      ),
      lateActions: s.lateActions.map((a) => ({
        title: a.title,
        territory: s.department.name,
        due: day(a.dueDate),
        pilot: a.pilot || dash,
        statusLabel: a.statusLabel,
      })),
      summary: s.plan?.summary ?? null,
      budget: s.counted ? { planned: euro(s.budget.planned), actual: euro(s.budget.actual) } : null,
    };
  }

  private async instances(target: BilanTarget): Promise<GovernanceData> {
    const code = target.territory.code;
    const meetings = await this.governance.meetingsFor(code, `${target.year}-01-01`, `${target.year}-12-31`, {
      statuses: ['held'],
    });
    const decisions = await this.governance.decisionsFor(code, target.year);
    const byType = new Map<string, number>();
    for (const m of meetings) byType.set(m.instance.typeLabel, (byType.get(m.instance.typeLabel) ?? 0) + 1);
    return {
      meetings: meetings.map((m) => ({
        dateLabel: m.dateLabel,
        instance: m.instance.name,
        instanceType: m.instance.typeLabel,
        territory: m.instance.territoryName,
        title: m.title,
        statusLabel: m.statusLabel,
        participants: m.participantCount,
        agenda: m.agenda.join(' ; '),
        decisions: m.decisionCount,
      })),
      decisions: decisions.map((d) => ({
        dateLabel: d.meeting.dateLabel,
        instance: d.instance.name,
        kindLabel: d.kindLabel,
        text: d.text,
        targets: d.targets.map((t) => `${t.typeLabel} : ${t.label}`).join(' ; '),
      })),
      byType: [...byType.entries()]
        .sort((a, b) => a[0].localeCompare(b[0], 'fr'))
        .map(([type, held]) => ({ type, held })),
      heldCount: meetings.length,
      decisionCount: decisions.length,
    };
  }

  private async funding(target: BilanTarget): Promise<FundingData> {
    if (target.kind === 'cor-iae') {
      const r = await this.conference.regionalSummary(target.region.code, target.year);
      return {
        totals: totals(r.totals),
        byFunderKind: r.byFunderKind.map((k) => ({
          label: k.label,
          committed: euro(k.committed),
          paid: euro(k.paid),
          share: pct(k.share),
          committedValue: k.committed,
        })),
        byFunder: [],
        byScheme: r.byScheme.map(scheme),
        perEtp: r.perEtp.map(perEtp),
        byDepartment: r.byDepartment.map((d) => ({
          name: d.name,
          current: d.current,
          total: d.total,
          committed: euro(d.committed),
          aidEtp: etp(d.aidEtp),
          aidPerEtp: euro(d.aidPerEtp),
          stateShare: pct(d.stateShare),
          councilShare: pct(d.councilShare),
        })),
        evolution: evolution(r.evolution),
        reference: `${r.reference.source} — ${r.reference.note}`,
      };
    }
    const c = await this.conference.conferenceSummary(target.territory.code, target.year);
    return {
      totals: totals(c.totals),
      byFunderKind: c.byFunderKind.map((k) => ({
        label: k.label,
        committed: euro(k.committed),
        paid: euro(k.paid),
        share: pct(k.share),
        committedValue: k.committed,
      })),
      byFunder: c.byFunder.map((f) => ({
        label: f.label,
        kindLabel: f.kindLabel,
        committed: euro(f.committed),
        paid: euro(f.paid),
        etp: etp(f.etp),
        share: pct(f.share),
      })),
      byScheme: c.byScheme.map(scheme),
      perEtp: c.perEtp.map(perEtp),
      byDepartment: c.comparison.map((d) => ({
        name: d.name,
        current: d.current,
        total: d.total,
        committed: euro(d.committed),
        aidEtp: etp(d.aidEtp),
        aidPerEtp: euro(d.aidPerEtp),
        stateShare: pct(d.stateShare),
        councilShare: pct(d.councilShare),
      })),
      evolution: evolution(c.evolution),
      reference: `${c.reference.source} — ${c.reference.note}`,
    };
  }
}

function totals(t: {
  committed: number;
  paid: number;
  paidRate: number | null;
  aidEtp: number;
  aidPerEtp: number | null;
  allPerEtp: number | null;
}): FundingData['totals'] {
  return {
    committed: euro(t.committed),
    paid: euro(t.paid),
    paidRate: pct(t.paidRate),
    aidEtp: etp(t.aidEtp),
    aidPerEtp: euro(t.aidPerEtp),
    allPerEtp: euro(t.allPerEtp),
  };
}

function scheme(s: { label: string; committed: number; paid: number; etp: number | null; share: number }) {
  return {
    label: s.label,
    committed: euro(s.committed),
    paid: euro(s.paid),
    etp: etp(s.etp),
    share: pct(s.share),
  };
}

function perEtp(p: {
  label: string;
  aidEtp: number;
  aidPerEtp: number | null;
  base: number | null;
  baseYear: number | null;
  gapPercent: number | null;
  allPerEtp: number | null;
}) {
  return {
    label: p.label,
    aidEtp: etp(p.aidEtp),
    aidPerEtp: euro(p.aidPerEtp),
    base: p.base === null ? dash : `${euro(p.base)}${p.baseYear ? ` (${p.baseYear})` : ''}`,
    gap:
      p.gapPercent === null
        ? dash
        : `${p.gapPercent > 0 ? '+' : p.gapPercent < 0 ? '−' : ''}${formatPercentFr(Math.abs(p.gapPercent), 1)}`,
    allPerEtp: euro(p.allPerEtp),
  };
}

function evolution(e: {
  years: number[];
  kinds: { label: string }[];
  rows: { year: number; committed: number; byKind: number[]; change: number | null }[];
}): FundingData['evolution'] {
  return {
    years: e.years,
    kinds: e.kinds.map((k) => k.label),
    rows: e.rows.map((r) => ({
      year: r.year,
      committed: euro(r.committed),
      byKind: r.byKind.map(euro),
      change:
        r.change === null
          ? dash
          : `${r.change > 0 ? '+' : r.change < 0 ? '−' : ''}${formatPercentFr(Math.abs(r.change), 1)}`,
      committedValue: r.committed,
      byKindValues: r.byKind,
    })),
  };
}

/** A section that cannot be produced for this bilan says why; a bug still fails the bilan, it is not hidden. */
async function section<T>(read: () => Promise<T>): Promise<SectionData<T>> {
  try {
    return { available: true, reason: null, data: await read() };
  } catch (e) {
    if (isDomainError(e) && ['NOT_FOUND', 'VALIDATION_FAILED', 'UNPROCESSABLE'].includes(e.code))
      return { available: false, reason: e.message, data: null };
    throw e;
  }
}
