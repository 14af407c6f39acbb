import { DataSource } from 'typeorm';
import {
  formatIndicatorValue,
  IndicatorsService,
  IndicatorView,
  Observation,
  ObservationStatus,
  ProgressReport,
  ProgressService,
  ProvenanceKind,
  rollup,
  RollupMethod,
  TargetsService,
  TargetView,
} from '@cap-iae/indicators';
import { StrategiesService, StrategyView } from '@cap-iae/strategy';
import { TerritoriesService, TerritoryView } from '@cap-iae/territories';
import { DashboardCache } from './dashboard-cache';

/** One stored value as the dashboard shows it, with everything needed to say where it comes from. */
export interface StoredValue {
  territory: string;
  year: number;
  dimensionKey: string;
  value: number;
  numerator: number | null;
  denominator: number | null;
  status: ObservationStatus;
  source: string | null;
  doubtful: boolean;
  note: string | null;
  demo: boolean;
  kind: ProvenanceKind;
  ref: string;
  recordedAt: string;
  validatedAt: string | null;
  validatedBy: string | null;
}

/** A région's value for one year, observed or rolled up from its départements (docs/indicators.md § 1). */
export interface RegionalValue {
  year: number;
  value: number;
  formatted: string;
  /** A partial sum of départements is shown, flagged, but never judged against a target. */
  complete: boolean;
  method: RollupMethod;
  provenance: string;
  status: ObservationStatus;
  /** Source labels of the values used, without repeats. */
  sources: string[];
  /** Latest recording among the values used: the « mis à jour le » of the figure. */
  recordedAt: string;
  demo: boolean;
  warnings: string[];
  /** The région's own stored row, when it has one. */
  direct: StoredValue | null;
}

/** Everything a page needs about one indicator and one dimension set in one région: yearly values at both levels. */
export interface IndicatorSeries {
  indicator: IndicatorView;
  dimensionKey: string;
  regional: Map<number, RegionalValue>;
  byDepartment: Map<string, Map<number, StoredValue>>;
}

export interface RegionScope {
  region: TerritoryView;
  departments: TerritoryView[];
}

/**
 * The dashboard's read model: the public picture (validated values only, as the public API gives), annual values,
 * région values rolled up exactly like `RollupService` does (same pure `rollup()`), so that a figure on a page equals
 * the figure the API gives. Every answer is cached until the data change (see DashboardCache).
 */
export class DashboardData {
  constructor(
    private readonly dataSource: DataSource,
    readonly cache: DashboardCache,
    private readonly indicators: IndicatorsService,
    private readonly strategies: StrategiesService,
    private readonly territories: TerritoriesService,
    private readonly targets: TargetsService,
    private readonly progress: ProgressService,
  ) {}

  catalogue(): Promise<IndicatorView[]> {
    return this.cache.get('catalogue', () => this.indicators.list());
  }

  async indicator(code: string): Promise<IndicatorView | undefined> {
    return (await this.catalogue()).find((i) => i.code === code);
  }

  strategyList(): Promise<StrategyView[]> {
    return this.cache.get('strategies', () => this.strategies.list());
  }

  async territory(code: string): Promise<TerritoryView | undefined> {
    return (await this.territories.all()).get(code);
  }

  async scope(regionCode: string): Promise<RegionScope> {
    const region = await this.territories.get(regionCode);
    const departments = (await this.territories.children(region.code)).filter(
      (t) => t.level === 'department',
    );
    return { region, departments };
  }

  report(strategy: string, territory: string, year: number): Promise<ProgressReport> {
    return this.cache.get(`progress|${strategy}|${territory}|${year}`, () =>
      this.progress.report({ strategy, territory, year }),
    );
  }

  /** Targets of the région and its départements for these indicators (totals only). */
  targetsOf(indicators: string[], scope: RegionScope): Promise<TargetView[]> {
    const territories = [scope.region.code, ...scope.departments.map((d) => d.code)];
    return this.cache.get(`targets|${[...indicators].sort().join(',')}|${scope.region.code}`, async () =>
      (await this.targets.find({ indicators, territories })).filter(
        (t) => Object.keys(t.dimensions).length === 0,
      ),
    );
  }

  /** Yearly series of several indicators for one dimension set (`''` = total), région and départements. */
  series(codes: string[], regionCode: string, dimensionKey = ''): Promise<Map<string, IndicatorSeries>> {
    const key = `series|${[...codes].sort().join(',')}|${regionCode}|${dimensionKey}`;
    return this.cache.get(key, async () => {
      const scope = await this.scope(regionCode);
      const rows = await this.rows(codes, scope, { key: dimensionKey });
      const out = new Map<string, IndicatorSeries>();
      for (const code of codes) {
        const indicator = await this.indicator(code);
        if (!indicator) continue;
        out.set(code, assemble(indicator, dimensionKey, scope, rows.get(`${code}|${dimensionKey}`) ?? []));
      }
      return out;
    });
  }

  /** Every modality of one dimension (`siae_type=ACI`, `siae_type=AI`…) of one indicator, as series. */
  breakdown(code: string, regionCode: string, dimension: string): Promise<IndicatorSeries[]> {
    return this.cache.get(`breakdown|${code}|${regionCode}|${dimension}`, async () => {
      const indicator = await this.indicator(code);
      if (!indicator) return [];
      const scope = await this.scope(regionCode);
      const rows = await this.rows([code], scope, { prefix: dimension });
      return [...rows.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, list]) => assemble(indicator, k.slice(code.length + 1), scope, list));
    });
  }

  /** When values last entered and were last validated (public values only). */
  freshness(): Promise<{ recordedAt: string | null; validatedAt: string | null; count: number }> {
    return this.cache.get('freshness', async () => {
      const rows: { r: string | null; v: string | null; n: number | string }[] = await this.dataSource.query(
        "SELECT MAX(recorded_at) AS r, MAX(validated_at) AS v, COUNT(*) AS n FROM observation WHERE status = 'validated'",
      );
      return {
        recordedAt: rows[0]?.r ?? null,
        validatedAt: rows[0]?.v ?? null,
        count: Number(rows[0]?.n ?? 0),
      };
    });
  }

  /** Validated annual rows, grouped by `indicator|dimensionKey`. */
  private async rows(
    codes: string[],
    scope: RegionScope,
    dimension: { key: string } | { prefix: string },
  ): Promise<Map<string, Row[]>> {
    const out = new Map<string, Row[]>();
    if (codes.length === 0) return out;
    const qb = this.dataSource
      .getRepository(Observation)
      .createQueryBuilder('o')
      // Plain rows rather than entities: a page reads thousands of them, and hydration would double the time.
      .select(ROW_COLUMNS.map((c) => `o.${c}`))
      .where('o.indicatorCode IN (:...codes)', { codes })
      .andWhere('o.territoryCode IN (:...territories)', {
        territories: [scope.region.code, ...scope.departments.map((d) => d.code)],
      })
      .andWhere('o.status = :status', { status: 'validated' })
      // Annual values only: quarters (`2021-T3`) are not mixed into yearly series.
      .andWhere("o.period NOT LIKE '%-%'");
    if ('key' in dimension) qb.andWhere('o.dimensionKey = :key', { key: dimension.key });
    else
      qb.andWhere('o.dimensionKey LIKE :prefix', { prefix: `${dimension.prefix}=%` }).andWhere(
        "o.dimensionKey NOT LIKE '%;%'",
      );
    for (const raw of await qb.getRawMany<Record<string, unknown>>()) {
      const row = Object.fromEntries(
        ROW_COLUMNS.map((c) => [c, raw[`o_${COLUMN_NAMES[c]}`]]),
      ) as unknown as Row;
      const k = `${row.indicatorCode}|${row.dimensionKey}`;
      const list = out.get(k);
      if (list) list.push(row);
      else out.set(k, [row]);
    }
    return out;
  }
}

const ROW_COLUMNS = [
  'indicatorCode',
  'territoryCode',
  'period',
  'dimensionKey',
  'value',
  'numerator',
  'denominator',
  'status',
  'sourceLabel',
  'doubtful',
  'note',
  'isDemo',
  'provenanceKind',
  'provenanceRef',
  'recordedAt',
  'validatedAt',
  'validatedBy',
] as const;
type Row = Pick<Observation, (typeof ROW_COLUMNS)[number]>;

/** Database column of each property (TypeORM names raw results `<alias>_<column>`). */
const COLUMN_NAMES: Record<(typeof ROW_COLUMNS)[number], string> = {
  indicatorCode: 'indicator_code',
  territoryCode: 'territory_code',
  period: 'period',
  dimensionKey: 'dimension_key',
  value: 'value',
  numerator: 'numerator',
  denominator: 'denominator',
  status: 'status',
  sourceLabel: 'source_label',
  doubtful: 'doubtful',
  note: 'note',
  isDemo: 'is_demo',
  provenanceKind: 'provenance_kind',
  provenanceRef: 'provenance_ref',
  recordedAt: 'recorded_at',
  validatedAt: 'validated_at',
  validatedBy: 'validated_by',
};

function stored(o: Row): StoredValue {
  return {
    territory: o.territoryCode,
    year: Number(o.period),
    dimensionKey: o.dimensionKey,
    value: o.value ?? 0,
    numerator: o.numerator,
    denominator: o.denominator,
    status: o.status,
    source: o.sourceLabel,
    doubtful: Boolean(o.doubtful),
    note: o.note,
    demo: Boolean(o.isDemo),
    kind: o.provenanceKind,
    ref: o.provenanceRef,
    recordedAt: o.recordedAt,
    validatedAt: o.validatedAt,
    validatedBy: o.validatedBy,
  };
}

/** Rolls up every year present with the library's own arithmetic, so that pages and API never disagree. */
function assemble(
  indicator: IndicatorView,
  dimensionKey: string,
  scope: RegionScope,
  rows: Row[],
): IndicatorSeries {
  const byTerritory = new Map<string, Map<number, StoredValue>>();
  for (const row of rows) {
    if (row.value === null) continue;
    const value = stored(row);
    let years = byTerritory.get(value.territory);
    if (!years) byTerritory.set(value.territory, (years = new Map<number, StoredValue>()));
    years.set(value.year, value);
  }
  const years = [...new Set(rows.map((r) => Number(r.period)))].sort((a, b) => a - b);
  const regional = new Map<number, RegionalValue>();
  const own = byTerritory.get(scope.region.code);
  for (const year of years) {
    const cell = (v: StoredValue | undefined) =>
      v
        ? {
            value: v.value,
            numerator: v.numerator,
            denominator: v.denominator,
            status: v.status,
            doubtful: v.doubtful,
          }
        : null;
    const direct = own?.get(year);
    const result = rollup({
      aggregation: indicator.aggregation,
      unit: indicator.unit,
      decimals: indicator.decimals,
      direct: cell(direct),
      parts: scope.departments.map((d) => ({
        territory: d.code,
        cell: cell(byTerritory.get(d.code)?.get(year)),
      })),
    });
    if (result.value === null || result.method === null || result.status === null) continue;
    const used: StoredValue[] =
      result.method === 'direct'
        ? [direct!]
        : result.parts
            .filter((p) => p.used)
            .map((p) => byTerritory.get(p.territory)!.get(year)!)
            .filter(Boolean);
    regional.set(year, {
      year,
      value: result.value,
      formatted: formatIndicatorValue(result.value, indicator.unit, indicator.decimals),
      complete: result.complete,
      method: result.method,
      provenance: result.provenance,
      status: result.status,
      sources: [...new Set(used.map((u) => u.source).filter((s): s is string => Boolean(s)))],
      recordedAt:
        used
          .map((u) => u.recordedAt)
          .sort()
          .pop() ?? '',
      demo: used.some((u) => u.demo),
      warnings: result.warnings,
      direct: direct ?? null,
    });
  }
  byTerritory.delete(scope.region.code);
  return { indicator, dimensionKey, regional, byDepartment: byTerritory };
}

/** The most recent regional value up to `year` (complete values only unless said otherwise). */
export function latestRegional(
  series: IndicatorSeries | undefined,
  year: number,
  completeOnly = true,
): RegionalValue | undefined {
  if (!series) return undefined;
  return [...series.regional.values()]
    .filter((v) => v.year <= year && (!completeOnly || v.complete))
    .sort((a, b) => b.year - a.year)[0];
}
