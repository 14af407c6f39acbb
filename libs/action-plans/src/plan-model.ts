import { FieldIssue, MAX_YEAR, MIN_YEAR } from '@cap-iae/shared';

/** brouillon → soumis au CDIAE → validé (avis du CDIAE) → clôturé. Only a draft's content can be edited. */
export const PLAN_STATUSES = ['draft', 'submitted', 'validated', 'closed'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];
export const PLAN_STATUS_LABELS: Record<PlanStatus, string> = {
  draft: 'brouillon',
  submitted: 'soumis au CDIAE',
  validated: 'validé',
  closed: 'clôturé',
};

export const ACTION_STATUSES = ['planned', 'in_progress', 'done', 'suspended', 'abandoned'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];
export const ACTION_STATUS_LABELS: Record<ActionStatus, string> = {
  planned: 'à venir',
  in_progress: 'en cours',
  done: 'réalisée',
  suspended: 'suspendue',
  abandoned: 'abandonnée',
};

/**
 * Statuses of an action that is not finished: a suspended action still has to be done, so it can be late; a done or
 * abandoned one cannot.
 */
export const OPEN_ACTION_STATUSES: ReadonlySet<ActionStatus> = new Set([
  'planned',
  'in_progress',
  'suspended',
]);

export function isActionStatus(v: unknown): v is ActionStatus {
  return typeof v === 'string' && (ACTION_STATUSES as readonly string[]).includes(v);
}

export function isPlanStatus(v: unknown): v is PlanStatus {
  return typeof v === 'string' && (PLAN_STATUSES as readonly string[]).includes(v);
}

/** « En retard » is derived, never stored: an open action whose planned end date is before today. */
export function isLate(action: { status: ActionStatus; dueDate: string | null }, today: string): boolean {
  return OPEN_ACTION_STATUSES.has(action.status) && action.dueDate !== null && action.dueDate < today;
}

const parisDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** Today in metropolitan France as `YYYY-MM-DD`: deadlines are French calendar days, whatever the server's zone. */
export function todayInParis(now: Date = new Date()): string {
  return parisDay.format(now);
}

/** A real calendar day written `YYYY-MM-DD` (2022-02-30 is not). */
export function isIsoDate(v: unknown): v is string {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const [y, m, d] = v.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return (
    date.getUTCFullYear() === y &&
    date.getUTCMonth() === m - 1 &&
    date.getUTCDate() === d &&
    y >= MIN_YEAR &&
    y <= MAX_YEAR
  );
}

/** `2022-03-15` → `15/03/2022`, as French readers and spreadsheets write it. */
export function frenchDate(iso: string | null): string {
  if (!iso) return '';
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

/** `YYYY-MM-DD` shifted by whole years; 29 February becomes 28 February in a common year. */
export function shiftYears(iso: string | null, years: number): string | null {
  if (!iso) return null;
  const [y, m, d] = iso.split('-').map(Number);
  const target = y + years;
  const last = new Date(Date.UTC(target, m, 0)).getUTCDate();
  return `${target}-${String(m).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

export interface BudgetLine {
  year: number;
  funder: string;
  /** Euros; null when not known. */
  planned: number | null;
  actual: number | null;
}

/** A budget line as sent: amounts may be left out. */
export interface BudgetLineInput {
  year: number;
  funder: string;
  planned?: number | null;
  actual?: number | null;
}

/** What a person sends to create or replace an action (API body, page form, one row of an XLSX file). */
export interface ActionInput {
  title: string;
  description?: string | null;
  pilotOrganisation?: string | null;
  pilotPerson?: string | null;
  partners?: string[];
  startDate?: string | null;
  dueDate?: string | null;
  endDate?: string | null;
  status?: ActionStatus;
  progress?: number;
  /** Ids of objectives of the plan's strategy (at least one). */
  objectiveIds: number[];
  /** Indicator codes of the catalogue. */
  indicators?: string[];
  budgets?: BudgetLineInput[];
}

/** An ActionInput checked and normalised: trimmed texts, nulls instead of blanks, sorted and de-duplicated lists. */
export interface CheckedAction {
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
  objectiveIds: number[];
  indicators: string[];
  budgets: BudgetLine[];
}

/** What an action may refer to: the objectives of the plan's strategy, and the indicator catalogue. */
export interface ActionRules {
  objectiveIds: ReadonlySet<number>;
  indicatorCodes: ReadonlySet<string>;
}

export const LIMITS = {
  title: 300,
  description: 5000,
  pilot: 200,
  partner: 200,
  partners: 30,
  funder: 120,
  budgets: 60,
  indicators: 40,
  note: 5000,
  summary: 10_000,
  avisComment: 5000,
  amount: 1e10,
} as const;

function text(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'string') return null;
  const t = v.trim();
  return t === '' ? null : t;
}

/**
 * Checks an action against the rules every channel shares (API, page, XLSX import) and collects every issue, named
 * by field (`title`, `budgets[2].funder`…), instead of stopping at the first.
 */
export function checkAction(
  input: Partial<Record<keyof ActionInput, unknown>>,
  rules: ActionRules,
): { value?: CheckedAction; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const issue = (field: string, message: string) => issues.push({ field, message });

  if (input.title !== undefined && input.title !== null && typeof input.title !== 'string')
    issue('title', 'doit être un texte');
  const title = text(input.title);
  if (!title) issue('title', 'intitulé obligatoire');
  else if (title.length > LIMITS.title) issue('title', `${LIMITS.title} caractères au plus`);

  const description = text(input.description);
  if (description && description.length > LIMITS.description)
    issue('description', `${LIMITS.description} caractères au plus`);

  const pilotOrganisation = text(input.pilotOrganisation);
  const pilotPerson = text(input.pilotPerson);
  if (pilotOrganisation && pilotOrganisation.length > LIMITS.pilot)
    issue('pilotOrganisation', `${LIMITS.pilot} caractères au plus`);
  if (pilotPerson && pilotPerson.length > LIMITS.pilot)
    issue('pilotPerson', `${LIMITS.pilot} caractères au plus`);
  if (!pilotOrganisation && !pilotPerson)
    issue('pilotOrganisation', 'indiquez la structure pilote ou la personne pilote');

  const partners: string[] = [];
  if (input.partners !== undefined && input.partners !== null && !Array.isArray(input.partners)) {
    issue('partners', 'doit être une liste');
  } else {
    for (const [i, p] of ((input.partners as unknown[] | undefined) ?? []).entries()) {
      const name = text(p);
      if (!name) continue;
      if (name.length > LIMITS.partner) issue(`partners[${i}]`, `${LIMITS.partner} caractères au plus`);
      // « ; » separates partners in the XLSX and CSV files: a name containing it would not come back the same.
      else if (name.includes(';')) issue(`partners[${i}]`, 'un partenaire ne peut pas contenir « ; »');
      else if (!partners.includes(name)) partners.push(name);
    }
    if (partners.length > LIMITS.partners) issue('partners', `${LIMITS.partners} partenaires au plus`);
  }

  const date = (field: 'startDate' | 'dueDate' | 'endDate'): string | null => {
    const raw = input[field];
    if (raw === undefined || raw === null || raw === '') return null;
    if (!isIsoDate(raw)) {
      issue(field, 'date invalide (attendu AAAA-MM-JJ)');
      return null;
    }
    return raw;
  };
  const startDate = date('startDate');
  const dueDate = date('dueDate');
  const endDate = date('endDate');
  if (startDate && dueDate && dueDate < startDate)
    issue('dueDate', 'la fin prévue ne peut pas précéder le début');
  if (startDate && endDate && endDate < startDate)
    issue('endDate', 'la fin réelle ne peut pas précéder le début');

  let status: ActionStatus = 'planned';
  if (input.status !== undefined && input.status !== null && input.status !== '') {
    if (isActionStatus(input.status)) status = input.status;
    else
      issue(
        'status',
        `statut inconnu (attendu : ${ACTION_STATUSES.map((s) => ACTION_STATUS_LABELS[s]).join(', ')})`,
      );
  }
  if (endDate && status !== 'done' && status !== 'abandoned')
    issue('endDate', 'une fin réelle suppose une action réalisée ou abandonnée');

  let progress = 0;
  if (input.progress !== undefined && input.progress !== null && input.progress !== '') {
    if (typeof input.progress !== 'number' || !Number.isInteger(input.progress))
      issue('progress', 'doit être un nombre entier de 0 à 100');
    else if (input.progress < 0 || input.progress > 100)
      issue('progress', 'doit être compris entre 0 et 100');
    else progress = input.progress;
  }

  const objectiveIds: number[] = [];
  if (!Array.isArray(input.objectiveIds)) issue('objectiveIds', 'au moins un objectif régional est attendu');
  else {
    for (const [i, id] of (input.objectiveIds as unknown[]).entries()) {
      if (typeof id !== 'number' || !Number.isInteger(id))
        issue(`objectiveIds[${i}]`, 'identifiant invalide');
      else if (!rules.objectiveIds.has(id))
        issue(`objectiveIds[${i}]`, `l'objectif ${id} n'appartient pas à la stratégie du plan`);
      else if (!objectiveIds.includes(id)) objectiveIds.push(id);
    }
    if (input.objectiveIds.length === 0) issue('objectiveIds', 'au moins un objectif régional est attendu');
  }

  const indicators: string[] = [];
  if (input.indicators !== undefined && input.indicators !== null && !Array.isArray(input.indicators)) {
    issue('indicators', 'doit être une liste de codes');
  } else {
    for (const [i, c] of ((input.indicators as unknown[] | undefined) ?? []).entries()) {
      const code = text(c);
      if (!code) continue;
      if (!rules.indicatorCodes.has(code)) issue(`indicators[${i}]`, `indicateur inconnu « ${code} »`);
      else if (!indicators.includes(code)) indicators.push(code);
    }
    if (indicators.length > LIMITS.indicators)
      issue('indicators', `${LIMITS.indicators} indicateurs au plus`);
  }

  const budgets = checkBudgets(input.budgets, issues);

  if (issues.length > 0) return { issues };
  return {
    issues,
    value: {
      title: title!,
      description,
      pilotOrganisation,
      pilotPerson,
      partners,
      startDate,
      dueDate,
      endDate,
      status,
      progress,
      objectiveIds: [...objectiveIds].sort((a, b) => a - b),
      indicators: [...indicators].sort(),
      budgets,
    },
  };
}

/** Budget lines of an action; issues are named `budgets[i].field`. */
export function checkBudgets(raw: unknown, issues: FieldIssue[]): BudgetLine[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    issues.push({ field: 'budgets', message: 'doit être une liste de lignes' });
    return [];
  }
  if (raw.length > LIMITS.budgets)
    issues.push({ field: 'budgets', message: `${LIMITS.budgets} lignes de budget au plus` });
  const lines: BudgetLine[] = [];
  const seen = new Map<string, number>();
  for (const [i, item] of (raw as unknown[]).entries()) {
    const line = (item ?? {}) as Record<string, unknown>;
    const field = (name: string) => `budgets[${i}].${name}`;
    let ok = true;
    const year = line.year;
    if (typeof year !== 'number' || !Number.isInteger(year) || year < MIN_YEAR || year > MAX_YEAR) {
      issues.push({ field: field('year'), message: `année entre ${MIN_YEAR} et ${MAX_YEAR} attendue` });
      ok = false;
    }
    const funder = text(line.funder);
    if (!funder) {
      issues.push({ field: field('funder'), message: 'financeur obligatoire' });
      ok = false;
    } else if (funder.length > LIMITS.funder) {
      issues.push({ field: field('funder'), message: `${LIMITS.funder} caractères au plus` });
      ok = false;
    }
    const amount = (name: 'planned' | 'actual'): number | null => {
      const v = line[name];
      if (v === undefined || v === null || v === '') return null;
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        issues.push({ field: field(name), message: 'montant en euros attendu' });
        ok = false;
        return null;
      }
      if (v < 0 || v > LIMITS.amount) {
        issues.push({ field: field(name), message: 'montant positif ou nul attendu' });
        ok = false;
        return null;
      }
      return Math.round(v * 100) / 100;
    };
    const planned = amount('planned');
    const actual = amount('actual');
    if (ok && planned === null && actual === null) {
      issues.push({ field: field('planned'), message: 'indiquez un montant prévisionnel ou réalisé' });
      ok = false;
    }
    if (!ok) continue;
    const key = `${year as number}|${funder!.toLowerCase()}`;
    const first = seen.get(key);
    if (first !== undefined) {
      issues.push({
        field: field('funder'),
        message: `ligne en double : même année et même financeur que la ligne ${first + 1}`,
      });
      continue;
    }
    seen.set(key, i);
    lines.push({ year: year as number, funder: funder!, planned, actual });
  }
  return lines.sort((a, b) => a.year - b.year || a.funder.localeCompare(b.funder, 'fr'));
}
