import { formatEuroFr } from '@cap-iae/shared';
import {
  ACTION_STATUS_LABELS,
  ActionStatus,
  BudgetLine,
  frenchDate,
  PLAN_STATUS_LABELS,
  PlanStatus,
} from './plan-model';
import type { ActionView, PlanView, VersionMeta } from './views';

/**
 * One saved state of a plan, stored as JSON in `action_plan_version`. Objectives are kept by number (what people
 * read), so that an old version stays readable on its own.
 */
export interface PlanSnapshot {
  plan: {
    department: string;
    strategy: string;
    year: number;
    status: PlanStatus;
    summary: string | null;
    avisDate: string | null;
    avisComment: string | null;
  };
  actions: ActionSnapshot[];
}

export interface ActionSnapshot {
  id: number;
  position: number;
  title: string;
  description: string | null;
  pilotOrganisation: string | null;
  pilotPerson: string | null;
  partners: string[];
  startDate: string | null;
  dueDate: string | null;
  endDate: string | null;
  status: ActionStatus;
  progress: number;
  objectives: string[];
  indicators: string[];
  budgets: BudgetLine[];
  notes: { date: string; author: string; text: string }[];
}

export function snapshotOf(plan: PlanView): PlanSnapshot {
  return {
    plan: {
      department: plan.department.code,
      strategy: plan.strategy.code,
      year: plan.year,
      status: plan.status,
      summary: plan.summary,
      avisDate: plan.avis?.date ?? null,
      avisComment: plan.avis?.comment ?? null,
    },
    actions: plan.actions.map(actionSnapshotOf),
  };
}

export function actionSnapshotOf(a: ActionView): ActionSnapshot {
  return {
    id: a.id,
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
    progress: a.progress,
    objectives: a.objectives.map((o) => o.number),
    indicators: a.indicators,
    budgets: a.budgets,
    notes: a.notes.map((n) => ({ date: n.date, author: n.author, text: n.text })),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Diff

type PlanField = keyof PlanSnapshot['plan'];
export type ActionField = Exclude<keyof ActionSnapshot, 'id' | 'position'>;

export const PLAN_FIELD_LABELS: Partial<Record<PlanField, string>> = {
  status: 'Statut du plan',
  summary: 'Présentation',
  avisDate: "Date de l'avis du CDIAE",
  avisComment: "Commentaire de l'avis",
};

export const ACTION_FIELD_LABELS: Record<ActionField, string> = {
  title: 'Intitulé',
  description: 'Description',
  pilotOrganisation: 'Pilote (structure)',
  pilotPerson: 'Pilote (personne)',
  partners: 'Partenaires',
  startDate: 'Début',
  dueDate: 'Fin prévue',
  endDate: 'Fin réelle',
  status: 'Statut',
  progress: 'Avancement',
  objectives: 'Objectifs',
  indicators: 'Indicateurs',
  budgets: 'Budget',
  notes: 'Notes',
};

/** Who made a change, at which saved state. */
export interface ChangeAuthor {
  author: string;
  at: string;
  version: number;
}

export interface FieldChange {
  field: string;
  label: string;
  /** As people read it (French dates, labels, « ; »-separated lists); '' when empty. */
  before: string;
  after: string;
  changedBy: ChangeAuthor[];
}

export interface ActionChange {
  actionId: number;
  title: string;
  change: 'added' | 'removed' | 'modified';
  fields: FieldChange[];
  changedBy: ChangeAuthor[];
}

export interface PlanDiff {
  from: VersionMeta;
  to: VersionMeta;
  plan: FieldChange[];
  actions: ActionChange[];
  /** Actions present in both versions with no change. */
  unchanged: number;
}

export function budgetText(b: BudgetLine): string {
  const amount = (v: number | null) => (v === null ? '—' : formatEuroFr(v, Number.isInteger(v) ? 0 : 2));
  return `${b.year} · ${b.funder} : prévu ${amount(b.planned)}, réalisé ${amount(b.actual)}`;
}

function planFieldText(field: PlanField, s: PlanSnapshot['plan']): string {
  switch (field) {
    case 'status':
      return PLAN_STATUS_LABELS[s.status];
    case 'avisDate':
      return frenchDate(s.avisDate);
    case 'department':
    case 'strategy':
      return s[field];
    case 'year':
      return String(s.year);
    case 'summary':
    case 'avisComment':
      return s[field] ?? '';
  }
}

export function actionFieldText(field: ActionField, a: ActionSnapshot): string {
  switch (field) {
    case 'startDate':
    case 'dueDate':
    case 'endDate':
      return frenchDate(a[field]);
    case 'status':
      return ACTION_STATUS_LABELS[a.status];
    case 'progress':
      return `${a.progress} %`;
    case 'partners':
    case 'objectives':
    case 'indicators':
      return a[field].join(' ; ');
    case 'budgets':
      return a.budgets.map(budgetText).join(' | ');
    case 'notes':
      return a.notes.map((n) => `${frenchDate(n.date)} — ${n.author} : ${n.text}`).join(' | ');
    case 'title':
    case 'description':
    case 'pilotOrganisation':
    case 'pilotPerson':
      return a[field] ?? '';
  }
}

const ACTION_FIELDS = Object.keys(ACTION_FIELD_LABELS) as ActionField[];
const PLAN_FIELDS = Object.keys(PLAN_FIELD_LABELS) as PlanField[];

interface RawDiff {
  plan: { field: string; before: string; after: string }[];
  actions: {
    actionId: number;
    title: string;
    change: ActionChange['change'];
    fields: { field: string; before: string; after: string }[];
  }[];
  unchanged: number;
}

/** What differs between two saved states, field by field; actions are matched by their id. */
export function diffSnapshots(a: PlanSnapshot, b: PlanSnapshot): RawDiff {
  const plan = PLAN_FIELDS.map((field) => ({
    field,
    before: planFieldText(field, a.plan),
    after: planFieldText(field, b.plan),
  })).filter((c) => c.before !== c.after);
  const before = new Map(a.actions.map((x) => [x.id, x]));
  const after = new Map(b.actions.map((x) => [x.id, x]));
  const actions: RawDiff['actions'] = [];
  let unchanged = 0;
  for (const x of b.actions) {
    const old = before.get(x.id);
    const fields = ACTION_FIELDS.map((field) => ({
      field,
      before: old ? actionFieldText(field, old) : '',
      after: actionFieldText(field, x),
    })).filter((c) => c.before !== c.after);
    if (!old) actions.push({ actionId: x.id, title: x.title, change: 'added', fields });
    else if (fields.length) actions.push({ actionId: x.id, title: x.title, change: 'modified', fields });
    else unchanged += 1;
  }
  for (const x of a.actions) {
    if (after.has(x.id)) continue;
    const fields = ACTION_FIELDS.map((field) => ({
      field,
      before: actionFieldText(field, x),
      after: '',
    })).filter((c) => c.before !== '');
    actions.push({ actionId: x.id, title: x.title, change: 'removed', fields });
  }
  return { plan, actions, unchanged };
}

/**
 * Compares the first and the last of consecutive saved states, and says who changed each field: every step between
 * them is compared too, and the author of each step that touched a field is listed against it.
 */
export function diffVersions(versions: { meta: VersionMeta; snapshot: PlanSnapshot }[]): PlanDiff {
  if (versions.length === 0) throw new Error('diffVersions: at least one version');
  const first = versions[0];
  const last = versions[versions.length - 1];
  const who = new Map<string, ChangeAuthor[]>();
  const credit = (key: string, v: VersionMeta) => {
    const list = who.get(key) ?? [];
    if (!list.some((c) => c.version === v.number))
      list.push({ author: v.author, at: v.createdAt, version: v.number });
    who.set(key, list);
  };
  for (let i = 1; i < versions.length; i++) {
    const step = diffSnapshots(versions[i - 1].snapshot, versions[i].snapshot);
    const meta = versions[i].meta;
    for (const c of step.plan) credit(`plan:${c.field}`, meta);
    for (const a of step.actions) {
      credit(`action:${a.actionId}`, meta);
      for (const f of a.fields) credit(`action:${a.actionId}:${f.field}`, meta);
    }
  }
  const overall = diffSnapshots(first.snapshot, last.snapshot);
  return {
    from: first.meta,
    to: last.meta,
    plan: overall.plan.map((c) => ({
      ...c,
      label: PLAN_FIELD_LABELS[c.field as PlanField] ?? c.field,
      changedBy: who.get(`plan:${c.field}`) ?? [],
    })),
    actions: overall.actions.map((a) => ({
      ...a,
      changedBy: who.get(`action:${a.actionId}`) ?? [],
      fields: a.fields.map((f) => ({
        ...f,
        label: ACTION_FIELD_LABELS[f.field as ActionField],
        changedBy: who.get(`action:${a.actionId}:${f.field}`) ?? [],
      })),
    })),
    unchanged: overall.unchanged,
  };
}
