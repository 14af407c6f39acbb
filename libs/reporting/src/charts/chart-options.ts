import type { EChartsOption } from 'echarts';

/**
 * ECharts option builders: pure functions from already-computed figures to an option object, so that the PDF
 * (rendered to SVG on the server) and the dashboard (drawn in the browser) draw the same charts from the same code.
 *
 * This file is also sent to the browser as it is compiled (`chart-options-script.ts` wraps it, the app serves it at
 * `/vendor/cap-iae-graphiques.js`): it must import nothing at run time (types only) and use nothing Node-specific.
 * The dashboard sends a `ChartSpec` (a builder's name and its input) in the page; the browser calls
 * `buildChartOption(spec)` and only adds what a screen has and paper has not: tooltips and the image button.
 *
 * Every figure shown as text arrives pre-formatted in French (`text`), because ECharts formats numbers the English
 * way; the only functions in an option are the value-axis label formatters (`axisLabelFr`).
 */

export const STATUS_ORDER = ['atteint', 'en_bonne_voie', 'en_retard', 'non_renseigne'] as const;
export type ChartStatus = (typeof STATUS_ORDER)[number];
export const STATUS_COLORS: Record<ChartStatus, string> = {
  atteint: '#18753c',
  en_bonne_voie: '#0063cb',
  en_retard: '#b34000',
  non_renseigne: '#929292',
};
export const STATUS_CHART_LABELS: Record<ChartStatus, string> = {
  atteint: 'Atteint',
  en_bonne_voie: 'En bonne voie',
  en_retard: 'En retard',
  non_renseigne: 'Non renseigné',
};

/** Font stack of the bilans' templates: inline SVG text uses the document's embedded fonts. */
export const CHART_FONT = 'Marianne, "Cap IAE Secours", sans-serif';
const TEXT = '#161616';
const GRID_LINE = '#dddddd';

export type AxisFormat = 'number' | 'percent' | 'euro' | 'fte' | 'hours' | 'points';

/** The axis format of an indicator's unit (`count`, `percent`, `euro`, `fte`, `hours`). */
export function axisFormatOfUnit(unit: string): AxisFormat {
  switch (unit) {
    case 'percent':
    case 'euro':
    case 'fte':
    case 'hours':
      return unit;
    default:
      return 'number';
  }
}

const frInt = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });

/** Axis labels in French, compact for large amounts (« 12,5 M€ »). */
export function axisLabelFr(value: number, format: AxisFormat): string {
  const abs = Math.abs(value);
  const compact =
    abs >= 1e9
      ? `${frInt.format(value / 1e9)}\u00a0Md`
      : abs >= 1e6
        ? `${frInt.format(value / 1e6)}\u00a0M`
        : abs >= 1e4
          ? `${frInt.format(value / 1e3)}\u00a0k`
          : frInt.format(value);
  switch (format) {
    case 'percent':
      return `${frInt.format(value)}\u00a0%`;
    case 'points':
      return `${value > 0 ? '+' : value < 0 ? '−' : ''}${frInt.format(abs)}`;
    case 'euro':
      return abs >= 1e4 ? `${compact}€` : `${compact}\u00a0€`;
    case 'fte':
    case 'hours':
    case 'number':
      return compact;
  }
}

function base(title: string | null): EChartsOption {
  return {
    animation: false,
    backgroundColor: 'transparent',
    textStyle: { fontFamily: CHART_FONT, color: TEXT, fontSize: 11 },
    ...(title
      ? { title: { text: title, left: 0, top: 0, textStyle: { fontSize: 12, fontWeight: 'bold' } } }
      : {}),
  };
}

export interface StatusBarsInput {
  title?: string | null;
  /** One bar per category (objectives, territories…), top to bottom. */
  categories: string[];
  /** Number of indicators of each status, one entry per category. */
  counts: Record<ChartStatus, number[]>;
}

/** Horizontal stacked bars: how many indicators of each category are achieved, on track, late or unknown. */
export function statusBarsOption(input: StatusBarsInput): EChartsOption {
  const reversed = [...input.categories].reverse();
  return {
    ...base(input.title ?? null),
    legend: { bottom: 0, left: 0, itemWidth: 12, itemHeight: 10, textStyle: { fontSize: 10 } },
    grid: { left: 8, right: 16, top: input.title ? 28 : 8, bottom: 30, containLabel: true },
    xAxis: {
      type: 'value',
      minInterval: 1,
      splitLine: { lineStyle: { color: GRID_LINE } },
      axisLabel: { formatter: (v: number) => axisLabelFr(v, 'number') },
    },
    yAxis: {
      type: 'category',
      data: reversed,
      axisTick: { show: false },
      axisLabel: { width: 150, overflow: 'truncate', fontSize: 10 },
    },
    series: STATUS_ORDER.map((status) => ({
      name: STATUS_CHART_LABELS[status],
      type: 'bar' as const,
      stack: 'statuts',
      barMaxWidth: 18,
      itemStyle: { color: STATUS_COLORS[status] },
      label: { show: true, color: '#ffffff', fontSize: 10, formatter: '{c}' },
      data: [...input.counts[status]].reverse().map((n) => (n === 0 ? null : n)),
    })),
  };
}

export interface TerritoryBarsInput {
  title?: string | null;
  format: AxisFormat;
  /** In the order given: left to right, or top to bottom when horizontal. */
  bars: { label: string; value: number | null; text: string; highlight?: boolean; color?: string }[];
  /** A reference drawn as a line across the bars (the région's rate, a target). */
  reference?: { label: string; value: number; text: string } | null;
  color?: string;
  /** Horizontal bars (rankings, long labels), labelled at their end. */
  horizontal?: boolean;
}

const HIGHLIGHT = '#e1000f';

/** Bars, one per territory (or modality), each labelled with its French figure, and an optional reference line. */
export function territoryBarsOption(input: TerritoryBarsInput): EChartsOption {
  const color = input.color ?? '#000091';
  const horizontal = input.horizontal ?? false;
  const categoryAxis = {
    type: 'category' as const,
    data: input.bars.map((b) => b.label),
    axisTick: { show: false },
    inverse: horizontal,
    axisLabel: horizontal
      ? { fontSize: 10, width: 170, overflow: 'truncate' as const }
      : { interval: 0, fontSize: 10 },
  };
  const valueAxis = {
    type: 'value' as const,
    splitLine: { lineStyle: { color: GRID_LINE } },
    axisLabel: { formatter: (v: number) => axisLabelFr(v, input.format), fontSize: 10 },
  };
  return {
    ...base(input.title ?? null),
    grid: {
      left: 8,
      right: horizontal ? 64 : 16,
      top: input.title ? 34 : 16,
      bottom: 8,
      containLabel: true,
    },
    xAxis: horizontal ? valueAxis : categoryAxis,
    yAxis: horizontal ? categoryAxis : valueAxis,
    series: [
      {
        type: 'bar',
        barMaxWidth: horizontal ? 20 : 34,
        data: input.bars.map((b) => ({
          value: b.value,
          name: b.label,
          itemStyle: { color: b.color ?? (b.highlight ? HIGHLIGHT : color) },
          label: {
            show: b.value !== null,
            position: horizontal ? ('right' as const) : ('top' as const),
            fontSize: 9,
            formatter: b.text,
          },
        })),
        ...(input.reference
          ? {
              markLine: {
                silent: true,
                symbol: 'none',
                lineStyle: { color: '#161616', type: 'dashed' },
                label: {
                  formatter: `${input.reference.label} : ${input.reference.text}`,
                  position: 'insideEndTop',
                  fontSize: 9,
                },
                data: [horizontal ? { xAxis: input.reference.value } : { yAxis: input.reference.value }],
              },
            }
          : {}),
      },
    ],
  };
}

export interface SeriesInput {
  title?: string | null;
  format: AxisFormat;
  years: string[];
  /** `emphasis: false`: a thin line without labels, behind the others (the départements around the one shown). */
  series: { name: string; values: (number | null)[]; texts: string[]; color?: string; emphasis?: boolean }[];
  /** Targets of the strategy, drawn as distinct points (a year outside `years` is added in its place). */
  targets?: { year: string; value: number; text: string }[];
  /** Label every point instead of the first and last only. */
  labelAll?: boolean;
}

const SERIES_PALETTE = [
  '#000091',
  '#e1000f',
  '#18753c',
  '#b34000',
  '#6a6af4',
  '#a558a0',
  '#009081',
  '#c3992a',
];

/** Lines over the years, points labelled in French, with the targets as distinct points. */
export function seriesOption(input: SeriesInput): EChartsOption {
  const targets = input.targets ?? [];
  // Years are four digits (or « 2021-T1 »): their text order is their order in time.
  const years = [...new Set([...input.years, ...targets.map((t) => t.year)])].sort();
  const legend = input.series.length > 1 || targets.length > 0;
  const targetName = targets.length === 1 ? `Cible ${targets[0].year}` : 'Cibles';
  return {
    ...base(input.title ?? null),
    legend: legend ? { bottom: 0, left: 0, textStyle: { fontSize: 10 } } : undefined,
    grid: {
      left: 8,
      right: 24,
      top: input.title ? 34 : 16,
      bottom: legend ? 28 : 8,
      containLabel: true,
    },
    xAxis: { type: 'category', data: years, boundaryGap: false, axisTick: { show: false } },
    yAxis: {
      type: 'value',
      scale: true,
      splitLine: { lineStyle: { color: GRID_LINE } },
      axisLabel: { formatter: (v: number) => axisLabelFr(v, input.format), fontSize: 10 },
    },
    series: [
      ...input.series.map((s, i) => ({
        name: s.name,
        type: 'line' as const,
        connectNulls: false,
        symbolSize: s.emphasis === false ? 4 : 6,
        itemStyle: { color: s.color ?? SERIES_PALETTE[i % SERIES_PALETTE.length] },
        lineStyle: { width: s.emphasis === false ? 1.5 : 2 },
        data: years.map((y) => {
          const at = input.years.indexOf(y);
          const value = at >= 0 ? (s.values[at] ?? null) : null;
          return {
            value,
            label: {
              show:
                value !== null &&
                s.emphasis !== false &&
                (input.labelAll === true || at === input.years.length - 1 || at === 0),
              position: 'top' as const,
              fontSize: 9,
              formatter: at >= 0 ? (s.texts[at] ?? '') : '',
            },
          };
        }),
      })),
      ...(targets.length
        ? [
            {
              name: targetName,
              type: 'scatter' as const,
              symbol: 'diamond',
              symbolSize: 11,
              itemStyle: { color: '#18753c' },
              data: years.map((y) => {
                const target = targets.find((t) => t.year === y);
                return {
                  value: target ? target.value : null,
                  label: {
                    show: target !== undefined,
                    position: 'right' as const,
                    fontSize: 9,
                    formatter: target?.text ?? '',
                  },
                };
              }),
            },
          ]
        : []),
    ],
  };
}

export interface SparklineInput {
  years: string[];
  values: (number | null)[];
  texts: string[];
  name: string;
}

/** A small line without axes: the trend of one indicator beside its figure. */
export function sparklineOption(input: SparklineInput): EChartsOption {
  return {
    animation: false,
    backgroundColor: 'transparent',
    textStyle: { fontFamily: CHART_FONT, color: TEXT, fontSize: 10 },
    grid: { left: 2, right: 2, top: 6, bottom: 4 },
    xAxis: { type: 'category', data: input.years, show: false, boundaryGap: false },
    yAxis: { type: 'value', show: false, scale: true },
    series: [
      {
        type: 'line',
        name: input.name,
        symbol: 'circle',
        symbolSize: 4,
        itemStyle: { color: '#000091' },
        lineStyle: { color: '#000091', width: 2 },
        areaStyle: { color: 'rgba(0, 0, 145, 0.08)' },
        data: input.values.map((value, i) => ({
          value,
          label: { show: false, formatter: input.texts[i] ?? '' },
        })),
      },
    ],
  };
}

/** Name under which the map of these départements (INSEE codes) is registered, on the server and in the browser. */
export function departmentsMapName(codes: readonly string[]): string {
  return `departements-${[...codes].sort().join('-')}`;
}

export interface MapInput {
  title?: string | null;
  /** Name under which the map was registered (`departmentsMapName` of the areas' codes). */
  map: string;
  /** INSEE codes of the départements, with their French figure. */
  areas: { code: string; name: string; value: number | null; text: string }[];
  colors?: [string, string];
  /** INSEE code of a département to outline. */
  highlight?: string | null;
  /** A locator map: no figures, the highlighted département filled, the others grey. */
  locator?: boolean;
}

/** Départements coloured by value, each labelled with its name and French figure. */
export function departmentsMapOption(input: MapInput): EChartsOption {
  const values = input.areas.map((a) => a.value).filter((v): v is number => v !== null);
  const min = values.length ? Math.min(...values) : 0;
  const max = values.length ? Math.max(...values) : 1;
  const colors = input.colors ?? ['#e3e3fd', '#000091'];
  const locator = input.locator ?? false;
  return {
    ...base(input.title ?? null),
    ...(locator
      ? {}
      : {
          visualMap: {
            show: false,
            min,
            max: max === min ? min + 1 : max,
            inRange: { color: colors },
          },
        }),
    series: [
      {
        type: 'map',
        map: input.map,
        roam: false,
        selectedMode: false,
        top: input.title ? 30 : 6,
        bottom: 6,
        itemStyle: { borderColor: '#ffffff', borderWidth: 1, areaColor: '#eeeeee' },
        label: {
          show: true,
          fontSize: 9,
          color: '#161616',
          backgroundColor: 'rgba(255,255,255,0.75)',
          padding: 2,
        },
        data: input.areas.map((a) => ({
          name: a.code,
          // ECharts marks a missing value with '-': the area stays grey.
          value: locator ? ('-' as const) : (a.value ?? ('-' as const)),
          label: { formatter: locator ? a.name : `${a.name}\n${a.text}` },
          ...(a.code === input.highlight
            ? {
                itemStyle: locator
                  ? { areaColor: colors[1], borderColor: '#ffffff' }
                  : { borderColor: '#161616', borderWidth: 2.5 },
              }
            : {}),
        })),
      },
    ],
  };
}

export interface StackedBarsInput {
  title?: string | null;
  format: AxisFormat;
  categories: string[];
  series: { name: string; values: number[]; color?: string }[];
  horizontal?: boolean;
}

/** Stacked bars by category (funders by scheme, actions by status…). */
export function stackedBarsOption(input: StackedBarsInput): EChartsOption {
  const palette = ['#000091', '#e1000f', '#18753c', '#b34000', '#6a6af4', '#a558a0', '#009081', '#929292'];
  const valueAxis = {
    type: 'value' as const,
    splitLine: { lineStyle: { color: GRID_LINE } },
    axisLabel: { formatter: (v: number) => axisLabelFr(v, input.format), fontSize: 10 },
  };
  const categoryAxis = {
    type: 'category' as const,
    data: input.horizontal ? [...input.categories].reverse() : input.categories,
    axisTick: { show: false },
    axisLabel: { interval: 0, fontSize: 10, width: 140, overflow: 'truncate' as const },
  };
  return {
    ...base(input.title ?? null),
    legend: { bottom: 0, left: 0, textStyle: { fontSize: 10 } },
    grid: { left: 8, right: 16, top: input.title ? 34 : 12, bottom: 30, containLabel: true },
    xAxis: input.horizontal ? valueAxis : categoryAxis,
    yAxis: input.horizontal ? categoryAxis : valueAxis,
    series: input.series.map((s, i) => ({
      name: s.name,
      type: 'bar' as const,
      stack: 'total',
      barMaxWidth: 28,
      itemStyle: { color: s.color ?? palette[i % palette.length] },
      data: input.horizontal ? [...s.values].reverse() : s.values,
    })),
  };
}

/** A chart as the dashboard describes it in its pages: which builder, with what input. */
export type ChartSpec =
  | { builder: 'statusBars'; input: StatusBarsInput }
  | { builder: 'territoryBars'; input: TerritoryBarsInput }
  | { builder: 'series'; input: SeriesInput }
  | { builder: 'sparkline'; input: SparklineInput }
  | { builder: 'departmentsMap'; input: MapInput }
  | { builder: 'stackedBars'; input: StackedBarsInput };

/** The option of a chart spec: what the browser calls, with the builders the PDF calls. */
export function buildChartOption(spec: ChartSpec): EChartsOption {
  switch (spec.builder) {
    case 'statusBars':
      return statusBarsOption(spec.input);
    case 'territoryBars':
      return territoryBarsOption(spec.input);
    case 'series':
      return seriesOption(spec.input);
    case 'sparkline':
      return sparklineOption(spec.input);
    case 'departmentsMap':
      return departmentsMapOption(spec.input);
    case 'stackedBars':
      return stackedBarsOption(spec.input);
  }
}
