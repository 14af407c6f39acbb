import { DIMENSIONS } from '@cap-iae/shared';
import { aidePosteBaseFor } from './aide-au-poste';
import { FUNDER_KIND_LABELS, FunderKind, FUNDER_KINDS, FUNDING_SIAE_TYPES } from './funding.entities';
import { AIDE_AU_POSTE_SCHEME, REFERENCE_SCHEMES } from './reference';
import { largestRemainderShares, percent, ratio } from './shares';
import type { FundingLineView } from './views';

/**
 * The conférence des financeurs as plain data: what the API returns, what the page, the CSV/XLSX exports and the
 * bilans read. Every figure is computed here, once, from the funding lines.
 *
 * Rules the figures follow (docs/funding.md says the same in French):
 * - amounts are euros; a « montant versé » not given counts as 0; totals over several years are sums;
 * - shares (`share`, `sharePaid`) are percentages with one decimal, rounded by the largest-remainder method so that
 *   each table's shares add up to exactly 100;
 * - € per ETP is always a sum of amounts divided by a sum of ETP, never an average of per-line ratios;
 *   `aidPerEtp` = aide au poste committed / ETP of the aide au poste lines (the posts conventionnés);
 *   `allPerEtp` = every funder's committed amount / those same ETP (all public money per post);
 * - a ratio without denominator is null (shown « — »).
 */
export interface ConferenceView {
  territory: { code: string; name: string };
  region: { code: string; name: string } | null;
  /** Period of the totals and shares (inclusive). */
  from: number;
  to: number;
  totals: TotalsRow;
  byFunder: FunderRow[];
  byScheme: SchemeRow[];
  byFunderKind: KindRow[];
  perEtp: PerEtpRow[];
  evolution: EvolutionView;
  comparison: ComparisonRow[];
  /** Where the aide au poste bases come from. */
  reference: { source: string; sourceRef: string; note: string };
}

export interface TotalsRow {
  lines: number;
  committed: number;
  paid: number;
  /** Paid / committed, %, one decimal. */
  paidRate: number | null;
  /** ETP of the aide au poste lines (the posts conventionnés). */
  aidEtp: number;
  aidPerEtp: number | null;
  allPerEtp: number | null;
}

export interface FunderRow {
  funder: string;
  label: string;
  kind: FunderKind;
  kindLabel: string;
  committed: number;
  paid: number;
  /** ETP financés by these lines; null when none of them pays posts. */
  etp: number | null;
  /** Share of the committed amounts, %, largest remainder. */
  share: number;
  /** Share of the paid amounts, %, largest remainder. */
  sharePaid: number;
}

export interface SchemeRow {
  scheme: string;
  label: string;
  committed: number;
  paid: number;
  etp: number | null;
  share: number;
}

export interface KindRow {
  kind: FunderKind;
  label: string;
  committed: number;
  paid: number;
  share: number;
  sharePaid: number;
}

export interface PerEtpRow {
  /** null for the « tous types » row, which also counts the lines not split by type. */
  siaeType: string | null;
  label: string;
  aidEtp: number;
  aidCommitted: number;
  aidPerEtp: number | null;
  /** Reference base of the aide au poste for this type (aide-au-poste.json), and its year. */
  base: number | null;
  baseYear: number | null;
  /** (aidPerEtp − base) / base, %, one decimal. */
  gapPercent: number | null;
  allCommitted: number;
  allPerEtp: number | null;
}

export interface EvolutionView {
  years: number[];
  /** Funder kinds present over the years, in the usual order (columns of the table). */
  kinds: { kind: FunderKind; label: string }[];
  rows: EvolutionRow[];
}

export interface EvolutionRow {
  year: number;
  committed: number;
  paid: number;
  /** Committed by funder kind, in the order of `EvolutionView.kinds`. */
  byKind: number[];
  aidEtp: number;
  aidPerEtp: number | null;
  /** Change of the committed total from the previous year, %, one decimal. */
  change: number | null;
}

export interface ComparisonRow {
  territory: string;
  name: string;
  /** The département of the conférence (highlighted), or the région's total (`total`). */
  current: boolean;
  total: boolean;
  committed: number;
  paid: number;
  aidEtp: number;
  aidPerEtp: number | null;
  allPerEtp: number | null;
  stateShare: number;
  councilShare: number;
}

export const AIDE_AU_POSTE_REFERENCE = {
  source: 'Pacte d’ambition pour l’IAE (2019)',
  sourceRef: 'Montants socles nationaux par ETP d’insertion (libs/reference-data/data/aide-au-poste.json)',
  note: 'Socles hors part modulée (0 à 10 %) ; aucun socle n’est donné pour les EITI ; la seule année connue est 2019.',
};

type Line = Pick<
  FundingLineView,
  | 'funder'
  | 'funderLabel'
  | 'funderKind'
  | 'scheme'
  | 'schemeLabel'
  | 'territory'
  | 'year'
  | 'siaeType'
  | 'committed'
  | 'paid'
  | 'etp'
>;

const SCHEME_ORDER = REFERENCE_SCHEMES.map((s) => s.code);

function add(lines: readonly Line[], pick: (l: Line) => number | null): number {
  // Cents are summed as integers: a total of many lines must not drift from the sum a person would type.
  return lines.reduce((acc, l) => acc + Math.round((pick(l) ?? 0) * 100), 0) / 100;
}

const isAid = (l: Line) => l.scheme === AIDE_AU_POSTE_SCHEME;

/** Sum of the ETP given, or null when no line gives any (« — » rather than a misleading 0). */
function etpOf(lines: readonly Line[]): number | null {
  return lines.some((l) => l.etp !== null) ? add(lines, (l) => l.etp) : null;
}

export function totalsOf(lines: readonly Line[]): TotalsRow {
  const committed = add(lines, (l) => l.committed);
  const paid = add(lines, (l) => l.paid);
  const aid = lines.filter(isAid);
  const aidEtp = add(aid, (l) => l.etp);
  return {
    lines: lines.length,
    committed,
    paid,
    paidRate: percent(paid, committed),
    aidEtp,
    aidPerEtp: ratio(
      add(aid, (l) => l.committed),
      aidEtp,
    ),
    allPerEtp: ratio(committed, aidEtp),
  };
}

function groupBy<K>(lines: readonly Line[], key: (l: Line) => K): Map<K, Line[]> {
  const groups = new Map<K, Line[]>();
  for (const l of lines) {
    const k = key(l);
    const g = groups.get(k);
    if (g) g.push(l);
    else groups.set(k, [l]);
  }
  return groups;
}

export function byFunderOf(lines: readonly Line[]): FunderRow[] {
  const rows = [...groupBy(lines, (l) => l.funder).values()]
    .map((g) => ({
      funder: g[0].funder,
      label: g[0].funderLabel,
      kind: g[0].funderKind,
      kindLabel: FUNDER_KIND_LABELS[g[0].funderKind],
      committed: add(g, (l) => l.committed),
      paid: add(g, (l) => l.paid),
      etp: etpOf(g),
      share: 0,
      sharePaid: 0,
    }))
    .sort(
      (a, b) =>
        FUNDER_KINDS.indexOf(a.kind) - FUNDER_KINDS.indexOf(b.kind) || a.label.localeCompare(b.label, 'fr'),
    );
  const shares = largestRemainderShares(rows.map((r) => r.committed));
  const paidShares = largestRemainderShares(rows.map((r) => r.paid));
  rows.forEach((r, i) => {
    r.share = shares[i];
    r.sharePaid = paidShares[i];
  });
  return rows;
}

export function bySchemeOf(lines: readonly Line[]): SchemeRow[] {
  const position = (code: string) => {
    const i = SCHEME_ORDER.indexOf(code);
    return i < 0 ? SCHEME_ORDER.length : i;
  };
  const rows = [...groupBy(lines, (l) => l.scheme).values()]
    .map((g) => ({
      scheme: g[0].scheme,
      label: g[0].schemeLabel,
      committed: add(g, (l) => l.committed),
      paid: add(g, (l) => l.paid),
      etp: etpOf(g),
      share: 0,
    }))
    .sort((a, b) => position(a.scheme) - position(b.scheme) || a.label.localeCompare(b.label, 'fr'));
  const shares = largestRemainderShares(rows.map((r) => r.committed));
  rows.forEach((r, i) => (r.share = shares[i]));
  return rows;
}

export function byFunderKindOf(lines: readonly Line[]): KindRow[] {
  const groups = groupBy(lines, (l) => l.funderKind);
  const rows = FUNDER_KINDS.filter((k) => groups.has(k)).map((kind) => {
    const g = groups.get(kind)!;
    return {
      kind,
      label: FUNDER_KIND_LABELS[kind],
      committed: add(g, (l) => l.committed),
      paid: add(g, (l) => l.paid),
      share: 0,
      sharePaid: 0,
    };
  });
  const shares = largestRemainderShares(rows.map((r) => r.committed));
  const paidShares = largestRemainderShares(rows.map((r) => r.paid));
  rows.forEach((r, i) => {
    r.share = shares[i];
    r.sharePaid = paidShares[i];
  });
  return rows;
}

export function perEtpOf(lines: readonly Line[], baseYear: number): PerEtpRow[] {
  const row = (siaeType: string | null, label: string, subset: readonly Line[]): PerEtpRow => {
    const aid = subset.filter(isAid);
    const aidEtp = add(aid, (l) => l.etp);
    const aidCommitted = add(aid, (l) => l.committed);
    const allCommitted = add(subset, (l) => l.committed);
    const base = siaeType ? aidePosteBaseFor(siaeType, baseYear) : null;
    const aidPerEtp = ratio(aidCommitted, aidEtp);
    return {
      siaeType,
      label,
      aidEtp,
      aidCommitted,
      aidPerEtp,
      base: base?.amountPerEtp ?? null,
      baseYear: base?.year ?? null,
      gapPercent:
        base && aidPerEtp !== null
          ? percent(aidCommitted / aidEtp - base.amountPerEtp, base.amountPerEtp)
          : null,
      allCommitted,
      allPerEtp: ratio(allCommitted, aidEtp),
    };
  };
  const typed = FUNDING_SIAE_TYPES.map((t) =>
    row(
      t,
      `${t} — ${DIMENSIONS.siae_type.values[t]}`,
      lines.filter((l) => l.siaeType === t),
    ),
  ).filter((r) => r.allCommitted > 0 || r.aidEtp > 0 || r.base !== null);
  return [...typed, row(null, 'Tous types (y compris les lignes non ventilées)', lines)];
}

export function evolutionOf(lines: readonly Line[], years: readonly number[]): EvolutionView {
  const present = new Set(lines.map((l) => l.funderKind));
  const kinds = FUNDER_KINDS.filter((k) => present.has(k)).map((kind) => ({
    kind,
    label: FUNDER_KIND_LABELS[kind],
  }));
  const byYear = groupBy(lines, (l) => l.year);
  let previous: number | null = null;
  const rows = years.map((year) => {
    const g = byYear.get(year) ?? [];
    const t = totalsOf(g);
    const row: EvolutionRow = {
      year,
      committed: t.committed,
      paid: t.paid,
      byKind: kinds.map((k) => add(g, (l) => (l.funderKind === k.kind ? l.committed : 0))),
      aidEtp: t.aidEtp,
      aidPerEtp: t.aidPerEtp,
      change: previous ? percent(t.committed - previous, previous) : null,
    };
    previous = t.committed;
    return row;
  });
  return { years: [...years], kinds, rows };
}

export function comparisonRow(
  territory: { code: string; name: string },
  lines: readonly Line[],
  flags: { current: boolean; total: boolean },
): ComparisonRow {
  const t = totalsOf(lines);
  const kinds = byFunderKindOf(lines);
  return {
    territory: territory.code,
    name: territory.name,
    ...flags,
    committed: t.committed,
    paid: t.paid,
    aidEtp: t.aidEtp,
    aidPerEtp: t.aidPerEtp,
    allPerEtp: t.allPerEtp,
    stateShare: kinds.find((k) => k.kind === 'state')?.share ?? 0,
    councilShare: kinds.find((k) => k.kind === 'departmental_council')?.share ?? 0,
  };
}

export function yearsBetween(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
