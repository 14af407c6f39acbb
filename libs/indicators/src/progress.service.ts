import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { DomainError, FieldIssue } from '@cap-iae/shared';
import { StrategiesService } from '@cap-iae/strategy';
import { TerritoriesService } from '@cap-iae/territories';
import { Indicator, IndicatorAggregation, IndicatorDirection, IndicatorUnit } from './indicator.entity';
import { IndicatorsService } from './indicators.service';
import { TargetsService } from './targets.service';
import { RollupService } from './rollup.service';
import { ObservationStatus } from './observation.entity';
import { formatIndicatorValue } from './indicator-format';
import { RollupMethod, RollupResult } from './rollup';
import {
  assessProgress,
  chooseBaseline,
  chooseLatest,
  chooseTarget,
  ON_TRACK_SHARE,
  PROGRESS_STATUS_LABELS,
  PROGRESS_STATUSES,
  ProgressStatus,
  YearValue,
} from './progress';
import { ProgressOverridesService, ProgressOverrideView } from './progress-overrides.service';

export interface ProgressRequest {
  strategy?: string;
  territory?: string;
  year?: number;
  includeProvisional?: boolean;
}

export interface IndicatorProgress {
  indicator: {
    code: string;
    label: string;
    unit: IndicatorUnit;
    direction: IndicatorDirection;
    aggregation: IndicatorAggregation;
    decimals: number;
  };
  baseline: (YearValue & { formatted: string }) | null;
  target: (YearValue & { formatted: string }) | null;
  latest:
    | (YearValue & {
        formatted: string;
        status: ObservationStatus;
        method: RollupMethod;
        provenance: string;
      })
    | null;
  /** Value expected in the latest value's year on the linear trajectory from baseline to target. */
  expected: number | null;
  /** Share of the expected progress achieved (1 = on the trajectory). */
  share: number | null;
  computedStatus: ProgressStatus;
  /** The override's status when there is one, else the computed status. */
  status: ProgressStatus;
  statusLabel: string;
  explanation: string;
  override: ProgressOverrideView | null;
  warnings: string[];
}

export interface ProgressReport {
  strategy: { code: string; title: string; startYear: number; endYear: number };
  territory: { code: string; name: string };
  year: number;
  includeProvisional: boolean;
  method: { summary: string; onTrackShare: number; documentation: string };
  /** Number of distinct indicators in each (effective) status. */
  summary: Record<ProgressStatus, number>;
  objectives: {
    axis: { number: number; title: string };
    number: string;
    title: string;
    indicators: IndicatorProgress[];
  }[];
}

export const PROGRESS_METHOD_SUMMARY =
  'Situation de départ : valeur de l’année précédant la stratégie, à défaut la première disponible ; trajectoire ' +
  'linéaire de cette valeur jusqu’à la cible de la dernière année. Atteint : la dernière valeur a rejoint la cible ' +
  `dans le sens souhaité ; en bonne voie : au moins ${Math.round(ON_TRACK_SHARE * 100)}\u00a0% de la progression ` +
  'attendue à la date de cette valeur ; en retard sinon ; non renseigné : valeur, cible ou situation de départ ' +
  'manquante. Les taux se mesurent en points.';

/**
 * The progress read model: for each objective of a strategy and each indicator attached to it, where the territory
 * stands against its target. The computation is the pure `assessProgress()`; this service gathers its inputs.
 */
@Injectable()
export class ProgressService {
  constructor(
    private readonly strategies: StrategiesService,
    private readonly indicatorViews: IndicatorsService,
    @InjectRepository(Indicator) private readonly indicators: Repository<Indicator>,
    private readonly targets: TargetsService,
    private readonly rollups: RollupService,
    private readonly overrides: ProgressOverridesService,
    private readonly territories: TerritoriesService,
  ) {}

  async report(request: ProgressRequest): Promise<ProgressReport> {
    const issues: FieldIssue[] = [];
    if (!request.strategy) issues.push({ field: 'strategy', message: 'obligatoire (ex. IDF-2021-2022)' });
    if (!request.territory) issues.push({ field: 'territory', message: 'obligatoire (ex. REG-11)' });
    if (issues.length > 0) throw DomainError.validation(issues, 'Paramètres de requête invalides.');

    const strategy = await this.strategies.get(request.strategy!);
    const all = await this.territories.all();
    const territory = all.get(request.territory!);
    if (!territory) {
      issues.push({ field: 'territory', message: `territoire inconnu « ${request.territory} »` });
    } else if (territory.code !== strategy.territory && territory.parentCode !== strategy.territory) {
      issues.push({
        field: 'territory',
        message: `doit être le territoire de la stratégie (${strategy.territory}) ou l'un de ses départements`,
      });
    }
    const year = request.year ?? strategy.endYear;
    if (year < strategy.startYear || year > strategy.endYear) {
      issues.push({
        field: 'year',
        message: `doit être comprise entre ${strategy.startYear} et ${strategy.endYear} (années de la stratégie)`,
      });
    }
    if (issues.length > 0) throw DomainError.validation(issues, 'Paramètres de requête invalides.');

    const includeProvisional = request.includeProvisional ?? false;
    const linked = await this.indicatorViews.list({ strategy: strategy.code });
    const codes = linked.map((i) => i.code);
    const entities = codes.length ? await this.indicators.find({ where: { code: In(codes) } }) : [];
    // Annual values only: the baseline year (the one before the strategy) up to the year assessed.
    const years: number[] = [];
    for (let y = strategy.startYear - 1; y <= year; y++) years.push(y);
    const [series, targets, overrides] = await Promise.all([
      this.rollups.series({
        indicators: entities,
        territory: territory!.code,
        periods: years.map(String),
        dimensionKey: '',
        includeProvisional,
      }),
      this.targets.find({
        indicators: codes,
        territories: [territory!.code],
        yearFrom: strategy.startYear,
        yearTo: strategy.endYear,
      }),
      this.overrides.forTerritoryYear(territory!.code, year),
    ]);

    const byCode = new Map<string, IndicatorProgress>();
    for (const indicator of entities) {
      const rolled = series.get(indicator.code) ?? new Map<string, RollupResult>();
      // A partial sum of départements understates the région: it is not a value the target can be judged on.
      const values: YearValue[] = [...rolled.entries()]
        .filter(([, r]) => r.complete && r.value !== null)
        .map(([period, r]) => ({ year: Number(period), value: r.value! }));
      const indicatorTargets = targets
        .filter((t) => t.indicator === indicator.code && Object.keys(t.dimensions).length === 0)
        .map((t) => ({ year: t.year, value: t.value }));
      const baseline = chooseBaseline(values, strategy.startYear, year);
      const latest = chooseLatest(values, year);
      const target = chooseTarget(indicatorTargets, strategy.startYear, strategy.endYear);
      const assessment = assessProgress({
        direction: indicator.direction,
        unit: indicator.unit,
        decimals: indicator.decimals,
        baseline,
        target,
        latest,
      });
      const latestRollup = latest ? rolled.get(String(latest.year)) : undefined;
      const override = overrides.get(indicator.code) ?? null;
      const status = override?.status ?? assessment.status;
      const fmt = (v: YearValue | null) =>
        v ? { ...v, formatted: formatIndicatorValue(v.value, indicator.unit, indicator.decimals) } : null;
      byCode.set(indicator.code, {
        indicator: {
          code: indicator.code,
          label: indicator.label,
          unit: indicator.unit,
          direction: indicator.direction,
          aggregation: indicator.aggregation,
          decimals: indicator.decimals,
        },
        baseline: fmt(baseline),
        target: fmt(target),
        latest:
          latest && latestRollup
            ? {
                ...fmt(latest)!,
                status: latestRollup.status!,
                method: latestRollup.method!,
                provenance: latestRollup.provenance,
              }
            : null,
        expected: assessment.expected,
        share: assessment.share,
        computedStatus: assessment.status,
        status,
        statusLabel: PROGRESS_STATUS_LABELS[status],
        explanation: override
          ? `Statut forcé par ${override.setBy ?? 'un administrateur'} : ${override.justification} (calcul : ${assessment.explanation})`
          : assessment.explanation,
        override,
        warnings: latestRollup?.warnings ?? [],
      });
    }

    const summary = Object.fromEntries(PROGRESS_STATUSES.map((s) => [s, 0])) as Record<
      ProgressStatus,
      number
    >;
    for (const item of byCode.values()) summary[item.status] += 1;

    const objectives: ProgressReport['objectives'] = [];
    for (const axis of strategy.axes) {
      for (const objective of axis.objectives) {
        const attached = linked
          .filter((i) =>
            i.objectives.some((o) => o.strategy === strategy.code && o.number === objective.number),
          )
          .map((i) => byCode.get(i.code))
          .filter((p): p is IndicatorProgress => p !== undefined);
        objectives.push({
          axis: { number: axis.number, title: axis.title },
          number: objective.number,
          title: objective.title,
          indicators: attached,
        });
      }
    }

    return {
      strategy: {
        code: strategy.code,
        title: strategy.title,
        startYear: strategy.startYear,
        endYear: strategy.endYear,
      },
      territory: { code: territory!.code, name: territory!.name },
      year,
      includeProvisional,
      method: {
        summary: PROGRESS_METHOD_SUMMARY,
        onTrackShare: ON_TRACK_SHARE,
        documentation: 'docs/indicators.md',
      },
      summary,
      objectives,
    };
  }
}
