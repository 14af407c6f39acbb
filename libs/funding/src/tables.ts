import { formatEuroFr, formatNumberFr, formatPercentFr } from '@cap-iae/shared';
import type { ConferenceView } from './conference';
import type { FundingLineView } from './views';

/**
 * The conférence's tables described once (caption, columns, rows of raw numbers) and rendered three ways: the page
 * (fr-FR text), the CSV and the XLSX (numbers as numbers). A figure therefore cannot differ between the page and
 * its exports.
 */
export type ColumnKind = 'text' | 'year' | 'count' | 'euro' | 'perEtp' | 'etp' | 'percent';

export interface TableColumn {
  header: string;
  kind: ColumnKind;
}

export type Cell = string | number | null;

export interface ConferenceTable {
  /** Stable key, used in export URLs (`?table=funders`). */
  key: TableKey;
  /** Caption of the page's table; also the CSV section title. */
  caption: string;
  /** Sheet name in the workbook (31 characters at most). */
  sheet: string;
  columns: TableColumn[];
  rows: Cell[][];
  /** Total row, when the table has one (kept apart so that the page can style it). */
  total?: Cell[];
}

export const TABLE_KEYS = [
  'funders',
  'shares',
  'kinds',
  'schemes',
  'per-etp',
  'evolution',
  'comparison',
  'lines',
] as const;
export type TableKey = (typeof TABLE_KEYS)[number];

export function isTableKey(v: unknown): v is TableKey {
  return typeof v === 'string' && (TABLE_KEYS as readonly string[]).includes(v);
}

function periodText(v: ConferenceView): string {
  return v.from === v.to ? String(v.from) : `${v.from}-${v.to}`;
}

export function conferenceTables(v: ConferenceView, lines?: readonly FundingLineView[]): ConferenceTable[] {
  const period = periodText(v);
  const where = `${v.territory.name}, ${period}`;
  const t = v.totals;
  const tables: ConferenceTable[] = [
    {
      key: 'funders',
      caption: `Financements par financeur — ${where}`,
      sheet: 'Par financeur',
      columns: [
        { header: 'Financeur', kind: 'text' },
        { header: 'Type de financeur', kind: 'text' },
        { header: 'Montant engagé (€)', kind: 'euro' },
        { header: 'Montant versé (€)', kind: 'euro' },
        { header: 'ETP financés', kind: 'etp' },
        { header: 'Taux de versement (%)', kind: 'percent' },
      ],
      rows: v.byFunder.map((r) => [
        r.label,
        r.kindLabel,
        r.committed,
        r.paid,
        r.etp,
        r.committed ? Math.round((r.paid / r.committed) * 1000) / 10 : null,
      ]),
      total: ['Total', '', t.committed, t.paid, null, t.paidRate],
    },
    {
      key: 'shares',
      caption: `Parts de cofinancement par financeur — ${where}`,
      sheet: 'Cofinancement',
      columns: [
        { header: 'Financeur', kind: 'text' },
        { header: 'Part des engagements (%)', kind: 'percent' },
        { header: 'Part des versements (%)', kind: 'percent' },
      ],
      rows: v.byFunder.map((r) => [r.label, r.share, r.sharePaid]),
      total: ['Total', t.committed ? 100 : null, t.paid ? 100 : null],
    },
    {
      key: 'kinds',
      caption: `Parts par type de financeur — ${where}`,
      sheet: 'Par type de financeur',
      columns: [
        { header: 'Type de financeur', kind: 'text' },
        { header: 'Montant engagé (€)', kind: 'euro' },
        { header: 'Montant versé (€)', kind: 'euro' },
        { header: 'Part des engagements (%)', kind: 'percent' },
        { header: 'Part des versements (%)', kind: 'percent' },
      ],
      rows: v.byFunderKind.map((r) => [r.label, r.committed, r.paid, r.share, r.sharePaid]),
      total: ['Total', t.committed, t.paid, t.committed ? 100 : null, t.paid ? 100 : null],
    },
    {
      key: 'schemes',
      caption: `Financements par dispositif — ${where}`,
      sheet: 'Par dispositif',
      columns: [
        { header: 'Dispositif', kind: 'text' },
        { header: 'Montant engagé (€)', kind: 'euro' },
        { header: 'Montant versé (€)', kind: 'euro' },
        { header: 'ETP financés', kind: 'etp' },
        { header: 'Part des engagements (%)', kind: 'percent' },
      ],
      rows: v.byScheme.map((r) => [r.label, r.committed, r.paid, r.etp, r.share]),
      total: ['Total', t.committed, t.paid, null, t.committed ? 100 : null],
    },
    {
      key: 'per-etp',
      caption: `Euros par ETP par type de SIAE, comparés au socle de l’aide au poste — ${where}`,
      sheet: 'Euros par ETP',
      columns: [
        { header: 'Type de SIAE', kind: 'text' },
        { header: 'ETP (aide au poste)', kind: 'etp' },
        { header: 'Aide au poste engagée (€)', kind: 'euro' },
        { header: 'Aide au poste par ETP (€)', kind: 'perEtp' },
        { header: 'Socle de référence par ETP (€)', kind: 'perEtp' },
        { header: 'Année du socle', kind: 'year' },
        { header: 'Écart au socle (%)', kind: 'percent' },
        { header: 'Tous financements engagés (€)', kind: 'euro' },
        { header: 'Tous financements par ETP (€)', kind: 'perEtp' },
      ],
      rows: v.perEtp.map((r) => [
        r.label,
        r.aidEtp,
        r.aidCommitted,
        r.aidPerEtp,
        r.base,
        r.baseYear,
        r.gapPercent,
        r.allCommitted,
        r.allPerEtp,
      ]),
    },
    {
      key: 'evolution',
      caption: `Évolution des financements par année — ${v.territory.name}`,
      sheet: 'Évolution',
      columns: [
        { header: 'Année', kind: 'year' },
        ...v.evolution.kinds.map((k) => ({ header: `${k.label} : engagé (€)`, kind: 'euro' as const })),
        { header: 'Total engagé (€)', kind: 'euro' },
        { header: 'Total versé (€)', kind: 'euro' },
        { header: 'Évolution de l’engagé (%)', kind: 'percent' },
        { header: 'ETP (aide au poste)', kind: 'etp' },
        { header: 'Aide au poste par ETP (€)', kind: 'perEtp' },
      ],
      rows: v.evolution.rows.map((r) => [
        r.year,
        ...r.byKind,
        r.committed,
        r.paid,
        r.change,
        r.aidEtp,
        r.aidPerEtp,
      ]),
    },
    {
      key: 'comparison',
      caption: `Comparaison avec les autres départements${v.region ? ` de la région ${v.region.name}` : ''} — ${period}`,
      sheet: 'Comparaison',
      columns: [
        { header: 'Territoire', kind: 'text' },
        { header: 'Montant engagé (€)', kind: 'euro' },
        { header: 'Montant versé (€)', kind: 'euro' },
        { header: 'ETP (aide au poste)', kind: 'etp' },
        { header: 'Aide au poste par ETP (€)', kind: 'perEtp' },
        { header: 'Tous financements par ETP (€)', kind: 'perEtp' },
        { header: 'Part de l’État (%)', kind: 'percent' },
        { header: 'Part du conseil départemental (%)', kind: 'percent' },
      ],
      rows: v.comparison
        .filter((r) => !r.total)
        .map((r) => [
          `${r.name} (${r.territory})`,
          r.committed,
          r.paid,
          r.aidEtp,
          r.aidPerEtp,
          r.allPerEtp,
          r.stateShare,
          r.councilShare,
        ]),
      total: v.comparison
        .filter((r) => r.total)
        .map((r): Cell[] => [
          `${r.name} (ensemble)`,
          r.committed,
          r.paid,
          r.aidEtp,
          r.aidPerEtp,
          r.allPerEtp,
          r.stateShare,
          r.councilShare,
        ])[0],
    },
  ];
  if (lines) tables.push(linesTable(lines, where));
  return tables;
}

export function linesTable(lines: readonly FundingLineView[], where: string): ConferenceTable {
  return {
    key: 'lines',
    caption: `Lignes de financement — ${where}`,
    sheet: 'Lignes',
    columns: [
      { header: 'N°', kind: 'count' },
      { header: 'Année', kind: 'year' },
      { header: 'Département', kind: 'text' },
      { header: 'Financeur', kind: 'text' },
      { header: 'Code financeur', kind: 'text' },
      { header: 'Dispositif', kind: 'text' },
      { header: 'Code dispositif', kind: 'text' },
      { header: 'Type de SIAE', kind: 'text' },
      { header: 'Montant engagé (€)', kind: 'euro' },
      { header: 'Montant versé (€)', kind: 'euro' },
      { header: 'ETP financés', kind: 'etp' },
      { header: 'Commentaire', kind: 'text' },
      { header: 'Démonstration', kind: 'text' },
    ],
    rows: lines.map((l) => [
      l.id,
      l.year,
      l.territory,
      l.funderLabel,
      l.funder,
      l.schemeLabel,
      l.scheme,
      l.siaeType ?? 'tous types',
      l.committed,
      l.paid,
      l.etp,
      l.comment ?? '',
      l.demo ? 'oui' : 'non',
    ]),
  };
}

/** A cell as the page prints it (fr-FR: « 1 234 567 € », « 45,3 % », « 1 234,5 »); « — » for nothing. */
export function formatCell(value: Cell, kind: ColumnKind): string {
  if (value === null || value === '') return kind === 'text' ? '' : '—';
  if (typeof value === 'string') return value;
  switch (kind) {
    case 'euro':
    case 'perEtp':
      return formatEuroFr(value, 0);
    case 'etp':
      return formatNumberFr(value, Number.isInteger(value) ? 0 : 1);
    case 'percent':
      return formatPercentFr(value, Number.isInteger(value) ? 0 : 1);
    case 'count':
      return formatNumberFr(value, 0);
    case 'year':
    case 'text':
      return String(value);
  }
}
