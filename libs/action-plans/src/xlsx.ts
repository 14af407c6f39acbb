import type { CellValue, Workbook, Worksheet } from 'exceljs';
import { FieldIssue, MAX_YEAR, MIN_YEAR } from '@cap-iae/shared';
import {
  ACTION_STATUS_LABELS,
  ACTION_STATUSES,
  ActionRules,
  ActionStatus,
  BudgetLine,
  checkAction,
  checkBudgets,
  CheckedAction,
  isIsoDate,
  isLate,
} from './plan-model';
import type { PlanView } from './views';

/**
 * The XLSX format of a plan (documented in docs/action-plans.md): sheet « Actions », one row per action, and sheet
 * « Budget », one row per budget line. Export then import gives the same plan back, and exporting again gives the
 * same cells: every column is written in the form the reader expects.
 */
export const ACTIONS_SHEET = 'Actions';
export const BUDGET_SHEET = 'Budget';

type ActionColumnKey =
  | 'title'
  | 'description'
  | 'objectives'
  | 'pilotOrganisation'
  | 'pilotPerson'
  | 'partners'
  | 'startDate'
  | 'dueDate'
  | 'endDate'
  | 'status'
  | 'progress'
  | 'indicators'
  | 'late';
type BudgetColumnKey = 'action' | 'year' | 'funder' | 'planned' | 'actual';

interface ColumnSpec<K extends string> {
  key: K;
  header: string;
  width: number;
  /** Other spellings accepted on import (normalised: lower case, no accent, no punctuation). */
  aliases?: string[];
  /** Written for the reader, not read back. */
  computed?: boolean;
  required?: boolean;
}

export const ACTION_COLUMNS: ColumnSpec<ActionColumnKey>[] = [
  { key: 'title', header: 'Intitulé', width: 50, required: true },
  { key: 'description', header: 'Description', width: 60 },
  { key: 'objectives', header: 'Objectifs', width: 14, required: true },
  {
    key: 'pilotOrganisation',
    header: 'Pilote (structure)',
    width: 30,
    aliases: ['pilote', 'structure pilote', 'pilote organisation'],
  },
  { key: 'pilotPerson', header: 'Pilote (personne)', width: 25, aliases: ['personne pilote'] },
  { key: 'partners', header: 'Partenaires', width: 40 },
  { key: 'startDate', header: 'Début', width: 12, aliases: ['date de debut'] },
  { key: 'dueDate', header: 'Fin prévue', width: 12, aliases: ['date de fin prevue'] },
  { key: 'endDate', header: 'Fin réelle', width: 12, aliases: ['date de fin reelle'] },
  { key: 'status', header: 'Statut', width: 14 },
  { key: 'progress', header: 'Avancement (%)', width: 14, aliases: ['avancement'] },
  { key: 'indicators', header: 'Indicateurs', width: 30 },
  { key: 'late', header: 'En retard (calculé, ignoré à l’import)', width: 18, computed: true },
];

export const BUDGET_COLUMNS: ColumnSpec<BudgetColumnKey>[] = [
  { key: 'action', header: 'Action', width: 50, required: true, aliases: ['intitule'] },
  { key: 'year', header: 'Année', width: 8, required: true },
  { key: 'funder', header: 'Financeur', width: 30, required: true },
  { key: 'planned', header: 'Prévisionnel (€)', width: 16, aliases: ['previsionnel'] },
  { key: 'actual', header: 'Réalisé (€)', width: 16, aliases: ['realise'] },
];

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
export const MAX_IMPORT_ACTIONS = 500;
export const MAX_IMPORT_BUDGET_LINES = 5000;
const MAX_REJECTIONS = 1000;

/** One rejected cell or row of an imported file: where it is and why, in French. */
export interface ImportRejection {
  sheet: string;
  line: number;
  column: string;
  reason: string;
}

export function rejectionText(r: ImportRejection): string {
  return `feuille « ${r.sheet} », ligne ${r.line}, colonne « ${r.column} »`;
}

/** A cell as the checks see it: formulas are kept apart so that they can be refused by name. */
export type RawCell = string | number | boolean | Date | { formula: string } | null;

export interface RawRow<K extends string> {
  line: number;
  cells: Partial<Record<K, RawCell>>;
}

export interface RawWorkbook {
  actions: RawRow<ActionColumnKey>[];
  budgets: RawRow<BudgetColumnKey>[];
  /** Problems found while reading (missing sheet or column, too many rows). */
  rejections: ImportRejection[];
}

// ---------------------------------------------------------------------------------------------------------------
// Writing

function utcDate(iso: string | null): Date | null {
  if (!iso) return null;
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d));
}

/** Objectives by number (`1.2; 3.1`), lists with « ; », dates as real spreadsheet dates, statuses by label. */
export async function writePlanWorkbook(plan: PlanView, today: string): Promise<Buffer> {
  const ExcelJS = await import('exceljs');
  const wb: Workbook = new ExcelJS.Workbook();
  wb.creator = 'Cap IAE';
  // The plan's identity goes in the file's properties, not in cells: the sheets stay a plain table to re-import.
  wb.title = `Plan d'actions ${plan.department.name} ${plan.year}`;
  wb.subject = `${plan.strategy.title} — ${plan.department.code} — ${plan.year}`;
  wb.created = new Date(0);
  wb.modified = new Date(0);

  const actions = wb.addWorksheet(ACTIONS_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  actions.columns = ACTION_COLUMNS.map((c) => ({ header: c.header, key: c.key, width: c.width }));
  for (const a of plan.actions) {
    actions.addRow({
      title: a.title,
      description: a.description ?? null,
      objectives: a.objectives.map((o) => o.number).join('; '),
      pilotOrganisation: a.pilotOrganisation ?? null,
      pilotPerson: a.pilotPerson ?? null,
      partners: a.partners.join('; '),
      startDate: utcDate(a.startDate),
      dueDate: utcDate(a.dueDate),
      endDate: utcDate(a.endDate),
      status: ACTION_STATUS_LABELS[a.status],
      progress: a.progress,
      indicators: a.indicators.join('; '),
      late: isLate(a, today) ? 'oui' : 'non',
    });
  }
  for (const key of ['startDate', 'dueDate', 'endDate']) actions.getColumn(key).numFmt = 'dd/mm/yyyy';
  actions.getColumn('description').alignment = { wrapText: true, vertical: 'top' };
  actions.getRow(1).font = { bold: true };

  const budget = wb.addWorksheet(BUDGET_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  budget.columns = BUDGET_COLUMNS.map((c) => ({ header: c.header, key: c.key, width: c.width }));
  for (const a of plan.actions) {
    for (const b of a.budgets) {
      budget.addRow({
        action: a.title,
        year: b.year,
        funder: b.funder,
        planned: b.planned,
        actual: b.actual,
      });
    }
  }
  for (const key of ['planned', 'actual']) budget.getColumn(key).numFmt = '#,##0.##';
  budget.getRow(1).font = { bold: true };
  return Buffer.from(await wb.xlsx.writeBuffer());
}

// ---------------------------------------------------------------------------------------------------------------
// Reading

export function normaliseHeader(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

function rawCell(value: CellValue, numFmt: string | undefined): RawCell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') {
    // A number formatted as a percentage is stored as a fraction (0.45 shown « 45 % »).
    return numFmt?.includes('%') ? Number((value * 100).toPrecision(15)) : value;
  }
  if (typeof value === 'string' || typeof value === 'boolean' || value instanceof Date) return value;
  if ('formula' in value || 'sharedFormula' in value) {
    const f = 'formula' in value ? value.formula : value.sharedFormula;
    return { formula: typeof f === 'string' ? f : '' };
  }
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('error' in value) return { formula: String(value.error) };
  if ('text' in value) return String(value.text);
  return null;
}

function isEmpty(cell: RawCell | undefined): boolean {
  return cell === null || cell === undefined || (typeof cell === 'string' && cell.trim() === '');
}

function readSheet<K extends string>(
  ws: Worksheet,
  sheet: string,
  columns: ColumnSpec<K>[],
  maxRows: number,
  rejections: ImportRejection[],
): RawRow<K>[] {
  const byHeader = new Map<string, ColumnSpec<K>>();
  for (const c of columns) {
    byHeader.set(normaliseHeader(c.header), c);
    for (const a of c.aliases ?? []) byHeader.set(a, c);
  }
  const positions = new Map<number, K>();
  const found = new Set<K>();
  ws.getRow(1).eachCell((cell, col) => {
    const text = cell.text?.trim() ?? '';
    const spec =
      byHeader.get(normaliseHeader(text)) ??
      (normaliseHeader(text).startsWith('en retard') ? columns.find((c) => c.key === 'late') : undefined);
    if (!spec || spec.computed) return;
    if (found.has(spec.key)) {
      rejections.push({ sheet, line: 1, column: text, reason: 'colonne en double' });
      return;
    }
    found.add(spec.key);
    positions.set(col, spec.key);
  });
  for (const c of columns)
    if (c.required && !found.has(c.key))
      rejections.push({ sheet, line: 1, column: c.header, reason: 'colonne absente de la ligne d’en-tête' });

  const rows: RawRow<K>[] = [];
  ws.eachRow({ includeEmpty: false }, (row, line) => {
    if (line === 1) return;
    const cells: Partial<Record<K, RawCell>> = {};
    for (const [col, key] of positions) {
      const cell = row.getCell(col);
      cells[key] = rawCell(cell.value, cell.numFmt);
    }
    if (Object.values<RawCell | undefined>(cells).every(isEmpty)) return;
    rows.push({ line, cells });
  });
  if (rows.length > maxRows) {
    rejections.push({
      sheet,
      line: rows[maxRows].line,
      column: columns[0].header,
      reason: `${maxRows} lignes au plus par fichier`,
    });
    return rows.slice(0, maxRows);
  }
  return rows;
}

/** Reads both sheets of a plan file into raw rows (nothing is interpreted yet). */
export async function readPlanWorkbook(data: Buffer): Promise<RawWorkbook> {
  const ExcelJS = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  const rejections: ImportRejection[] = [];
  try {
    await wb.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    return {
      actions: [],
      budgets: [],
      rejections: [
        {
          sheet: '—',
          line: 0,
          column: '—',
          reason: 'fichier illisible : un classeur Excel (.xlsx) est attendu',
        },
      ],
    };
  }
  const find = (name: string) => wb.worksheets.find((w) => normaliseHeader(w.name) === normaliseHeader(name));
  const actionsSheet = find(ACTIONS_SHEET);
  const budgetSheet = find(BUDGET_SHEET);
  if (!actionsSheet) {
    rejections.push({
      sheet: ACTIONS_SHEET,
      line: 0,
      column: '—',
      reason: `feuille « ${ACTIONS_SHEET} » absente (feuilles trouvées : ${wb.worksheets.map((w) => w.name).join(', ') || 'aucune'})`,
    });
  }
  const actions = actionsSheet
    ? readSheet(actionsSheet, ACTIONS_SHEET, ACTION_COLUMNS, MAX_IMPORT_ACTIONS, rejections)
    : [];
  const budgets = budgetSheet
    ? readSheet(budgetSheet, BUDGET_SHEET, BUDGET_COLUMNS, MAX_IMPORT_BUDGET_LINES, rejections)
    : [];
  return { actions, budgets, rejections };
}

// ---------------------------------------------------------------------------------------------------------------
// Checking (pure: unit-tested without a file)

type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const FORMULA_REASON = 'formule non prise en charge : remplacez-la par sa valeur';

function cellText(cell: RawCell | undefined): Parsed<string | null> {
  if (cell === null || cell === undefined) return { ok: true, value: null };
  if (typeof cell === 'object' && !(cell instanceof Date)) return { ok: false, reason: FORMULA_REASON };
  if (cell instanceof Date) return { ok: true, value: cell.toISOString().slice(0, 10) };
  const text = String(cell).trim();
  return { ok: true, value: text === '' ? null : text };
}

function cellList(cell: RawCell | undefined): Parsed<string[]> {
  const t = cellText(cell);
  if (!t.ok) return t;
  return {
    ok: true,
    value: (t.value ?? '')
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean),
  };
}

/** Spreadsheet dates, `JJ/MM/AAAA` or `AAAA-MM-JJ`; a bare number is a spreadsheet date serial. */
export function cellDate(cell: RawCell | undefined): Parsed<string | null> {
  if (cell === null || cell === undefined) return { ok: true, value: null };
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return { ok: false, reason: 'date invalide' };
    // exceljs reads spreadsheet dates (which have no time zone) as UTC midnight.
    return { ok: true, value: cell.toISOString().slice(0, 10) };
  }
  if (typeof cell === 'number') {
    if (cell < 1 || cell > 100_000) return { ok: false, reason: 'date invalide (attendu JJ/MM/AAAA)' };
    const d = new Date(Date.UTC(1899, 11, 30) + Math.round(cell) * 86_400_000);
    return { ok: true, value: d.toISOString().slice(0, 10) };
  }
  const t = cellText(cell);
  if (!t.ok) return t;
  if (t.value === null) return { ok: true, value: null };
  const fr = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(t.value);
  const iso = fr ? `${fr[3]}-${fr[2].padStart(2, '0')}-${fr[1].padStart(2, '0')}` : t.value;
  if (!isIsoDate(iso)) return { ok: false, reason: `date invalide « ${t.value} » (attendu JJ/MM/AAAA)` };
  return { ok: true, value: iso };
}

/** Numbers as typed in France: `12 500,50`, `45 %`, `1 200 €`. */
export function cellNumber(cell: RawCell | undefined): Parsed<number | null> {
  if (cell === null || cell === undefined) return { ok: true, value: null };
  if (typeof cell === 'number') return { ok: true, value: cell };
  const t = cellText(cell);
  if (!t.ok) return t;
  if (t.value === null) return { ok: true, value: null };
  const compact = t.value.replace(/[\s\u00a0\u202f€%]/g, '').replace(',', '.');
  if (!/^-?\d+(\.\d+)?$/.test(compact)) return { ok: false, reason: `nombre attendu, trouvé « ${t.value} »` };
  return { ok: true, value: Number(compact) };
}

function fold(text: string): string {
  return normaliseHeader(text);
}

const STATUS_BY_TEXT = new Map<string, ActionStatus>(
  ACTION_STATUSES.flatMap((s) => [
    [fold(ACTION_STATUS_LABELS[s]), s],
    [fold(s), s],
  ]),
);

/** The columns an action field is read from, to place the issues of `checkAction` on the right cell. */
const FIELD_COLUMN: Record<string, ActionColumnKey> = {
  title: 'title',
  description: 'description',
  pilotOrganisation: 'pilotOrganisation',
  pilotPerson: 'pilotPerson',
  partners: 'partners',
  startDate: 'startDate',
  dueDate: 'dueDate',
  endDate: 'endDate',
  status: 'status',
  progress: 'progress',
  objectiveIds: 'objectives',
  indicators: 'indicators',
};
const BUDGET_FIELD_COLUMN: Record<string, BudgetColumnKey> = {
  year: 'year',
  funder: 'funder',
  planned: 'planned',
  actual: 'actual',
};

const header = <K extends string>(columns: ColumnSpec<K>[], key: K) =>
  columns.find((c) => c.key === key)!.header;

export interface ImportRules extends ActionRules {
  /** Objective ids of the plan's strategy by their printed number (`1.2`). */
  objectivesByNumber: ReadonlyMap<string, number>;
  strategyCode: string;
}

/**
 * Interprets and checks every row of both sheets, and returns either the actions (in file order, with their budget
 * lines) or every rejected cell — never a part of the file: the import writes all or nothing.
 */
export function checkImport(
  raw: RawWorkbook,
  rules: ImportRules,
): { actions: CheckedAction[]; rejections: ImportRejection[] } {
  const rejections = [...raw.rejections];
  const reject = (sheet: string, line: number, column: string, reason: string) => {
    if (rejections.length < MAX_REJECTIONS) rejections.push({ sheet, line, column, reason });
  };
  const aCol = (k: ActionColumnKey) => header(ACTION_COLUMNS, k);
  const bCol = (k: BudgetColumnKey) => header(BUDGET_COLUMNS, k);

  if (raw.actions.length === 0 && raw.rejections.length === 0)
    reject(
      ACTIONS_SHEET,
      2,
      aCol('title'),
      'aucune action dans la feuille : le plan ne peut pas être vidé par un import',
    );

  // Budget lines first: they are attached to the actions by their intitulé.
  const budgetsByTitle = new Map<string, { line: number; budget: BudgetLine }[]>();
  const seenBudget = new Map<string, number>();
  for (const row of raw.budgets) {
    const c = row.cells;
    const title = cellText(c.action);
    const year = cellNumber(c.year);
    const funder = cellText(c.funder);
    const planned = cellNumber(c.planned);
    const actual = cellNumber(c.actual);
    let ok = true;
    const fail = (key: BudgetColumnKey, reason: string) => {
      reject(BUDGET_SHEET, row.line, bCol(key), reason);
      ok = false;
    };
    if (!title.ok) fail('action', title.reason);
    else if (!title.value) fail('action', 'intitulé de l’action obligatoire');
    if (!year.ok) fail('year', year.reason);
    else if (
      year.value === null ||
      !Number.isInteger(year.value) ||
      year.value < MIN_YEAR ||
      year.value > MAX_YEAR
    )
      fail('year', `année entre ${MIN_YEAR} et ${MAX_YEAR} attendue`);
    if (!funder.ok) fail('funder', funder.reason);
    if (!planned.ok) fail('planned', planned.reason);
    if (!actual.ok) fail('actual', actual.reason);
    if (!ok || !title.ok || !year.ok || !funder.ok || !planned.ok || !actual.ok) continue;
    const lineIssues: FieldIssue[] = [];
    const [budget] = checkBudgets(
      [{ year: year.value, funder: funder.value, planned: planned.value, actual: actual.value }],
      lineIssues,
    );
    for (const i of lineIssues)
      fail(BUDGET_FIELD_COLUMN[i.field.replace(/^budgets\[0\]\./, '')] ?? 'funder', i.message);
    if (!ok || !budget) continue;
    const key = `${title.value!}|${budget.year}|${budget.funder.toLowerCase()}`;
    const first = seenBudget.get(key);
    if (first !== undefined) {
      fail('funder', `ligne en double : même action, même année et même financeur que la ligne ${first}`);
      continue;
    }
    seenBudget.set(key, row.line);
    const list = budgetsByTitle.get(title.value!) ?? [];
    list.push({ line: row.line, budget });
    budgetsByTitle.set(title.value!, list);
  }

  const actions: CheckedAction[] = [];
  const titles = new Map<string, number>();
  for (const row of raw.actions) {
    const c = row.cells;
    const issues: { column: ActionColumnKey; reason: string }[] = [];
    const parse = <T>(key: ActionColumnKey, p: Parsed<T>, fallback: T): T => {
      if (p.ok) return p.value;
      issues.push({ column: key, reason: p.reason });
      return fallback;
    };
    const title = parse('title', cellText(c.title), null);
    const objectiveNumbers = parse('objectives', cellList(numberAsText(c.objectives)), []);
    const objectiveIds: number[] = [];
    for (const n of objectiveNumbers) {
      const id = rules.objectivesByNumber.get(n.replace(',', '.'));
      if (id === undefined)
        issues.push({
          column: 'objectives',
          reason: `objectif « ${n} » inconnu dans la stratégie ${rules.strategyCode}`,
        });
      else objectiveIds.push(id);
    }
    if (objectiveNumbers.length === 0 && cellText(c.objectives).ok)
      issues.push({
        column: 'objectives',
        reason: 'au moins un objectif régional est attendu (ex. « 1.2; 3.1 »)',
      });

    const statusText = parse('status', cellText(c.status), null);
    let status: ActionStatus | undefined;
    if (statusText !== null) {
      status = STATUS_BY_TEXT.get(fold(statusText));
      if (!status)
        issues.push({
          column: 'status',
          reason: `statut inconnu « ${statusText} » (attendu : ${ACTION_STATUSES.map((s) => ACTION_STATUS_LABELS[s]).join(', ')})`,
        });
    }
    const progress = parse('progress', cellNumber(c.progress), null);
    if (progress !== null && (!Number.isInteger(progress) || progress < 0 || progress > 100))
      issues.push({ column: 'progress', reason: 'nombre entier de 0 à 100 attendu' });

    const input = {
      title,
      description: parse('description', cellText(c.description), null),
      pilotOrganisation: parse('pilotOrganisation', cellText(c.pilotOrganisation), null),
      pilotPerson: parse('pilotPerson', cellText(c.pilotPerson), null),
      partners: parse('partners', cellList(c.partners), []),
      startDate: parse('startDate', cellDate(c.startDate), null),
      dueDate: parse('dueDate', cellDate(c.dueDate), null),
      endDate: parse('endDate', cellDate(c.endDate), null),
      status,
      progress:
        progress !== null && Number.isInteger(progress) && progress >= 0 && progress <= 100
          ? progress
          : undefined,
      objectiveIds,
      indicators: parse('indicators', cellList(c.indicators), []),
      budgets: (title ? budgetsByTitle.get(title) : undefined)?.map((b) => b.budget) ?? [],
    };
    const parsed = new Set(issues.map((i) => i.column));
    const checked = checkAction(input, rules);
    for (const issue of checked.issues) {
      const column = columnOfIssue(issue);
      // A cell already refused while reading it is not reported a second time; budget lines have their own sheet.
      if (parsed.has(column) || issue.field.startsWith('budgets')) continue;
      issues.push({ column, reason: issue.message });
    }
    if (title) {
      const first = titles.get(title);
      if (first !== undefined)
        issues.push({
          column: 'title',
          reason: `intitulé en double (déjà ligne ${first}) : les actions sont reconnues par leur intitulé`,
        });
      else titles.set(title, row.line);
    }
    for (const i of issues) reject(ACTIONS_SHEET, row.line, aCol(i.column), i.reason);
    if (issues.length === 0 && checked.value) actions.push(checked.value);
  }

  for (const [title, lines] of budgetsByTitle) {
    if (titles.has(title)) continue;
    for (const l of lines)
      reject(
        BUDGET_SHEET,
        l.line,
        bCol('action'),
        `aucune action « ${title} » dans la feuille « ${ACTIONS_SHEET} »`,
      );
  }

  // The file as a whole first, then sheet « Actions », then « Budget »; line order within each (stable sort).
  const rank = (sheet: string) => (sheet === ACTIONS_SHEET ? 1 : sheet === BUDGET_SHEET ? 2 : 0);
  rejections.sort((a, b) => rank(a.sheet) - rank(b.sheet) || a.line - b.line);
  return rejections.length ? { actions: [], rejections } : { actions, rejections };
}

/** A number typed in an « Objectifs » cell (1.2) is read as the objective `1.2`. */
function numberAsText(cell: RawCell | undefined): RawCell | undefined {
  return typeof cell === 'number' ? String(cell) : cell;
}

function columnOfIssue(issue: FieldIssue): ActionColumnKey {
  const base = issue.field.replace(/\[.*$/, '');
  return FIELD_COLUMN[base] ?? 'title';
}
