import type { EChartsOption } from 'echarts';

/**
 * ECharts option builders: pure functions from already-computed figures to an option object, free of any framework,
 * so that the PDF (rendered to SVG on the server) and the dashboard (rendered in the browser) draw the same charts.
 *
 * Every figure shown as text arrives pre-formatted in French (`text`), because ECharts formats numbers the English
 * way; the only functions in an option are the value-axis label formatters, which `serializableOption()` removes for
 * a browser (that re-adds `v => v.toLocaleString('fr-FR')`).
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

export type AxisFormat = 'number' | 'percent' | 'euro' | 'fte' | 'hours';

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
  bars: { label: string; value: number | null; text: string; highlight?: boolean }[];
  /** A reference drawn as a line across the bars (the région's rate, a target). */
  reference?: { label: string; value: number; text: string } | null;
  color?: string;
}

/** Vertical bars, one per territory, each labelled with its French figure, and an optional reference line. */
export function territoryBarsOption(input: TerritoryBarsInput): EChartsOption {
  const color = input.color ?? '#000091';
  return {
    ...base(input.title ?? null),
    grid: { left: 8, right: 16, top: input.title ? 34 : 16, bottom: 8, containLabel: true },
    xAxis: {
      type: 'category',
      data: input.bars.map((b) => b.label),
      axisTick: { show: false },
      axisLabel: { interval: 0, fontSize: 10 },
    },
    yAxis: {
      type: 'value',
      splitLine: { lineStyle: { color: GRID_LINE } },
      axisLabel: { formatter: (v: number) => axisLabelFr(v, input.format), fontSize: 10 },
    },
    series: [
      {
        type: 'bar',
        barMaxWidth: 34,
        data: input.bars.map((b) => ({
          value: b.value,
          itemStyle: { color: b.highlight ? '#e1000f' : color },
          label: { show: b.value !== null, position: 'top', fontSize: 9, formatter: b.text },
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
                data: [{ yAxis: input.reference.value }],
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
  series: { name: string; values: (number | null)[]; texts: string[]; color?: string }[];
  /** The target of the strategy, drawn as a point. */
  target?: { year: string; value: number; text: string } | null;
}

/** Lines over the years, each point labelled in French, with the target as a distinct point. */
export function seriesOption(input: SeriesInput): EChartsOption {
  const palette = ['#000091', '#e1000f', '#18753c', '#b34000', '#6a6af4'];
  const years =
    input.target && !input.years.includes(input.target.year)
      ? [...input.years, input.target.year]
      : input.years;
  return {
    ...base(input.title ?? null),
    legend:
      input.series.length > 1 || input.target
        ? { bottom: 0, left: 0, textStyle: { fontSize: 10 } }
        : undefined,
    grid: {
      left: 8,
      right: 24,
      top: input.title ? 34 : 16,
      bottom: input.series.length > 1 || input.target ? 28 : 8,
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
        symbolSize: 6,
        itemStyle: { color: s.color ?? palette[i % palette.length] },
        lineStyle: { width: 2 },
        data: years.map((y) => {
          const at = input.years.indexOf(y);
          const value = at >= 0 ? (s.values[at] ?? null) : null;
          return {
            value,
            label: {
              show: value !== null && (at === input.years.length - 1 || at === 0),
              position: 'top' as const,
              fontSize: 9,
              formatter: at >= 0 ? (s.texts[at] ?? '') : '',
            },
          };
        }),
      })),
      ...(input.target
        ? [
            {
              name: `Cible ${input.target.year}`,
              type: 'scatter' as const,
              symbol: 'diamond',
              symbolSize: 11,
              itemStyle: { color: '#18753c' },
              data: years.map((y) => ({
                value: y === input.target!.year ? input.target!.value : null,
                label: {
                  show: y === input.target!.year,
                  position: 'right' as const,
                  fontSize: 9,
                  formatter: input.target!.text,
                },
              })),
            },
          ]
        : []),
    ],
  };
}

export interface MapInput {
  title?: string | null;
  /** Name under which the map was registered (see `registerDepartmentsMap`). */
  map: string;
  /** INSEE codes of the départements, with their French figure. */
  areas: { code: string; name: string; value: number | null; text: string }[];
  colors?: [string, string];
}

/** Départements coloured by value, each labelled with its name and French figure. */
export function departmentsMapOption(input: MapInput): EChartsOption {
  const values = input.areas.map((a) => a.value).filter((v): v is number => v !== null);
  const min = values.length ? Math.min(...values) : 0;
  const max = values.length ? Math.max(...values) : 1;
  return {
    ...base(input.title ?? null),
    visualMap: {
      show: false,
      min,
      max: max === min ? min + 1 : max,
      inRange: { color: input.colors ?? ['#e3e3fd', '#000091'] },
    },
    series: [
      {
        type: 'map',
        map: input.map,
        roam: false,
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
          value: a.value ?? ('-' as const),
          label: { formatter: `${a.name}\n${a.text}` },
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

/** A copy without functions, for sending an option to a browser as JSON. */
export function serializableOption(option: EChartsOption): EChartsOption {
  return JSON.parse(JSON.stringify(option)) as EChartsOption;
}
