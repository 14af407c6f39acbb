import { Injectable } from '@nestjs/common';
import { DomainError, FieldIssue, MAX_YEAR, MIN_YEAR } from '@cap-iae/shared';
import { TerritoriesService, TerritoryView } from '@cap-iae/territories';
import {
  AIDE_AU_POSTE_REFERENCE,
  byFunderKindOf,
  byFunderOf,
  bySchemeOf,
  comparisonRow,
  ComparisonRow,
  ConferenceView,
  evolutionOf,
  EvolutionView,
  KindRow,
  perEtpOf,
  PerEtpRow,
  SchemeRow,
  totalsOf,
  TotalsRow,
  yearsBetween,
} from './conference';
import { FundingLinesService } from './funding-lines.service';
import type { FundingLineView } from './views';

/** Longest period a conférence may span: beyond it the tables stop being readable. */
export const MAX_CONFERENCE_YEARS = 30;
/** Years of evolution a bilan shows before its year. */
const SUMMARY_HISTORY = 4;

/**
 * Funding of a whole région for one year, for the bilan COR-IAE: the région's totals, the split by funder kind and
 * by scheme, € per ETP by SIAE type, the same indicators per département, and the last five years.
 */
export interface RegionalFundingSummary {
  region: { code: string; name: string };
  year: number;
  totals: TotalsRow;
  byFunderKind: KindRow[];
  byScheme: SchemeRow[];
  perEtp: PerEtpRow[];
  /** One row per département of the région, then the région's total (`total: true`). */
  byDepartment: ComparisonRow[];
  evolution: EvolutionView;
  reference: ConferenceView['reference'];
}

/** Read side of the conférence des financeurs: the département's tables, and the région's summary for bilans. */
@Injectable()
export class ConferenceService {
  constructor(
    private readonly lines: FundingLinesService,
    private readonly territories: TerritoriesService,
  ) {}

  /** The conférence of a département over `from`..`to` (inclusive): totals and shares over the period, per year. */
  async conference(department: string, from: number, to: number): Promise<ConferenceView> {
    const issues: FieldIssue[] = [];
    const territory = await this.department(department, issues);
    yearIssues(from, to, issues);
    if (issues.length) throw DomainError.validation(issues, 'Paramètres de la conférence invalides.');
    return this.build(territory!, from, to, from);
  }

  /**
   * What a bilan CDIAE prints for a département and a year: the tables of that year alone, and the evolution over
   * the five years up to it. Same view-model as `conference()` (see ConferenceView for every field's meaning).
   */
  async conferenceSummary(department: string, year: number): Promise<ConferenceView> {
    const issues: FieldIssue[] = [];
    const territory = await this.department(department, issues);
    yearIssues(year, year, issues);
    if (issues.length) throw DomainError.validation(issues, 'Paramètres de la conférence invalides.');
    return this.build(territory!, year, year, Math.max(MIN_YEAR, year - SUMMARY_HISTORY));
  }

  /** The bilan COR-IAE's funding summary for a région and a year. */
  async regionalSummary(region: string, year: number): Promise<RegionalFundingSummary> {
    const issues: FieldIssue[] = [];
    const territory = (await this.territories.all()).get(region);
    if (!territory || territory.level !== 'region')
      issues.push({ field: 'region', message: `« ${region} » n’est pas une région connue (ex. REG-11)` });
    yearIssues(year, year, issues);
    if (issues.length) throw DomainError.validation(issues, 'Paramètres du bilan invalides.');
    const departments = await this.departmentsOf(region);
    const historyFrom = Math.max(MIN_YEAR, year - SUMMARY_HISTORY);
    const all = await this.lines.list({
      territories: departments.map((d) => d.code),
      yearFrom: historyFrom,
      yearTo: year,
    });
    const ofYear = all.filter((l) => l.year === year);
    return {
      region: { code: territory!.code, name: territory!.name },
      year,
      totals: totalsOf(ofYear),
      byFunderKind: byFunderKindOf(ofYear),
      byScheme: bySchemeOf(ofYear),
      perEtp: perEtpOf(ofYear, year),
      byDepartment: comparisonRows(departments, ofYear, null, territory),
      evolution: evolutionOf(all, yearsBetween(historyFrom, year)),
      reference: AIDE_AU_POSTE_REFERENCE,
    };
  }

  private async build(
    territory: TerritoryView,
    from: number,
    to: number,
    evolutionFrom: number,
  ): Promise<ConferenceView> {
    const all = await this.territories.all();
    const region = territory.parentCode ? all.get(territory.parentCode) : undefined;
    const departments = region ? await this.departmentsOf(region.code) : [territory];
    const lines = await this.lines.list({
      territories: departments.map((d) => d.code),
      yearFrom: Math.min(from, evolutionFrom),
      yearTo: to,
    });
    const inPeriod = lines.filter((l) => l.year >= from && l.year <= to);
    const own = inPeriod.filter((l) => l.territory === territory.code);
    return {
      territory: { code: territory.code, name: territory.name },
      region: region ? { code: region.code, name: region.name } : null,
      from,
      to,
      totals: totalsOf(own),
      byFunder: byFunderOf(own),
      byScheme: bySchemeOf(own),
      byFunderKind: byFunderKindOf(own),
      perEtp: perEtpOf(own, to),
      evolution: evolutionOf(
        lines.filter((l) => l.territory === territory.code),
        yearsBetween(evolutionFrom, to),
      ),
      comparison: comparisonRows(departments, inPeriod, territory.code, region),
      reference: AIDE_AU_POSTE_REFERENCE,
    };
  }

  private async department(code: string, issues: FieldIssue[]): Promise<TerritoryView | undefined> {
    const t = code ? (await this.territories.all()).get(code) : undefined;
    if (!t || t.level !== 'department') {
      issues.push({
        field: 'territory',
        message: code
          ? `« ${code} » n’est pas un département connu (ex. DEP-77)`
          : 'indiquez un département (ex. DEP-77)',
      });
      return undefined;
    }
    return t;
  }

  private async departmentsOf(region: string): Promise<TerritoryView[]> {
    return (await this.territories.list({ level: 'department', parent: region })).sort((a, b) =>
      a.code.localeCompare(b.code),
    );
  }
}

function comparisonRows(
  departments: readonly TerritoryView[],
  lines: readonly FundingLineView[],
  current: string | null,
  region: { code: string; name: string } | undefined,
): ComparisonRow[] {
  const rows = departments.map((d) =>
    comparisonRow(
      d,
      lines.filter((l) => l.territory === d.code),
      { current: d.code === current, total: false },
    ),
  );
  if (region) rows.push(comparisonRow(region, lines, { current: false, total: true }));
  return rows;
}

function yearIssues(from: number, to: number, issues: FieldIssue[]): void {
  const ok = (y: number) => Number.isInteger(y) && y >= MIN_YEAR && y <= MAX_YEAR;
  if (!ok(from))
    issues.push({ field: 'from', message: `doit être une année entre ${MIN_YEAR} et ${MAX_YEAR}` });
  if (!ok(to)) issues.push({ field: 'to', message: `doit être une année entre ${MIN_YEAR} et ${MAX_YEAR}` });
  if (ok(from) && ok(to) && from > to)
    issues.push({ field: 'to', message: 'la dernière année doit suivre la première' });
  else if (ok(from) && ok(to) && to - from + 1 > MAX_CONFERENCE_YEARS)
    issues.push({ field: 'from', message: `${MAX_CONFERENCE_YEARS} ans au plus` });
}
