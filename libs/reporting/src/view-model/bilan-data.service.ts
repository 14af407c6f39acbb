import { Injectable } from '@nestjs/common';
import {
  cleanNumber,
  formatIndicatorChange,
  formatIndicatorValue,
  IndicatorProgress,
  IndicatorsService,
  IndicatorView,
  ObservationQueryService,
  ObservationView,
  PROGRESS_METHOD_SUMMARY,
  PROGRESS_STATUS_LABELS,
  PROGRESS_STATUSES,
  ProgressReport,
  ProgressService,
  rollup,
  RollupCell,
  TargetsService,
  TargetView,
} from '@cap-iae/indicators';
import { SourcesService } from '@cap-iae/plugin-host';
import { DomainError, FieldIssue, formatDateFr } from '@cap-iae/shared';
import { StrategiesService } from '@cap-iae/strategy';
import { TerritoriesService, TerritoryView } from '@cap-iae/territories';
import { BilanNarrativesService } from '../archive/bilan-narratives.service';
import { MAP_ATTRIBUTION } from '../charts/departments-map';
import { yieldToEventLoop } from '../charts/svg-renderer';
import type { ReportOptions } from '../templates/report-manifest';
import type {
  AnnexTable,
  AxisBlock,
  BilanViewModel,
  ComparisonIndicator,
  IndicatorRow,
  KeyFigure,
  Narrative,
  SeriesData,
  StatusCode,
  StatusCount,
  TerritoryRef,
} from './bilan-view-model';
import { BilanRequest, BilanTarget, resolveBilanTarget } from './bilan-request';
import { BilanSectionsService } from './bilan-sections.service';
import { RunInfo, SourceRegistry } from './source-registry';

export const ROLLUP_METHOD_SUMMARY =
  'Valeur régionale : la valeur publiée pour la région quand elle existe ; sinon, pour un comptage, la somme des ' +
  'départements et, pour un taux, le rapport de la somme des numérateurs à la somme des dénominateurs des ' +
  'départements (jamais une moyenne de taux). Une somme à laquelle manque un département est dite partielle : elle ' +
  'n’est jamais présentée comme la valeur régionale et n’entre pas dans le calcul de l’avancement.';

const VALUES_NOTE =
  'Seules les valeurs validées sont utilisées : une valeur provisoire (saisie ou importée, pas encore validée) ' +
  'n’apparaît pas dans le bilan. Chaque chiffre renvoie, par sa clé (S1, S2…), à la source qui l’a fourni : ' +
  'document, import de fichier ou exécution de source, avec sa date.';

const TARGETS_NOTE =
  'Cible : la valeur fixée pour le territoire et la dernière année de la stratégie (à défaut, la plus tardive). ' +
  'Écart : valeur moins cible. Évolution : valeur moins situation de départ (l’année précédant la stratégie, à ' +
  'défaut la première disponible). Les taux s’expriment en points.';

type UnitFormat = KeyFigure['unitFormat'];

function unitFormat(unit: IndicatorView['unit']): UnitFormat {
  switch (unit) {
    case 'percent':
      return 'percent';
    case 'euro':
      return 'euro';
    case 'fte':
      return 'fte';
    case 'hours':
      return 'hours';
    case 'count':
      return 'number';
  }
}

const UNIT_LABELS: Record<IndicatorView['unit'], string> = {
  count: 'nombre',
  percent: '%',
  euro: '€',
  fte: 'ETP',
  hours: 'heures',
};

function ref(t: TerritoryView): TerritoryRef {
  return { code: t.code, officialCode: t.officialCode, name: t.name };
}

function statusCounts(statuses: readonly StatusCode[]): StatusCount[] {
  return PROGRESS_STATUSES.map((status) => ({
    status,
    label: PROGRESS_STATUS_LABELS[status],
    count: statuses.filter((s) => s === status).length,
  }));
}

function toCell(o: ObservationView | undefined): RollupCell | null {
  return o
    ? {
        value: o.value,
        numerator: o.numerator,
        denominator: o.denominator,
        status: o.status,
        doubtful: o.doubtful,
      }
    : null;
}

/** Every indicator of a report once, with its progress (an indicator can serve several objectives). */
function progressByCode(report: ProgressReport): Map<string, IndicatorProgress> {
  const map = new Map<string, IndicatorProgress>();
  for (const o of report.objectives)
    for (const i of o.indicators) if (!map.has(i.indicator.code)) map.set(i.indicator.code, i);
  return map;
}

/**
 * Reads shared by the bilans of one batch (`cap-iae bilan --all`, or the nine bilans of a year from the page): the
 * région's progress, the catalogue and the values are read once, and every bilan of the batch prints the same
 * snapshot of them. A single bilan passes no batch and reads everything afresh.
 */
export class BilanBatch {
  private readonly memo = new Map<string, Promise<unknown>>();

  read<T>(key: string, load: () => Promise<T>): Promise<T> {
    let hit = this.memo.get(key) as Promise<T> | undefined;
    if (!hit) {
      hit = load();
      this.memo.set(key, hit);
      // A failed read is not kept: the next bilan of the batch tries again.
      hit.catch(() => this.memo.delete(key));
    }
    return hit;
  }
}

/** Without a batch, every read goes to the read models. */
const NO_BATCH = { read: <T>(_key: string, load: () => Promise<T>): Promise<T> => load() };

interface Value {
  value: number | null;
  text: string;
  complete: boolean;
  used: ObservationView[];
}

/**
 * Builds the view-model of a bilan from the read models of the domain (progress, roll-ups, observations with their
 * provenance, narratives, and the plans d'actions, instances and funding sections). Pure reading: nothing is written.
 */
@Injectable()
export class BilanDataService {
  constructor(
    private readonly strategies: StrategiesService,
    private readonly territories: TerritoriesService,
    private readonly progress: ProgressService,
    private readonly indicators: IndicatorsService,
    private readonly observations: ObservationQueryService,
    private readonly targets: TargetsService,
    private readonly sources: SourcesService,
    private readonly narratives: BilanNarrativesService,
    private readonly sections: BilanSectionsService,
  ) {}

  resolve(request: BilanRequest): Promise<BilanTarget> {
    return resolveBilanTarget(request, this.strategies, this.territories);
  }

  async build(
    request: BilanRequest,
    options: ReportOptions,
    templateId: string,
    onStep?: (label: string) => void,
    batch: Pick<BilanBatch, 'read'> = NO_BATCH,
  ): Promise<BilanViewModel> {
    const target = await this.resolve(request);
    const { kind, territory, region, departments, strategy, year } = target;
    onStep?.('lecture des indicateurs');

    const catalog = await batch.read(`catalogue|${strategy.code}`, () =>
      this.indicators.list({ strategy: strategy.code }),
    );
    const byCode = new Map(catalog.map((i) => [i.code, i]));
    const optionIssues: FieldIssue[] = [];
    const checkCodes = (field: string, codes: string[]) =>
      codes.forEach((c, i) => {
        if (!byCode.has(c))
          optionIssues.push({
            field: `options.${field}[${i}]`,
            message: `« ${c} » n’est pas un indicateur de la stratégie ${strategy.code}`,
          });
      });
    checkCodes('keyIndicators', options.keyIndicators);
    checkCodes('comparisonIndicators', options.comparisonIndicators);
    if (options.mapIndicator && !byCode.has(options.mapIndicator))
      optionIssues.push({
        field: 'options.mapIndicator',
        message: `« ${options.mapIndicator} » n’est pas un indicateur de la stratégie ${strategy.code}`,
      });
    if (optionIssues.length)
      throw new DomainError(
        'CONFIGURATION',
        `Modèle de bilan « ${templateId} » (report.json) : ${optionIssues.map((i) => `${i.field} : ${i.message}`).join(' ; ')}`,
        optionIssues,
      );

    // Progress of the bilan's territory, and of the territories it is compared with.
    const progressOfTerritory = (code: string) =>
      batch.read(`avancement|${strategy.code}|${code}|${year}`, () =>
        this.progress.report({ strategy: strategy.code, territory: code, year }),
      );
    const own = await progressOfTerritory(territory.code);
    const peers = new Map<string, ProgressReport>();
    for (const t of kind === 'cor-iae' ? departments : [region]) {
      peers.set(t.code, await progressOfTerritory(t.code));
      await yieldToEventLoop();
    }
    const reportOf = (code: string) => (code === territory.code ? own : peers.get(code)!);
    const progressOf = new Map(
      [...[territory.code, ...peers.keys()]].map((c) => [c, progressByCode(reportOf(c))]),
    );

    // Every validated annual total of the strategy's indicators in the région: values, roll-ups and provenance.
    const baselineYear = strategy.startYear - 1;
    const firstYear = Math.min(baselineYear, year - options.seriesYears + 1);
    const rows = await batch.read(`valeurs|${strategy.code}|${region.code}|${firstYear}|${year}`, () =>
      this.observations.find({
        indicators: catalog.map((i) => i.code),
        territories: [region.code, ...departments.map((d) => d.code)],
        periodFrom: String(firstYear),
        periodTo: String(year),
        dimensions: '',
        status: 'validated',
        page: 1,
        pageSize: 1_000_000,
      }),
    );
    const obs = new Map<string, ObservationView>();
    for (const o of rows.items)
      if (/^\d{4}$/.test(o.period)) obs.set(`${o.indicator}|${o.territory}|${o.period}`, o);
    const targets = await batch.read(`cibles|${strategy.code}|${region.code}`, () =>
      this.targets.find({
        indicators: catalog.map((i) => i.code),
        territories: [region.code, ...departments.map((d) => d.code)],
        yearFrom: strategy.startYear,
        yearTo: strategy.endYear,
      }),
    );
    const targetOf = (code: string, t: string, y: number): TargetView | undefined =>
      targets.find(
        (x) =>
          x.indicator === code && x.territory === t && x.year === y && Object.keys(x.dimensions).length === 0,
      );
    onStep?.('calcul des valeurs');

    const registry = new SourceRegistry();
    const regionalCache = new Map<string, Value>();
    const valueOf = (code: string, t: string, y: number): Value => {
      const indicator = byCode.get(code)!;
      if (t !== region.code) {
        const o = obs.get(`${code}|${t}|${y}`);
        return o && o.value !== null
          ? {
              value: o.value,
              text: formatIndicatorValue(o.value, indicator.unit, indicator.decimals),
              complete: true,
              used: [o],
            }
          : { value: null, text: '—', complete: false, used: [] };
      }
      const key = `${code}|${y}`;
      const cached = regionalCache.get(key);
      if (cached) return cached;
      const direct = obs.get(`${code}|${region.code}|${y}`);
      const parts = departments.map((d) => ({
        territory: d.code,
        cell: toCell(obs.get(`${code}|${d.code}|${y}`)),
      }));
      const r = rollup({
        aggregation: indicator.aggregation,
        unit: indicator.unit,
        decimals: indicator.decimals,
        direct: toCell(direct),
        parts,
      });
      const used =
        r.method === 'direct'
          ? [direct!]
          : r.parts.filter((p) => p.used).map((p) => obs.get(`${code}|${p.territory}|${y}`)!);
      const text =
        r.value === null
          ? '—'
          : `${formatIndicatorValue(r.value, indicator.unit, indicator.decimals)}${r.complete ? '' : ' (partiel)'}`;
      const value: Value = { value: r.value, text, complete: r.complete, used };
      regionalCache.set(key, value);
      return value;
    };
    const track = (values: Value[]): string[] => [
      ...new Set(values.flatMap((v) => v.used.map((o) => registry.track(o)))),
    ];

    const rowFor = (p: IndicatorProgress, t: string): IndicatorRow => {
      const i = p.indicator;
      const fmtChange = (d: number) => formatIndicatorChange(cleanNumber(d), i.unit, i.decimals);
      const used: Value[] = [];
      if (p.latest) used.push(valueOf(i.code, t, p.latest.year));
      if (p.baseline && (!p.latest || p.baseline.year !== p.latest.year))
        used.push(valueOf(i.code, t, p.baseline.year));
      const sources = track(used);
      if (p.target) {
        const tv = targetOf(i.code, t, p.target.year);
        if (tv) sources.push(registry.trackTarget(tv));
      }
      let regionCells: IndicatorRow['region'] = null;
      if (kind === 'cdiae') {
        const rp = progressOf.get(region.code)!.get(i.code);
        if (rp) {
          if (rp.latest)
            for (const k of track([valueOf(i.code, region.code, rp.latest.year)]))
              if (!sources.includes(k)) sources.push(k);
          regionCells = {
            value: rp.latest ? rp.latest.formatted : '—',
            valueNote: rp.latest && rp.latest.year !== year ? `valeur ${rp.latest.year}` : '',
            status: rp.status,
            statusLabel: rp.statusLabel,
          };
        } else {
          regionCells = {
            value: '—',
            valueNote: '',
            status: 'non_renseigne',
            statusLabel: PROGRESS_STATUS_LABELS.non_renseigne,
          };
        }
      }
      return {
        code: i.code,
        label: i.label,
        unitLabel: UNIT_LABELS[i.unit],
        directionLabel: i.direction === 'up' ? 'hausse souhaitée' : 'baisse souhaitée',
        value: p.latest ? p.latest.formatted : '—',
        valueYear: p.latest?.year ?? null,
        valueNote: p.latest && p.latest.year !== year ? `valeur ${p.latest.year}` : '',
        target: p.target ? p.target.formatted : '—',
        targetYear: p.target?.year ?? null,
        gap: p.latest && p.target ? fmtChange(p.latest.value - p.target.value) : '—',
        change:
          p.latest && p.baseline && p.baseline.year < p.latest.year
            ? fmtChange(p.latest.value - p.baseline.value)
            : '—',
        baselineYear: p.baseline?.year ?? null,
        status: p.status,
        statusLabel: p.statusLabel,
        forced: p.override !== null,
        explanation: p.explanation,
        sources: sources.sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))),
        warnings: p.warnings,
        region: regionCells,
      };
    };

    const stored = new Map((await this.narratives.list(request)).map((n) => [n.ref, n]));
    const narrative = (r: string): Narrative | null => {
      const n = stored.get(r);
      if (!n) return null;
      registry.seen(n.updatedAt);
      return { ref: r, text: n.text, author: n.author, updatedAtLabel: formatDateFr(new Date(n.updatedAt)) };
    };

    // Axes and objectives, in the strategy's order.
    const comparedWith = kind === 'cor-iae' ? [territory, ...departments] : [territory, region];
    const axes: AxisBlock[] = [];
    for (const axis of strategy.axes) {
      const objectives = own.objectives.filter((o) => o.axis.number === axis.number);
      const codes = [...new Set(objectives.flatMap((o) => o.indicators.map((i) => i.indicator.code)))];
      const countsFor = (t: string) =>
        statusCounts(codes.map((c) => progressOf.get(t)?.get(c)?.status ?? 'non_renseigne'));
      axes.push({
        number: axis.number,
        title: axis.title,
        anchor: `axe-${axis.number}`,
        narrative: narrative(`axe:${axis.number}`),
        statusCounts: countsFor(territory.code),
        indicatorCount: codes.length,
        objectives: objectives.map((o) => ({
          number: o.number,
          title: o.title,
          anchor: `objectif-${o.number.replace(/\./g, '-')}`,
          narrative: narrative(`objectif:${o.number}`),
          indicators: o.indicators.map((p) => rowFor(p, territory.code)),
        })),
        territories: comparedWith.map((t) => ({
          code: t.code,
          name: t.name,
          statusCounts: countsFor(t.code),
        })),
      });
      await yieldToEventLoop();
    }
    onStep?.('chiffres clés et comparaisons');

    const seriesYears: number[] = [];
    for (let y = year - options.seriesYears + 1; y <= year; y++) seriesYears.push(y);
    const seriesOf = (code: string, t: string): SeriesData => {
      const values = seriesYears.map((y) => valueOf(code, t, y));
      track(values.filter((v) => v.complete));
      return {
        years: seriesYears,
        values: values.map((v) => (v.complete ? v.value : null)),
        texts: values.map((v) => (v.complete ? v.text : '—')),
      };
    };
    const keyFigures: KeyFigure[] = options.keyIndicators.map((code) => {
      const indicator = byCode.get(code)!;
      const p = progressOf.get(territory.code)!.get(code);
      const row = p ? rowFor(p, territory.code) : null;
      return {
        code,
        label: indicator.label,
        unitFormat: unitFormat(indicator.unit),
        value: row?.value ?? '—',
        valueYear: row?.valueYear ?? null,
        change: row?.change ?? '—',
        target: row?.target ?? '—',
        status: row?.status ?? 'non_renseigne',
        statusLabel: row?.statusLabel ?? PROGRESS_STATUS_LABELS.non_renseigne,
        series: seriesOf(code, territory.code),
        targetPoint: p?.target
          ? { year: p.target.year, value: p.target.value, text: p.target.formatted }
          : null,
        regionSeries: kind === 'cdiae' ? seriesOf(code, region.code) : null,
        sources: row?.sources ?? [],
      };
    });

    const comparisonFor = (code: string): ComparisonIndicator => {
      const indicator = byCode.get(code)!;
      const rp = progressOf.get(region.code)!.get(code);
      const sources = new Set<string>();
      const regionValue = rp?.latest ? valueOf(code, region.code, rp.latest.year) : null;
      if (regionValue) track([regionValue]).forEach((k) => sources.add(k));
      return {
        code,
        label: indicator.label,
        unitFormat: unitFormat(indicator.unit),
        isRate: indicator.unit === 'percent' || indicator.aggregation === 'ratio',
        region: { value: rp?.latest?.value ?? null, text: rp?.latest ? rp.latest.formatted : '—' },
        departments: departments.map((d) => {
          const dp = progressOf.get(d.code)?.get(code);
          if (dp?.latest) track([valueOf(code, d.code, dp.latest.year)]).forEach((k) => sources.add(k));
          return {
            code: d.code,
            officialCode: d.officialCode,
            name: d.name,
            value: dp?.latest?.value ?? null,
            text: dp?.latest
              ? `${dp.latest.formatted}${dp.latest.year !== year ? ` (${dp.latest.year})` : ''}`
              : '—',
            valueYear: dp?.latest?.year ?? null,
            status: dp?.status ?? 'non_renseigne',
            statusLabel: dp?.statusLabel ?? PROGRESS_STATUS_LABELS.non_renseigne,
          };
        }),
        sources: [...sources].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))),
      };
    };

    // Annexes: every indicator once, in the order the objectives first cite them, year by year.
    const annexYears: number[] = [];
    for (let y = baselineYear; y <= year; y++) annexYears.push(y);
    const annexOrder = [...new Set(own.objectives.flatMap((o) => o.indicators.map((i) => i.indicator.code)))];
    const annexes: AnnexTable[] = annexOrder.map((code) => {
      const indicator = byCode.get(code)!;
      const territories = kind === 'cor-iae' ? [region, ...departments] : [territory, region];
      return {
        code,
        label: indicator.label,
        unitLabel: UNIT_LABELS[indicator.unit],
        years: annexYears,
        rows: territories.map((t) => {
          const values = annexYears.map((y) => valueOf(code, t.code, y));
          track(values);
          const p = progressOf.get(t.code)?.get(code);
          return {
            territory: t.name,
            values: values.map((v) => v.text),
            target: p?.target ? p.target.formatted : '—',
            statusLabel: p?.statusLabel ?? PROGRESS_STATUS_LABELS.non_renseigne,
            isRegion: t.code === region.code,
          };
        }),
      };
    });
    await yieldToEventLoop();
    onStep?.('plans d’actions, instances et financements');

    const sections = await this.sections.collect(target);
    onStep?.('sources');

    const runs = new Map<number, RunInfo>();
    for (const id of registry.runRefs()) {
      try {
        const run = await this.sources.run(id);
        const source = await this.sources.get(run.sourceId).catch(() => null);
        runs.set(id, {
          id,
          source: source?.name ?? `source ${run.sourceId} (supprimée)`,
          startedAt: run.startedAt,
          status: run.status,
        });
      } catch {
        // A run purged from the history keeps its reference in the values; the bilan prints the reference alone.
      }
    }
    const dataDate = registry.latestDate() ?? `${year}-12-31T00:00:00.000Z`;
    const axisSummaries = axes.map((a) => {
      const good = a.statusCounts
        .filter((s) => s.status === 'atteint' || s.status === 'en_bonne_voie')
        .reduce((n, s) => n + s.count, 0);
      return {
        number: a.number,
        title: a.title,
        anchor: a.anchor,
        indicatorCount: a.indicatorCount,
        statusCounts: a.statusCounts,
        mainStatusLabel: `${good} sur ${a.indicatorCount} atteint${good > 1 ? 's' : ''} ou en bonne voie`,
      };
    });

    const common = {
      territory: ref(territory),
      region: ref(region),
      strategy: {
        code: strategy.code,
        title: strategy.title,
        startYear: strategy.startYear,
        endYear: strategy.endYear,
        period: `${strategy.startYear}-${strategy.endYear}`,
      },
      year,
      dataDate,
      dataDateLabel: formatDateFr(new Date(dataDate)),
      demo: registry.isDemo(),
      synthesis: {
        narrative: narrative('synthese'),
        indicatorCount: Object.values(own.summary).reduce((n, c) => n + c, 0),
        statusCounts: PROGRESS_STATUSES.map((s) => ({
          status: s,
          label: PROGRESS_STATUS_LABELS[s],
          count: own.summary[s],
        })),
        keyFigures,
        axes: axisSummaries,
      },
      axes,
      conclusion: narrative('conclusion'),
      ...sections,
      methodology: {
        progressMethod: PROGRESS_METHOD_SUMMARY,
        rollupMethod: ROLLUP_METHOD_SUMMARY,
        targetsNote: TARGETS_NOTE,
        valuesNote: VALUES_NOTE,
        sources: [] as ReturnType<SourceRegistry['entries']>,
        mapAttribution: MAP_ATTRIBUTION,
      },
      annexes,
    };
    let vm: BilanViewModel;
    if (kind === 'cor-iae') {
      vm = {
        kind,
        ...common,
        departments: departments.map(ref),
        comparison: {
          indicators: options.comparisonIndicators.map(comparisonFor),
          map: options.mapIndicator ? comparisonFor(options.mapIndicator) : null,
        },
      };
    } else {
      vm = { kind, ...common };
    }
    // Sources last: every figure above has been tracked by now.
    vm.methodology.sources = registry.entries(runs);
    vm.dataDate = registry.latestDate() ?? vm.dataDate;
    vm.dataDateLabel = formatDateFr(new Date(vm.dataDate));
    vm.demo = registry.isDemo();
    return vm;
  }
}
