import type { BilanViewModel, StatusCount } from '../view-model/bilan-view-model';
import type { ReportOptions } from '../templates/report-manifest';
import {
  ChartStatus,
  departmentsMapOption,
  seriesOption,
  stackedBarsOption,
  STATUS_ORDER,
  statusBarsOption,
  territoryBarsOption,
} from './chart-options';
import { mappableDepartments } from './departments-map';
import { ChartToRender, registerDepartmentsMap } from './svg-renderer';

const WIDE = { width: 900, height: 300 };
const HALF = { width: 520, height: 280 };

function countsOf(rows: StatusCount[][]): Record<ChartStatus, number[]> {
  const out = Object.fromEntries(STATUS_ORDER.map((s) => [s, [] as number[]])) as Record<
    ChartStatus,
    number[]
  >;
  for (const list of rows)
    for (const s of STATUS_ORDER) out[s].push(list.find((c) => c.status === s)?.count ?? 0);
  return out;
}

function objectiveCounts(statuses: string[]): StatusCount[] {
  return STATUS_ORDER.map((s) => ({ status: s, label: s, count: statuses.filter((x) => x === s).length }));
}

/**
 * The charts of a bilan, derived from its view-model alone (so that the data hash covers what they draw), with the
 * ids the templates refer to (`{{svg "axe-1-territoires"}}`). docs/bilans.md lists them.
 */
export function bilanCharts(vm: BilanViewModel, options: ReportOptions): ChartToRender[] {
  const accent = options.accentColor;
  const charts: ChartToRender[] = [];
  charts.push({
    id: 'synthese-statuts',
    ...WIDE,
    height: 60 + vm.axes.length * 34,
    option: statusBarsOption({
      categories: vm.axes.map((a) => `Axe ${a.number}`),
      counts: countsOf(vm.axes.map((a) => a.statusCounts)),
    }),
  });
  for (const k of vm.synthesis.keyFigures) {
    const withRegion = k.regionSeries !== null && k.unitFormat === 'percent';
    charts.push({
      id: `serie-${k.code}`,
      ...HALF,
      height: 240,
      option: seriesOption({
        format: k.unitFormat,
        years: k.series.years.map(String),
        series: [
          { name: vm.territory.name, values: k.series.values, texts: k.series.texts, color: accent },
          ...(withRegion && k.regionSeries
            ? [
                {
                  name: vm.region.name,
                  values: k.regionSeries.values,
                  texts: k.regionSeries.texts,
                  color: '#929292',
                },
              ]
            : []),
        ],
        targets: k.targetPoint
          ? [{ year: String(k.targetPoint.year), value: k.targetPoint.value, text: k.targetPoint.text }]
          : [],
      }),
    });
  }
  for (const axis of vm.axes) {
    charts.push({
      id: `axe-${axis.number}-objectifs`,
      ...HALF,
      height: 60 + axis.objectives.length * 30,
      option: statusBarsOption({
        categories: axis.objectives.map((o) => `Objectif ${o.number}`),
        counts: countsOf(axis.objectives.map((o) => objectiveCounts(o.indicators.map((i) => i.status)))),
      }),
    });
    charts.push({
      id: `axe-${axis.number}-territoires`,
      ...HALF,
      height: 60 + axis.territories.length * 26,
      option: statusBarsOption({
        categories: axis.territories.map((t) => t.name),
        counts: countsOf(axis.territories.map((t) => t.statusCounts)),
      }),
    });
  }
  if (vm.kind === 'cor-iae') {
    for (const c of vm.comparison.indicators) {
      charts.push({
        id: `comparaison-${c.code}`,
        ...HALF,
        option: territoryBarsOption({
          format: c.unitFormat,
          color: accent,
          bars: c.departments.map((d) => ({
            label: d.officialCode,
            value: d.value,
            text: d.text.replace(/ \(\d{4}\)$/, ''),
          })),
          reference:
            c.isRate && c.region.value !== null
              ? { label: vm.region.name, value: c.region.value, text: c.region.text }
              : null,
        }),
      });
    }
    const map = vm.comparison.map;
    if (map) {
      const mappable = mappableDepartments();
      const codes = map.departments.map((d) => d.officialCode).filter((c) => mappable.has(c));
      if (codes.length > 0) {
        const { name } = registerDepartmentsMap(codes);
        charts.push({
          id: 'carte',
          width: 620,
          height: 480,
          option: departmentsMapOption({
            map: name,
            colors: ['#e3e3fd', accent],
            areas: map.departments
              .filter((d) => mappable.has(d.officialCode))
              .map((d) => ({ code: d.officialCode, name: d.name, value: d.value, text: d.text })),
          }),
        });
      }
    }
  }
  const plans = vm.actionPlans.data;
  if (plans && plans.totals.actions > 0) {
    charts.push({
      id: 'plans-statuts',
      ...(vm.kind === 'cor-iae' ? WIDE : HALF),
      height: vm.kind === 'cor-iae' ? 60 + plans.plans.length * 28 : 200,
      option: stackedBarsOption({
        format: 'number',
        horizontal: true,
        categories: plans.plans.map((p) => p.name),
        series: plans.statuses.map((s, i) => ({
          name: s.label,
          values: plans.plans.map((p) => p.byStatus[i] ?? 0),
          color: ['#929292', '#0063cb', '#18753c', '#b34000', '#161616'][i],
        })),
      }),
    });
  }
  const funding = vm.funding.data;
  if (funding && funding.evolution.rows.length > 0) {
    charts.push({
      id: 'financements-evolution',
      ...WIDE,
      option: stackedBarsOption({
        format: 'euro',
        categories: funding.evolution.rows.map((r) => String(r.year)),
        series: funding.evolution.kinds.map((label, i) => ({
          name: label,
          values: funding.evolution.rows.map((r) => r.byKindValues[i] ?? 0),
        })),
      }),
    });
  }
  return charts;
}
