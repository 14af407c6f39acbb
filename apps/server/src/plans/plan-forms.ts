import {
  ACTION_FIELD_LABELS,
  ACTION_STATUS_LABELS,
  ACTION_STATUSES,
  ActionDraft,
  ActionField,
  ActionInput,
  actionFieldText,
  ActionSnapshot,
  actionSnapshotOf,
  ActionView,
  BudgetLine,
  ObjectiveRef,
} from '@cap-iae/action-plans';
import type { FieldIssue } from '@cap-iae/shared';

/** A urlencoded form: a field sent several times (checkboxes, table rows) arrives as a list. */
export type Form = Record<string, string | string[] | undefined>;

export function one(v: string | string[] | undefined): string {
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
}

export function many(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** French number as typed in a form: « 1 234,5 » → 1234.5; empty → null; anything else → NaN (refused later). */
export function frenchNumber(text: string): number | null {
  const t = text.trim();
  if (t === '') return null;
  if (!/^-?(\d{1,3}([ \u00a0\u202f]\d{3})+|\d+)([,.]\d+)?$/.test(t)) return Number.NaN;
  return Number(t.replace(/[ \u00a0\u202f]/g, '').replace(',', '.'));
}

export function numberForInput(v: number | null): string {
  return v === null ? '' : String(v).replace('.', ',');
}

export const BLANK_BUDGET_ROWS = 3;

/**
 * The action form, read back: budget rows are parallel lists (one entry per table row, blank rows skipped);
 * `budgetRowOf[i]` is the table row of `budgets[i]`, to put each issue under the right row.
 */
export function actionFromForm(body: Form): { input: ActionInput; budgetRowOf: number[] } {
  const years = many(body.budgetYear);
  const funders = many(body.budgetFunder);
  const planned = many(body.budgetPlanned);
  const actual = many(body.budgetActual);
  const budgets: BudgetLine[] = [];
  const budgetRowOf: number[] = [];
  for (let i = 0; i < Math.max(years.length, funders.length, planned.length, actual.length); i++) {
    const cells = [years[i] ?? '', funders[i] ?? '', planned[i] ?? '', actual[i] ?? ''];
    if (cells.every((c) => c.trim() === '')) continue;
    const year = frenchNumber(cells[0]);
    budgets.push({
      year: year === null ? Number.NaN : year,
      funder: cells[1],
      planned: frenchNumber(cells[2]),
      actual: frenchNumber(cells[3]),
    });
    budgetRowOf.push(i);
  }
  const progress = one(body.progress).replace('%', '').trim();
  return {
    input: {
      title: one(body.title),
      description: one(body.description),
      pilotOrganisation: one(body.pilotOrganisation),
      pilotPerson: one(body.pilotPerson),
      partners: one(body.partners)
        .split(/\r?\n/)
        .map((s) => s.trim())
        .filter(Boolean),
      startDate: one(body.startDate) || null,
      dueDate: one(body.dueDate) || null,
      endDate: one(body.endDate) || null,
      status: (one(body.status) || undefined) as ActionInput['status'],
      progress: progress === '' ? undefined : Number(progress),
      objectiveIds: many(body.objectiveIds).map(Number),
      indicators: many(body.indicators),
      budgets,
    },
    budgetRowOf,
  };
}

export interface ActionFormValues {
  title: string;
  description: string;
  pilotOrganisation: string;
  pilotPerson: string;
  partners: string;
  startDate: string;
  dueDate: string;
  endDate: string;
  status: string;
  progress: string;
  objectiveIds: number[];
  indicators: string[];
  budgets: { year: string; funder: string; planned: string; actual: string }[];
}

export function valuesOfAction(a: ActionView | ActionDraft | null): ActionFormValues {
  if (!a)
    return {
      title: '',
      description: '',
      pilotOrganisation: '',
      pilotPerson: '',
      partners: '',
      startDate: '',
      dueDate: '',
      endDate: '',
      status: 'planned',
      progress: '0',
      objectiveIds: [],
      indicators: [],
      budgets: [],
    };
  return {
    title: a.title,
    description: a.description ?? '',
    pilotOrganisation: a.pilotOrganisation ?? '',
    pilotPerson: a.pilotPerson ?? '',
    partners: a.partners.join('\n'),
    startDate: a.startDate ?? '',
    dueDate: a.dueDate ?? '',
    endDate: a.endDate ?? '',
    status: a.status,
    progress: String(a.progress),
    objectiveIds: 'objectiveIds' in a ? a.objectiveIds : a.objectives.map((o) => o.id),
    indicators: a.indicators,
    budgets: a.budgets.map((b) => ({
      year: String(b.year),
      funder: b.funder,
      planned: numberForInput(b.planned),
      actual: numberForInput(b.actual),
    })),
  };
}

/** What was typed, kept as typed, so that a refused form comes back with the person's input. */
export function valuesOfForm(body: Form): ActionFormValues {
  const years = many(body.budgetYear);
  const funders = many(body.budgetFunder);
  const planned = many(body.budgetPlanned);
  const actual = many(body.budgetActual);
  const budgets = years.map((y, i) => ({
    year: y,
    funder: funders[i] ?? '',
    planned: planned[i] ?? '',
    actual: actual[i] ?? '',
  }));
  // Trailing blank rows are added back by the form itself.
  while (budgets.length && Object.values(budgets[budgets.length - 1]).every((v) => v.trim() === ''))
    budgets.pop();
  return {
    title: one(body.title),
    description: one(body.description),
    pilotOrganisation: one(body.pilotOrganisation),
    pilotPerson: one(body.pilotPerson),
    partners: one(body.partners),
    startDate: one(body.startDate),
    dueDate: one(body.dueDate),
    endDate: one(body.endDate),
    status: one(body.status) || 'planned',
    progress: one(body.progress),
    objectiveIds: many(body.objectiveIds).map(Number),
    indicators: many(body.indicators),
    budgets,
  };
}

export const FORM_FIELD_LABELS: Record<string, string> = {
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
  objectiveIds: 'Objectifs régionaux',
  indicators: 'Indicateurs',
  budgets: 'Budget',
  year: 'Année',
  funder: 'Financeur',
  planned: 'Prévisionnel',
  actual: 'Réalisé',
  department: 'Département',
  strategy: 'Stratégie',
  summary: 'Présentation',
  copyFromPreviousYear: "Partir du plan de l'an dernier",
  avisDate: "Date de l'avis du CDIAE",
  comment: 'Commentaire',
  date: 'Date',
  text: 'Texte',
  fichier: 'Fichier',
};

/** Issues placed for the form: one message per field, budget issues per table row; the list labelled in French. */
export function placeIssues(
  issues: readonly FieldIssue[],
  budgetRowOf: number[] = [],
): {
  fields: Record<string, string>;
  budgetRows: Record<number, Record<string, string>>;
  list: FieldIssue[];
} {
  const fields: Record<string, string> = {};
  const budgetRows: Record<number, Record<string, string>> = {};
  const list: FieldIssue[] = [];
  for (const issue of issues) {
    const budget = /^budgets\[(\d+)\]\.(\w+)$/.exec(issue.field);
    if (budget) {
      const row = budgetRowOf[Number(budget[1])] ?? Number(budget[1]);
      (budgetRows[row] ??= {})[budget[2]] = issue.message;
      list.push({
        field: `Budget, ligne ${row + 1}, ${FORM_FIELD_LABELS[budget[2]] ?? budget[2]}`,
        message: issue.message,
      });
      continue;
    }
    const base = issue.field.replace(/\[.*$/, '');
    fields[base] ??= issue.message;
    list.push({ field: FORM_FIELD_LABELS[base] ?? issue.field, message: issue.message });
  }
  return { fields, budgetRows, list };
}

/** Both versions of an action, field by field, for the conflict display. */
export function comparisonRows(
  current: ActionView,
  yours: ActionDraft,
  objectives: ObjectiveRef[],
): { label: string; current: string; yours: string; differs: boolean }[] {
  const mine: ActionSnapshot = {
    ...actionSnapshotOf(current),
    ...yours,
    objectives: yours.objectiveIds
      .map((id) => objectives.find((o) => o.id === id)?.number ?? String(id))
      .sort(),
    notes: actionSnapshotOf(current).notes,
  };
  const theirs = actionSnapshotOf(current);
  return (Object.keys(ACTION_FIELD_LABELS) as ActionField[])
    .filter((f) => f !== 'notes')
    .map((field) => {
      const a = actionFieldText(field, theirs);
      const b = actionFieldText(field, mine);
      return { label: ACTION_FIELD_LABELS[field], current: a || '—', yours: b || '—', differs: a !== b };
    });
}

export function statusOptions(selected: string) {
  return ACTION_STATUSES.map((s) => ({ value: s, label: ACTION_STATUS_LABELS[s], selected: s === selected }));
}
