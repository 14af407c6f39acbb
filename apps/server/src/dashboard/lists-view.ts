import { AGGREGATION_LABELS, DIRECTION_LABELS, UNIT_LABELS } from '@cap-iae/indicators';
import { DashboardData, latestRegional } from './dashboard-data';
import {
  chooseStrategy,
  chooseYear,
  DashboardQuery,
  filterOptions,
  statusBreakdown,
  yearNotice,
} from './dashboard-filters';
import {
  chart,
  countCell,
  departmentSlug,
  numberCell,
  countsByStatus,
  STATUS_ORDER,
  STATUS_STYLES,
  TableModel,
  textCell,
} from './dashboard-format';

/** The indicators of a strategy with their latest regional value: the entry point to every indicator page. */
export async function buildIndicatorList(data: DashboardData, query: DashboardQuery) {
  const list = await data.strategyList();
  const strategy = chooseStrategy(list, query.strategie);
  return data.cache.get(`indicators|${strategy.code}`, async () => {
    const catalogue = (await data.catalogue()).filter((i) =>
      i.objectives.some((o) => o.strategy === strategy.code),
    );
    const series = await data.series(
      catalogue.map((i) => i.code),
      strategy.territory,
    );
    const table: TableModel = {
      id: 'catalogue',
      caption: `Indicateurs de la stratégie ${strategy.title}`,
      columns: [
        { label: 'Indicateur' },
        { label: 'Code' },
        { label: 'Objectifs' },
        { label: 'Unité' },
        { label: 'Sens' },
        { label: 'Agrégation' },
        { label: 'Dernière valeur régionale', numeric: true },
        { label: 'Année' },
      ],
      rows: catalogue.map((i) => {
        const latest = latestRegional(series.get(i.code), Number.MAX_SAFE_INTEGER);
        return [
          textCell(i.label, { header: true, href: `/indicateurs/${i.code}` }),
          textCell(i.code),
          textCell(
            i.objectives
              .filter((o) => o.strategy === strategy.code)
              .map((o) => o.number)
              .join(', '),
          ),
          textCell(UNIT_LABELS[i.unit]),
          textCell(DIRECTION_LABELS[i.direction]),
          textCell(AGGREGATION_LABELS[i.aggregation]),
          numberCell(latest?.value, i.unit, i.decimals),
          textCell(latest ? String(latest.year) : '—'),
        ];
      }),
    };
    return {
      strategy: { code: strategy.code, title: strategy.title },
      params: { strategie: strategy.code },
      strategies: filterOptions(list, strategy, strategy.endYear).strategies,
      count: catalogue.length,
      tables: [table],
    };
  });
}

/** The départements of the région side by side: how many indicators each has reached, on track, late. */
export async function buildDepartmentList(data: DashboardData, query: DashboardQuery) {
  const list = await data.strategyList();
  const strategy = chooseStrategy(list, query.strategie);
  const year = chooseYear(strategy, query.annee);
  const view = await data.cache.get(`departments|${strategy.code}|${year}`, async () => {
    const scope = await data.scope(strategy.territory);
    const entries: ({ code: string; officialCode: string; name: string; href: string } & ReturnType<
      typeof statusBreakdown
    >)[] = [];
    for (const d of scope.departments) {
      const report = await data.report(strategy.code, d.code, year);
      const statuses = new Map(
        report.objectives.flatMap((o) => o.indicators.map((p) => [p.indicator.code, p.status] as const)),
      );
      entries.push({
        code: d.code,
        officialCode: d.officialCode,
        name: d.name,
        href: `/departements/${departmentSlug(d.code)}?strategie=${strategy.code}&annee=${year}`,
        ...statusBreakdown([...statuses.values()]),
      });
    }
    const table: TableModel = {
      id: 'departements',
      caption: `Avancement des indicateurs par département en ${year}`,
      columns: [
        { label: 'Département' },
        ...STATUS_ORDER.map((s) => ({ label: STATUS_STYLES[s].label, numeric: true })),
        { label: 'Total', numeric: true },
      ],
      rows: entries.map((e) => [
        textCell(`${e.name} (${e.officialCode})`, { header: true, href: e.href }),
        ...e.counts.map((c) => countCell(c.count)),
        countCell(e.total),
      ]),
    };
    return {
      strategy: { code: strategy.code, title: strategy.title },
      region: { code: scope.region.code, name: scope.region.name },
      year,
      params: { strategie: strategy.code, annee: String(year) },
      filters: filterOptions(list, strategy, year),
      departments: entries,
      chart: chart(
        'graphique-departements',
        `Avancement des indicateurs par département en ${year}`,
        'Barres empilées : nombre d’indicateurs de chaque département par statut d’avancement.',
        'departements-table',
        {
          builder: 'statusBars',
          input: {
            categories: entries.map((e) => e.name),
            counts: countsByStatus(entries.map((e) => e.counts.map((c) => c.count))),
          },
        },
        'lg',
      ),
      tables: [table],
    };
  });
  return { ...view, notice: yearNotice(strategy, query.annee, year) };
}
