import type { BilanKind } from '../bilan-kinds';

/**
 * The view-models of the bilans: everything a template prints, already computed and formatted in French, and
 * nothing else (no generation time, no author): the SHA-256 of their canonical JSON is the bilan's data hash, equal
 * for equal data. Absent values are `null`, never `undefined`, so that Handlebars' strict mode can tell a value that
 * is missing from the data (an error) from a value that is known to be absent (printed « — »).
 */

export type StatusCode = 'atteint' | 'en_bonne_voie' | 'en_retard' | 'non_renseigne';

export interface TerritoryRef {
  code: string;
  officialCode: string;
  name: string;
}

export interface StrategyRef {
  code: string;
  title: string;
  startYear: number;
  endYear: number;
  /** « 2021-2022 ». */
  period: string;
}

export interface StatusCount {
  status: StatusCode;
  label: string;
  count: number;
}

export interface Narrative {
  ref: string;
  text: string;
  author: string;
  updatedAtLabel: string;
}

/** One indicator of one objective, for one territory: the columns of the indicator tables. */
export interface IndicatorRow {
  code: string;
  label: string;
  unitLabel: string;
  directionLabel: string;
  /** Latest value up to the bilan's year, French, « — » when there is none. */
  value: string;
  valueYear: number | null;
  /** « valeur 2020 » when the latest value is older than the bilan's year, else empty. */
  valueNote: string;
  /** Target of the strategy's last year, « — » when none. */
  target: string;
  targetYear: number | null;
  /** Value minus target (points for a rate), signed. */
  gap: string;
  /** Value minus the situation de départ (points for a rate), signed. */
  change: string;
  baselineYear: number | null;
  status: StatusCode;
  statusLabel: string;
  /** The status was forced by an administrator (with a justification, in `explanation`). */
  forced: boolean;
  explanation: string;
  /** Keys of the sources of the figures of this row (« S3 »), listed in méthodologie et sources. */
  sources: string[];
  warnings: string[];
  /** The région's figures next to the département's, in the bilan CDIAE; `null` in the bilan COR-IAE. */
  region: { value: string; valueNote: string; status: StatusCode; statusLabel: string } | null;
}

export interface ObjectiveBlock {
  number: string;
  title: string;
  /** Anchor of the objective in the document. */
  anchor: string;
  narrative: Narrative | null;
  indicators: IndicatorRow[];
}

export interface AxisBlock {
  number: number;
  title: string;
  anchor: string;
  narrative: Narrative | null;
  statusCounts: StatusCount[];
  indicatorCount: number;
  objectives: ObjectiveBlock[];
  /** Status counts of the axis' indicators in each département (bilan COR-IAE) or in the région (bilan CDIAE). */
  territories: { code: string; name: string; statusCounts: StatusCount[] }[];
}

export interface SeriesData {
  years: number[];
  values: (number | null)[];
  texts: string[];
}

export interface KeyFigure {
  code: string;
  label: string;
  unitFormat: 'number' | 'percent' | 'euro' | 'fte' | 'hours';
  value: string;
  valueYear: number | null;
  change: string;
  target: string;
  status: StatusCode;
  statusLabel: string;
  series: SeriesData;
  targetPoint: { year: number; value: number; text: string } | null;
  /** Same indicator for the région (bilan CDIAE only). */
  regionSeries: SeriesData | null;
  sources: string[];
}

export interface ComparisonIndicator {
  code: string;
  label: string;
  unitFormat: KeyFigure['unitFormat'];
  /** Summed indicators compare as counts; rates as rates (the région's rate is drawn as a line). */
  isRate: boolean;
  region: { value: number | null; text: string };
  departments: {
    code: string;
    officialCode: string;
    name: string;
    value: number | null;
    text: string;
    valueYear: number | null;
    status: StatusCode;
    statusLabel: string;
  }[];
  sources: string[];
}

/** A section fed by another module: available, or the reason why not (printed « Données non disponibles : … »). */
export interface SectionData<T> {
  available: boolean;
  reason: string | null;
  data: T | null;
}

export interface ActionPlanData {
  /** Columns of the status tables, in the plans' order. */
  statuses: { status: string; label: string }[];
  /** One line per département (bilan COR-IAE) or the département alone (bilan CDIAE). */
  plans: {
    territory: string;
    name: string;
    planStatusLabel: string;
    counted: boolean;
    actions: number;
    byStatus: number[];
    late: number;
    uncovered: string;
  }[];
  totals: { actions: number; byStatus: number[]; late: number; averageProgress: string };
  byObjective: { number: string; title: string; actions: number; late: number; uncovered: string }[];
  /** Actions of the plan (bilan CDIAE), by objective. */
  actions: {
    objective: string;
    title: string;
    statusLabel: string;
    progress: string;
    pilot: string;
    due: string;
    late: boolean;
  }[];
  lateActions: { title: string; territory: string; due: string; pilot: string; statusLabel: string }[];
  summary: string | null;
  budget: { planned: string; actual: string } | null;
}

export interface GovernanceData {
  meetings: {
    dateLabel: string;
    instance: string;
    instanceType: string;
    territory: string;
    title: string;
    statusLabel: string;
    participants: number;
    agenda: string;
    decisions: number;
  }[];
  decisions: {
    dateLabel: string;
    instance: string;
    kindLabel: string;
    text: string;
    targets: string;
  }[];
  byType: { type: string; held: number }[];
  heldCount: number;
  decisionCount: number;
}

export interface FundingData {
  totals: {
    committed: string;
    paid: string;
    paidRate: string;
    aidEtp: string;
    aidPerEtp: string;
    allPerEtp: string;
  };
  byFunderKind: { label: string; committed: string; paid: string; share: string; committedValue: number }[];
  byFunder: {
    label: string;
    kindLabel: string;
    committed: string;
    paid: string;
    etp: string;
    share: string;
  }[];
  byScheme: { label: string; committed: string; paid: string; etp: string; share: string }[];
  perEtp: {
    label: string;
    aidEtp: string;
    aidPerEtp: string;
    base: string;
    gap: string;
    allPerEtp: string;
  }[];
  byDepartment: {
    name: string;
    current: boolean;
    total: boolean;
    committed: string;
    aidEtp: string;
    aidPerEtp: string;
    stateShare: string;
    councilShare: string;
  }[];
  evolution: {
    years: number[];
    kinds: string[];
    rows: {
      year: number;
      committed: string;
      byKind: string[];
      change: string;
      committedValue: number;
      byKindValues: number[];
    }[];
  };
  reference: string;
}

export interface SourceEntry {
  key: string;
  /** What the figures are: « Document de référence », « Import de fichier », « Exécution de source »… */
  kindLabel: string;
  label: string;
  /** Run or import that wrote them, when there is one. */
  run: { id: number; source: string; startedLabel: string; status: string } | null;
  /** `source:3:run:12`, `reference:…`, `demo`, a login: the provenance as stored with each value. */
  ref: string;
  recordedLabel: string;
  validatedLabel: string;
  figures: number;
  indicators: string[];
  /** The codes, or « les 59 indicateurs du bilan » when the source feeds every one of them. */
  indicatorsLabel: string;
  demo: boolean;
}

export interface AnnexTable {
  code: string;
  label: string;
  unitLabel: string;
  years: number[];
  rows: { territory: string; values: string[]; target: string; statusLabel: string; isRegion: boolean }[];
}

interface Common {
  kind: BilanKind;
  territory: TerritoryRef;
  region: TerritoryRef;
  strategy: StrategyRef;
  year: number;
  /** Most recent recording or validation of the data used (ISO), and in French. */
  dataDate: string;
  dataDateLabel: string;
  /** Some figures are demonstration data: said on the cover and in the footer. */
  demo: boolean;
  synthesis: {
    narrative: Narrative | null;
    indicatorCount: number;
    statusCounts: StatusCount[];
    keyFigures: KeyFigure[];
    axes: {
      number: number;
      title: string;
      anchor: string;
      indicatorCount: number;
      statusCounts: StatusCount[];
      mainStatusLabel: string;
    }[];
  };
  axes: AxisBlock[];
  conclusion: Narrative | null;
  actionPlans: SectionData<ActionPlanData>;
  governance: SectionData<GovernanceData>;
  funding: SectionData<FundingData>;
  methodology: {
    progressMethod: string;
    rollupMethod: string;
    targetsNote: string;
    valuesNote: string;
    sources: SourceEntry[];
    mapAttribution: string;
  };
  annexes: AnnexTable[];
}

export interface CorIaeViewModel extends Common {
  kind: 'cor-iae';
  departments: TerritoryRef[];
  comparison: { indicators: ComparisonIndicator[]; map: ComparisonIndicator | null };
}

export interface CdiaeViewModel extends Common {
  kind: 'cdiae';
}

export type BilanViewModel = CorIaeViewModel | CdiaeViewModel;
