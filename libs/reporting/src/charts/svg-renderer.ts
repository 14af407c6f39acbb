import type { EChartsOption } from 'echarts';
import { departmentsMapName } from './chart-options';
import { departmentsSvgTree } from './departments-map';

export interface ChartToRender {
  /** Unique in the document: prefixes the SVG's internal ids and classes. */
  id: string;
  option: EChartsOption;
  width: number;
  height: number;
}

const registered = new Set<string>();

/** ECharts (~20 MB once loaded) is required on the first chart, not when the application starts. */
function echarts(): typeof import('echarts') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('echarts') as typeof import('echarts');
}

/** Registers (once per process) the map of these départements under a name derived from them. */
export function registerDepartmentsMap(codes: readonly string[]): { name: string; drawn: string[] } {
  const name = departmentsMapName(codes);
  const { svg, drawn } = departmentsSvgTree(codes);
  if (!registered.has(name)) {
    echarts().registerMap(name, { svg });
    registered.add(name);
  }
  return { name, drawn };
}

/**
 * One chart to an SVG string, on the server (ECharts SSR, no browser). ECharts numbers its internal ids per chart
 * instance (`zr12-…`): they are renamed after the chart's id so that the same chart gives the same SVG in every run,
 * and several charts in one document never share a class. The size comes from the viewBox, so the figure scales to
 * its column.
 */
export function renderChartSvg(chart: ChartToRender): string {
  const instance = echarts().init(null, null, {
    renderer: 'svg',
    ssr: true,
    width: chart.width,
    height: chart.height,
  });
  try {
    instance.setOption(chart.option);
    const prefix = chart.id.replace(/[^a-zA-Z0-9_-]/g, '-');
    // Style classes are numbered per process too (`zr3-cls-41`): renumbered in order of appearance.
    const classes = new Map<string, number>();
    return instance
      .renderToSVGString()
      .replace(/\bzr\d+-cls-(\d+)/g, (_, n: string) => {
        if (!classes.has(n)) classes.set(n, classes.size);
        return `${prefix}-cls-${classes.get(n)}`;
      })
      .replace(/\bzr\d+-/g, `${prefix}-`)
      .replace(
        /^<svg width="\d+" height="\d+"/,
        '<svg class="chart-svg" aria-hidden="true" focusable="false"',
      );
  } finally {
    instance.dispose();
  }
}

/** Lets the event loop breathe between charts: a big bilan renders dozens of them, each a few milliseconds of CPU. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Renders a list of charts, yielding between each, into a map from chart id to SVG. */
export async function renderCharts(
  charts: readonly ChartToRender[],
  onProgress?: (done: number, total: number) => void,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (let i = 0; i < charts.length; i++) {
    out[charts[i].id] = renderChartSvg(charts[i]);
    onProgress?.(i + 1, charts.length);
    await yieldToEventLoop();
  }
  return out;
}
