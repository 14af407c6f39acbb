import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Repository } from 'typeorm';
import {
  DimensionSet,
  DomainError,
  FieldIssue,
  dimensionIssues,
  dimensionKey,
  formatPeriod,
  parseDimensionKey,
  parsePeriod,
  periodIssue,
} from '@cap-iae/shared';
import { TerritoriesService, TerritoryView } from '@cap-iae/territories';
import { Indicator, IndicatorAggregation, IndicatorUnit } from './indicator.entity';
import {
  Observation,
  OBSERVATION_STATUS_LABELS,
  ObservationStatus,
  ProvenanceKind,
} from './observation.entity';
import { formatIndicatorValue } from './indicator-format';
import {
  rollup,
  RollupCell,
  RollupComputed,
  RollupConsistency,
  RollupCoverage,
  RollupMethod,
  RollupPart,
  RollupResult,
} from './rollup';

export interface RollupRequest {
  indicator?: string;
  region?: string;
  period?: string;
  /** `siae_type=ACI`, `sex=F;siae_type=ACI`; absent, empty or `total` for the total. */
  dimensions?: string;
  includeProvisional?: boolean;
}

export interface RollupView {
  indicator: {
    code: string;
    label: string;
    unit: IndicatorUnit;
    aggregation: IndicatorAggregation;
    decimals: number;
  };
  region: { code: string; name: string };
  period: string;
  dimensions: DimensionSet;
  includeProvisional: boolean;
  value: number | null;
  /** The value as it reads in French (« 1 234 », « 35,2 % »). */
  formattedValue: string | null;
  status: ObservationStatus | null;
  statusLabel: string | null;
  method: RollupMethod | null;
  provenance: string;
  complete: boolean;
  coverage: RollupCoverage & { label: string };
  direct: {
    value: number | null;
    numerator: number | null;
    denominator: number | null;
    status: ObservationStatus;
    source: string | null;
    doubtful: boolean;
    provenance: { kind: ProvenanceKind; ref: string; recordedAt: string };
  } | null;
  computed: RollupComputed | null;
  consistency: RollupConsistency | null;
  parts: (RollupPart & { name: string })[];
  warnings: string[];
}

/** What the progress read model needs from one roll-up: the value and whether it stands for the whole territory. */
export type RollupSeries = Map<string, Map<string, RollupResult>>;

/**
 * The région read model: a région's value for an indicator, period and dimension set, from its own observation or
 * recomputed from its départements (see rollup.ts for the arithmetic and docs/indicators.md for the method).
 * Départements and lower levels are given their direct values only.
 */
@Injectable()
export class RollupService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(Indicator) private readonly indicators: Repository<Indicator>,
    private readonly territories: TerritoriesService,
  ) {}

  async regional(request: RollupRequest): Promise<RollupView> {
    const issues: FieldIssue[] = [];
    const indicator = request.indicator
      ? await this.indicators.findOne({ where: { code: request.indicator } })
      : null;
    if (!request.indicator) issues.push({ field: 'indicator', message: 'obligatoire' });
    else if (!indicator)
      issues.push({ field: 'indicator', message: `indicateur inconnu « ${request.indicator} »` });

    const all = await this.territories.all();
    const region = request.region ? all.get(request.region) : undefined;
    if (!request.region) issues.push({ field: 'region', message: 'obligatoire (ex. REG-11)' });
    else if (!region) issues.push({ field: 'region', message: `territoire inconnu « ${request.region} »` });
    else if (region.level !== 'region')
      issues.push({
        field: 'region',
        message: `« ${region.code} » n'est pas une région (attendu : REG-11…)`,
      });

    if (!request.period) issues.push({ field: 'period', message: 'obligatoire (ex. 2021)' });
    else {
      const issue = periodIssue('period', request.period);
      if (issue) issues.push(issue);
    }

    const { set: dimensions, issues: dimensionProblems } = parseDimensionText(request.dimensions);
    issues.push(...dimensionProblems);
    if (indicator && dimensionProblems.length === 0)
      issues.push(...dimensionIssues('dimensions', dimensions, indicator.dimensions));
    if (issues.length > 0) throw DomainError.validation(issues, 'Paramètres de requête invalides.');

    const period = formatPeriod(parsePeriod(request.period!)!);
    const key = dimensionKey(dimensions);
    const includeProvisional = request.includeProvisional ?? false;
    const parts = await this.partsOf(region!);
    const rows = await this.load(
      [indicator!.code],
      [region!.code, ...parts.map((p) => p.code)],
      [period],
      key,
      includeProvisional,
    );
    const byTerritory = new Map(rows.map((r) => [r.territoryCode, r]));
    const direct = byTerritory.get(region!.code) ?? null;
    const result = rollup({
      aggregation: indicator!.aggregation,
      unit: indicator!.unit,
      decimals: indicator!.decimals,
      direct: direct ? toCell(direct) : null,
      parts: parts.map((p) => {
        const row = byTerritory.get(p.code);
        return { territory: p.code, cell: row ? toCell(row) : null };
      }),
    });
    const names = new Map(parts.map((p) => [p.code, p.name]));
    return {
      indicator: {
        code: indicator!.code,
        label: indicator!.label,
        unit: indicator!.unit,
        aggregation: indicator!.aggregation,
        decimals: indicator!.decimals,
      },
      region: { code: region!.code, name: region!.name },
      period,
      dimensions: parseDimensionKey(key),
      includeProvisional,
      value: result.value,
      formattedValue:
        result.value === null
          ? null
          : formatIndicatorValue(result.value, indicator!.unit, indicator!.decimals),
      status: result.status,
      statusLabel: result.status ? OBSERVATION_STATUS_LABELS[result.status] : null,
      method: result.method,
      provenance: result.provenance,
      complete: result.complete,
      coverage: { ...result.coverage, label: coverageLabel(result.coverage) },
      direct: direct
        ? {
            value: direct.value,
            numerator: direct.numerator,
            denominator: direct.denominator,
            status: direct.status,
            source: direct.sourceLabel,
            doubtful: Boolean(direct.doubtful),
            provenance: {
              kind: direct.provenanceKind,
              ref: direct.provenanceRef,
              recordedAt: direct.recordedAt,
            },
          }
        : null,
      computed: result.computed,
      consistency: result.consistency,
      parts: result.parts.map((p) => ({ ...p, name: names.get(p.territory) ?? p.territory })),
      warnings: result.warnings,
    };
  }

  /**
   * Roll-ups of several indicators over several periods for one territory, in one query: what a progress report
   * needs. Returns indicator → period → result; a period without any value is absent.
   */
  async series(request: {
    indicators: readonly Indicator[];
    territory: string;
    periods: readonly string[];
    dimensionKey: string;
    includeProvisional: boolean;
  }): Promise<RollupSeries> {
    const out: RollupSeries = new Map();
    if (request.indicators.length === 0 || request.periods.length === 0) return out;
    const territory = await this.territories.get(request.territory);
    const parts = await this.partsOf(territory);
    const rows = await this.load(
      request.indicators.map((i) => i.code),
      [territory.code, ...parts.map((p) => p.code)],
      request.periods,
      request.dimensionKey,
      request.includeProvisional,
    );
    const index = new Map(rows.map((r) => [`${r.indicatorCode}|${r.territoryCode}|${r.period}`, r]));
    for (const indicator of request.indicators) {
      const perPeriod = new Map<string, RollupResult>();
      for (const period of request.periods) {
        const cell = (code: string) => {
          const row = index.get(`${indicator.code}|${code}|${period}`);
          return row ? toCell(row) : null;
        };
        const result = rollup({
          aggregation: indicator.aggregation,
          unit: indicator.unit,
          decimals: indicator.decimals,
          direct: cell(territory.code),
          parts: parts.map((p) => ({ territory: p.code, cell: cell(p.code) })),
        });
        if (result.value !== null) perPeriod.set(period, result);
      }
      out.set(indicator.code, perPeriod);
    }
    return out;
  }

  /** A région rolls up from its départements; other levels have no parts here (EPT and bassins come later). */
  private async partsOf(territory: TerritoryView): Promise<TerritoryView[]> {
    if (territory.level !== 'region') return [];
    return (await this.territories.children(territory.code)).filter((t) => t.level === 'department');
  }

  private async load(
    indicators: string[],
    territories: string[],
    periods: readonly string[],
    key: string,
    includeProvisional: boolean,
  ): Promise<Observation[]> {
    // The public sees validated values only, like the observations API: provisional rows are not even read.
    return this.dataSource.getRepository(Observation).find({
      where: {
        indicatorCode: In(indicators),
        territoryCode: In(territories),
        period: In([...periods]),
        dimensionKey: key,
        ...(includeProvisional ? {} : { status: 'validated' as const }),
      },
    });
  }
}

function toCell(o: Observation): RollupCell {
  return {
    value: o.value,
    numerator: o.numerator,
    denominator: o.denominator,
    status: o.status,
    doubtful: Boolean(o.doubtful),
  };
}

function coverageLabel(c: RollupCoverage): string {
  if (c.expected === 0) return 'aucun département rattaché';
  return `${c.reported} département${c.reported > 1 ? 's' : ''} sur ${c.expected}`;
}

/** `siae_type=ACI;sex=F` (or with commas) into a dimension set; `total` and the empty text mean the total. */
export function parseDimensionText(text: string | undefined): { set: DimensionSet; issues: FieldIssue[] } {
  const set: Record<string, string> = {};
  const issues: FieldIssue[] = [];
  const trimmed = text?.trim() ?? '';
  if (trimmed === '' || trimmed === 'total') return { set, issues };
  for (const part of trimmed.split(/[;,]/)) {
    const [name, value, extra] = part.split('=').map((s) => s.trim());
    if (!name || !value || extra !== undefined) {
      issues.push({
        field: 'dimensions',
        message: `« ${part} » : attendu dimension=modalité (ex. siae_type=ACI) ou « total »`,
      });
      continue;
    }
    set[name] = value;
  }
  return { set, issues };
}
