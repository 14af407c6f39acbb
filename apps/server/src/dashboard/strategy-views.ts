import { IndicatorProgress, ProgressReport } from '@cap-iae/indicators';
import { formatPercentFr } from '@cap-iae/shared';
import type { StrategyView } from '@cap-iae/strategy';
import { DashboardData, IndicatorSeries } from './dashboard-data';
import {
  chooseStrategy,
  chooseYear,
  DashboardQuery,
  filterOptions,
  statusBreakdown,
  yearNotice,
} from './dashboard-filters';
import {
  changeCell,
  chart,
  ChartModel,
  formatChange,
  formatDay,
  formatValue,
  numberCell,
  statusCell,
  STATUS_STYLES,
  TableCell,
  TableModel,
  textCell,
  yesNo,
} from './dashboard-format';
import { DomainError } from '@cap-iae/shared';

/** One indicator as a scorecard: where it stands, against what, since when, and where the figure comes from. */
export interface Scorecard {
  code: string;
  label: string;
  href: string;
  status: string;
  statusLabel: string;
  badge: string;
  latest: string | null;
  latestYear: number | null;
  target: string | null;
  targetYear: number | null;
  gap: string | null;
  baseline: string | null;
  baselineYear: number | null;
  expected: string | null;
  share: string | null;
  explanation: string;
  updatedAt: string;
  source: string;
  provenance: string;
  demo: boolean;
  forced: boolean;
  warnings: string[];
  sparkline: ChartModel;
  sparkTextId: string;
  sparkText: string;
}

function scorecard(
  p: IndicatorProgress,
  series: IndicatorSeries | undefined,
  year: number,
  regionCode: string,
  idPrefix: string,
): Scorecard {
  const { unit, decimals, code } = p.indicator;
  const latestValue = p.latest ? series?.regional.get(p.latest.year) : undefined;
  const points = series
    ? [...series.regional.values()].filter((v) => v.year <= year).sort((a, b) => a.year - b.year)
    : [];
  const sparkId = `${idPrefix}-${code}`;
  const sparkText = points.length
    ? `Valeurs de la région, ${points[0].year} à ${points[points.length - 1].year} : ${points
        .map((v) => `${v.year} : ${v.formatted}`)
        .join(' ; ')}.`
    : 'Aucune valeur publiée.';
  // Latest value minus target, signed: « −4 826 » reads as « 4 826 short of the target » next to « Écart à la cible ».
  const gap =
    p.status === 'atteint'
      ? 'cible atteinte'
      : p.latest && p.target
        ? formatChange(p.latest.value - p.target.value, unit, decimals)
        : null;
  return {
    code,
    label: p.indicator.label,
    href: `/indicateurs/${code}?territoire=${regionCode}&annee=${p.latest?.year ?? year}`,
    status: p.status,
    statusLabel: p.statusLabel,
    badge: STATUS_STYLES[p.status].badge,
    latest: p.latest?.formatted ?? null,
    latestYear: p.latest?.year ?? null,
    target: p.target?.formatted ?? null,
    targetYear: p.target?.year ?? null,
    gap,
    baseline: p.baseline?.formatted ?? null,
    baselineYear: p.baseline?.year ?? null,
    expected: p.expected === null ? null : formatValue(p.expected, unit, decimals),
    share: p.share === null ? null : formatPercentFr(p.share * 100, 0),
    explanation: p.explanation,
    updatedAt: formatDay(latestValue?.recordedAt),
    source: latestValue?.sources.join(' ; ') || (p.latest?.provenance ?? ''),
    provenance: p.latest?.provenance ?? '',
    demo: latestValue?.demo ?? false,
    forced: p.override !== null,
    warnings: p.warnings,
    sparkline: chart(
      `tendance-${sparkId}`,
      `Tendance : ${p.indicator.label}`,
      '',
      `tendance-${sparkId}-texte`,
      {
        builder: 'sparkline',
        input: {
          name: p.indicator.label,
          years: points.map((v) => String(v.year)),
          values: points.map((v) => v.value),
          texts: points.map((v) => v.formatted),
        },
      },
      'spark',
    ),
    sparkTextId: `tendance-${sparkId}-texte`,
    sparkText,
  };
}

function scorecardRow(objective: string, s: Scorecard, p: IndicatorProgress, detailed: boolean): TableCell[] {
  const { unit, decimals } = p.indicator;
  const latestCell = numberCell(p.latest?.value, unit, decimals);
  const cells: TableCell[] = [];
  if (!detailed) cells.push(textCell(objective));
  cells.push(textCell(s.label, { header: true, href: s.href }));
  if (detailed) {
    cells.push(numberCell(p.baseline?.value, unit, decimals), textCell(s.baselineYear?.toString() ?? '—'));
  }
  cells.push(latestCell, textCell(s.latestYear?.toString() ?? '—'));
  if (detailed) cells.push(numberCell(p.expected, unit, decimals));
  cells.push(
    numberCell(p.target?.value, unit, decimals),
    textCell(s.targetYear?.toString() ?? '—'),
    p.status === 'atteint' || !p.latest || !p.target
      ? textCell(s.gap ?? '—')
      : changeCell(p.latest.value - p.target.value, unit, decimals),
  );
  if (detailed) cells.push(p.share === null ? textCell('—') : numberCell(p.share * 100, 'percent', 0));
  cells.push(statusCell(p.status));
  if (detailed) cells.push(textCell(s.explanation));
  cells.push(textCell(s.source || '—'), textCell(s.updatedAt || '—'), textCell(yesNo(s.demo)));
  return cells;
}

function scorecardColumns(detailed: boolean) {
  return [
    ...(detailed ? [] : [{ label: 'Objectif' }]),
    { label: 'Indicateur' },
    ...(detailed ? [{ label: 'Situation de départ', numeric: true }, { label: 'Année de départ' }] : []),
    { label: 'Dernière valeur', numeric: true },
    { label: 'Année' },
    ...(detailed ? [{ label: 'Valeur attendue', numeric: true }] : []),
    { label: 'Cible', numeric: true },
    { label: 'Année de la cible' },
    { label: 'Écart à la cible' },
    ...(detailed ? [{ label: 'Part de la progression attendue' }] : []),
    { label: 'Statut' },
    ...(detailed ? [{ label: 'Explication' }] : []),
    { label: 'Source' },
    { label: 'Mis à jour le' },
    { label: 'Démonstration' },
  ];
}

async function context(data: DashboardData, strategyCode: string, query: DashboardQuery) {
  const list = await data.strategyList();
  const strategy: StrategyView = chooseStrategy(list, strategyCode);
  const year = chooseYear(strategy, query.annee);
  return { list, strategy, year };
}

async function seriesOf(
  data: DashboardData,
  report: ProgressReport,
  objectives: ProgressReport['objectives'],
) {
  const codes = [...new Set(objectives.flatMap((o) => o.indicators.map((i) => i.indicator.code)))];
  return data.series(codes, report.territory.code);
}

/** An axis of a strategy: each of its objectives with its indicators as scorecards. */
export async function buildAxis(
  data: DashboardData,
  strategyCode: string,
  number: string,
  query: DashboardQuery,
) {
  const { list, strategy, year } = await context(data, strategyCode, query);
  const axis = strategy.axes.find((a) => String(a.number) === number);
  if (!axis) throw DomainError.notFound(`Axe inconnu : « ${number} » dans la stratégie ${strategy.code}.`);
  const view = await data.cache.get(`axis|${strategy.code}|${axis.number}|${year}`, async () => {
    const report = await data.report(strategy.code, strategy.territory, year);
    const objectives = report.objectives.filter((o) => o.axis.number === axis.number);
    const series = await seriesOf(data, report, objectives);
    const rows: TableCell[][] = [];
    const distinct = new Map<string, IndicatorProgress>();
    const sections = objectives.map((o) => ({
      number: o.number,
      title: o.title,
      href: `/objectifs/${strategy.code}/${o.number}?annee=${year}`,
      cards: o.indicators.map((p) => {
        distinct.set(p.indicator.code, p);
        const card = scorecard(p, series.get(p.indicator.code), year, report.territory.code, `o${o.number}`);
        rows.push(scorecardRow(`${o.number} ${o.title}`, card, p, false));
        return card;
      }),
    }));
    const table: TableModel = {
      id: 'indicateurs',
      caption: `Indicateurs de l’axe ${axis.number} en ${year} (${report.territory.name})`,
      columns: scorecardColumns(false),
      rows,
    };
    return {
      strategy: { code: strategy.code, title: strategy.title },
      axis: { number: axis.number, title: axis.title },
      year,
      params: { annee: String(year) },
      filters: filterOptions(list, strategy, year),
      territory: report.territory,
      summary: statusBreakdown([...distinct.values()].map((p) => p.status)),
      sections,
      tables: [table],
      homeHref: `/?strategie=${strategy.code}&annee=${year}`,
    };
  });
  return { ...view, notice: yearNotice(strategy, query.annee, year) };
}

/** An objective: its indicators with the whole computation (baseline, expected value, share, explanation). */
export async function buildObjective(
  data: DashboardData,
  strategyCode: string,
  number: string,
  query: DashboardQuery,
) {
  const { list, strategy, year } = await context(data, strategyCode, query);
  const axis = strategy.axes.find((a) => a.objectives.some((o) => o.number === number));
  const objective = axis?.objectives.find((o) => o.number === number);
  if (!axis || !objective)
    throw DomainError.notFound(`Objectif inconnu : « ${number} » dans la stratégie ${strategy.code}.`);
  const view = await data.cache.get(`objective|${strategy.code}|${number}|${year}`, async () => {
    const report = await data.report(strategy.code, strategy.territory, year);
    const found = report.objectives.find((o) => o.number === number)!;
    const series = await seriesOf(data, report, [found]);
    const rows: TableCell[][] = [];
    const cards = found.indicators.map((p) => {
      const card = scorecard(p, series.get(p.indicator.code), year, report.territory.code, 'obj');
      rows.push(scorecardRow(number, card, p, true));
      return card;
    });
    const table: TableModel = {
      id: 'indicateurs',
      caption: `Indicateurs de l’objectif ${number} en ${year} (${report.territory.name})`,
      columns: scorecardColumns(true),
      rows,
    };
    return {
      strategy: { code: strategy.code, title: strategy.title },
      axis: {
        number: axis.number,
        title: axis.title,
        href: `/axes/${strategy.code}/${axis.number}?annee=${year}`,
      },
      objective: { number: objective.number, title: objective.title, pactMeasures: objective.pactMeasures },
      year,
      params: { annee: String(year) },
      filters: filterOptions(list, strategy, year),
      territory: report.territory,
      summary: statusBreakdown(found.indicators.map((p) => p.status)),
      method: report.method.summary,
      cards,
      tables: [table],
      homeHref: `/?strategie=${strategy.code}&annee=${year}`,
    };
  });
  return { ...view, notice: yearNotice(strategy, query.annee, year) };
}
