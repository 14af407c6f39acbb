import {
  formatIndicatorChange,
  formatIndicatorValue,
  IndicatorUnit,
  ProgressStatus,
  PROGRESS_STATUSES,
  PROGRESS_STATUS_LABELS,
} from '@cap-iae/indicators';
import { STATUS_ORDER as CHART_STATUS_ORDER } from '@cap-iae/reporting';
import type { ChartSpec, StatusBarsInput } from '@cap-iae/reporting';
import { formatDateFr, formatNumberFr } from '@cap-iae/shared';

/**
 * How the dashboard writes things for people: French numbers and dates through the shared formatters, statuses with
 * one colour and one badge each (the same on cards, tables and charts), and the small table/chart models the
 * templates, the exports and the browser script share.
 */

export interface StatusStyle {
  status: ProgressStatus;
  label: string;
  /** Plural, lower case, for sentences (« 3 en retard »). */
  phrase: (n: number) => string;
  badge: string;
  /** DSFR colours, each at least 3:1 against white (WCAG 1.4.11 for graphics). */
  color: string;
}

export const STATUS_STYLES: Record<ProgressStatus, StatusStyle> = {
  atteint: {
    status: 'atteint',
    label: PROGRESS_STATUS_LABELS.atteint,
    phrase: (n) => `${formatNumberFr(n)} atteint${n > 1 ? 's' : ''}`,
    badge: 'fr-badge--success',
    color: '#18753c',
  },
  en_bonne_voie: {
    status: 'en_bonne_voie',
    label: PROGRESS_STATUS_LABELS.en_bonne_voie,
    phrase: (n) => `${formatNumberFr(n)} en bonne voie`,
    badge: 'fr-badge--info',
    color: '#0063cb',
  },
  en_retard: {
    status: 'en_retard',
    label: PROGRESS_STATUS_LABELS.en_retard,
    phrase: (n) => `${formatNumberFr(n)} en retard`,
    badge: 'fr-badge--warning',
    color: '#b34000',
  },
  non_renseigne: {
    status: 'non_renseigne',
    label: PROGRESS_STATUS_LABELS.non_renseigne,
    phrase: (n) => `${formatNumberFr(n)} non renseigné${n > 1 ? 's' : ''}`,
    badge: '',
    color: '#666666',
  },
};

export const STATUS_ORDER: readonly ProgressStatus[] = PROGRESS_STATUSES;

export function formatValue(value: number, unit: IndicatorUnit, decimals: number): string {
  return formatIndicatorValue(value, unit, decimals);
}

export function formatChange(change: number, unit: IndicatorUnit, decimals: number): string {
  return formatIndicatorChange(change, unit, decimals);
}

/** « 23 novembre 2026 » from an ISO instant; empty when there is none. */
export function formatDay(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : formatDateFr(date);
}

/** Excel number format matching how the page prints a value of this unit. */
export function excelFormat(unit: IndicatorUnit, decimals: number): string {
  const digits = decimals > 0 ? `.${'0'.repeat(decimals)}` : '';
  switch (unit) {
    case 'percent':
      return `0${digits}" %"`;
    case 'euro':
      return `#,##0${digits}" €"`;
    case 'fte':
      return `#,##0${digits}" ETP"`;
    case 'hours':
      return `#,##0${digits}" h"`;
    case 'count':
      return `#,##0${digits}`;
  }
}

export interface TableCell {
  text: string;
  /** The number behind the text, exported as a number (CSV with a decimal comma, XLSX as a numeric cell). */
  value?: number | null;
  numFmt?: string;
  href?: string;
  /** DSFR badge modifier: the cell is shown as a status badge. */
  badge?: string;
  /** First cell of a row, a row header for screen readers. */
  header?: boolean;
  /** A link to a source run: kept only for those who may read sources. */
  sourceLink?: boolean;
}

export interface TableColumn {
  label: string;
  numeric?: boolean;
}

export interface TableModel {
  id: string;
  caption: string;
  columns: TableColumn[];
  rows: TableCell[][];
  /** Set by the controller: the same page with `format=csv|xlsx&table=<id>`. */
  csvUrl?: string;
  xlsxUrl?: string;
}

const plain = new Map<number, Intl.NumberFormat>();

/**
 * A number rounded exactly as the page prints it (same Intl rounding, half away from zero), so that an export always
 * equals what was on screen: the indicator's published precision, not the binary noise of a computation.
 */
export function asPrinted(value: number, decimals: number): number {
  let f = plain.get(decimals);
  if (!f) {
    f = new Intl.NumberFormat('en-US', {
      useGrouping: false,
      minimumFractionDigits: decimals,
      maximumFractionDigits: decimals,
    });
    plain.set(decimals, f);
  }
  return Number(f.format(value));
}

export function textCell(text: string | null | undefined, extra: Partial<TableCell> = {}): TableCell {
  return { text: text ?? '', ...extra };
}

export function numberCell(
  value: number | null | undefined,
  unit: IndicatorUnit,
  decimals: number,
  extra: Partial<TableCell> = {},
): TableCell {
  if (value === null || value === undefined) return { text: '—', value: null, ...extra };
  return {
    text: formatValue(value, unit, decimals),
    value: asPrinted(value, decimals),
    numFmt: excelFormat(unit, decimals),
    ...extra,
  };
}

/** A signed difference (« +3,2 points », « −1 477 ») that exports as the number it says. */
export function changeCell(
  change: number | null | undefined,
  unit: IndicatorUnit,
  decimals: number,
): TableCell {
  if (change === null || change === undefined) return { text: '—', value: null };
  const digits = decimals > 0 ? `.${'0'.repeat(decimals)}` : '';
  return {
    text: formatChange(change, unit, decimals),
    value: asPrinted(change, decimals),
    numFmt: `+#,##0${digits};−#,##0${digits};0`,
  };
}

/** A share in percent with one decimal and a text after it (« 13,5 % de la région »), exported as 13.5. */
export function shareCell(share: number | null | undefined, suffix = ''): TableCell {
  if (share === null || share === undefined || !Number.isFinite(share)) return { text: '—', value: null };
  const cell = numberCell(share, 'percent', 1);
  return { ...cell, text: `${cell.text}${suffix}` };
}

export function countCell(value: number): TableCell {
  return { text: formatNumberFr(value), value, numFmt: '#,##0' };
}

export function statusCell(status: ProgressStatus): TableCell {
  return { text: STATUS_STYLES[status].label, badge: STATUS_STYLES[status].badge || 'dashboard-badge--none' };
}

export function yesNo(v: boolean): string {
  return v ? 'oui' : 'non';
}

/** What a chart partial receives: the container's id, its title, what describes it (a table's id), and its data. */
export interface ChartModel {
  id: string;
  title: string;
  description: string;
  /** Ids of the elements giving the chart's content as text: its table, or a sentence for a sparkline. */
  describedBy: string;
  size: 'lg' | 'md' | 'sm' | 'spark';
  /** JSON for the browser script, safe inside a `<script type="application/json">` block. */
  spec: string;
}

/**
 * What the browser receives for a chart: the builder and input it hands to the shared chart builders (the bilans'),
 * how tooltips read, and how many rows a horizontal bar chart has (its height grows with them).
 */
export interface ChartPayload {
  chart: ChartSpec;
  tooltip: 'axis' | 'item';
  rows: number;
}

function rowsOf(spec: ChartSpec): number {
  if (spec.builder === 'statusBars') return spec.input.categories.length;
  if (spec.builder === 'territoryBars' && spec.input.horizontal) return spec.input.bars.length;
  if (spec.builder === 'stackedBars' && spec.input.horizontal) return spec.input.categories.length;
  return 0;
}

/** JSON that cannot close its `<script>` block nor open a comment, whatever the labels contain. */
export function safeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function chart(
  id: string,
  title: string,
  description: string,
  describedBy: string,
  spec: ChartSpec,
  size: ChartModel['size'] = 'md',
): ChartModel {
  const payload: ChartPayload = {
    chart: spec,
    tooltip: spec.builder === 'territoryBars' || spec.builder === 'departmentsMap' ? 'item' : 'axis',
    rows: rowsOf(spec),
  };
  return { id, title, description, describedBy, size, spec: safeJson(payload) };
}

/**
 * Counts per status for a status bar chart, from one list of counts per category given in `STATUS_ORDER` (the
 * progress statuses and the charts' statuses are the same four, in the same order).
 */
export function countsByStatus(perCategory: readonly (readonly number[])[]): StatusBarsInput['counts'] {
  return Object.fromEntries(
    CHART_STATUS_ORDER.map((status, k) => [status, perCategory.map((counts) => counts[k] ?? 0)]),
  ) as StatusBarsInput['counts'];
}

/** Texts of values as the page's tables write them, for the labels of a chart (`''` where there is none). */
export function valueTexts(
  values: readonly (number | null | undefined)[],
  unit: IndicatorUnit,
  decimals: number,
): string[] {
  return values.map((v) => (v === null || v === undefined ? '' : formatValue(v, unit, decimals)));
}

/** A URL of the same page with some parameters changed (`undefined` removes one): filters live in the URL. */
export function withQuery(
  path: string,
  current: Record<string, string | undefined>,
  changes: Record<string, string | undefined> = {},
): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...current, ...changes }))
    if (v !== undefined && v !== '') params.set(k, v);
  const query = params.toString();
  return query ? `${path}?${query}` : path;
}

/** The département's short code for URLs: `DEP-93` → `93`. */
export function departmentSlug(code: string): string {
  return code.replace(/^DEP-/, '');
}
