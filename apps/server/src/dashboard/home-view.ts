import { ProgressStatus } from '@cap-iae/indicators';
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
  ChartModel,
  countCell,
  departmentSlug,
  formatChange,
  formatDay,
  countsByStatus,
  STATUS_ORDER,
  STATUS_STYLES,
  TableModel,
  textCell,
} from './dashboard-format';

/** The région's key figures, in the order the COR-IAE reads them. */
export const KEY_FIGURES: { code: string; label: string }[] = [
  { code: 'SIAE_NB', label: 'Structures de l’IAE (SIAE)' },
  { code: 'SAL_INSERTION_NB', label: 'Salariés en insertion' },
  { code: 'ETP_INSERTION', label: 'ETP d’insertion réalisés' },
  { code: 'TX_SORTIES_DYNAMIQUES', label: 'Taux de sorties dynamiques' },
];

export interface KeyFigure {
  code: string;
  label: string;
  href: string;
  value: string | null;
  year: number | null;
  change: string | null;
  sources: string;
  updatedAt: string;
  demo: boolean;
  provenance: string;
}

/** The Accueil: progress of each axis of a strategy for its région, key figures, freshness of the data. */
export async function buildHome(data: DashboardData, query: DashboardQuery) {
  const list = await data.strategyList();
  const strategy = chooseStrategy(list, query.strategie);
  const year = chooseYear(strategy, query.annee);
  const params = { strategie: strategy.code, annee: String(year) };
  const view = await data.cache.get(`home|${strategy.code}|${year}`, async () => {
    // Independent reads, side by side (PostgreSQL runs them at once; SQLite one after the other anyway).
    const [report, scope, series, freshness] = await Promise.all([
      data.report(strategy.code, strategy.territory, year),
      data.scope(strategy.territory),
      data.series(
        KEY_FIGURES.map((k) => k.code),
        strategy.territory,
      ),
      data.freshness(),
    ]);

    const axes = strategy.axes.map((axis) => {
      // An indicator attached to two objectives of the axis counts once.
      const byCode = new Map<string, ProgressStatus>();
      for (const o of report.objectives.filter((x) => x.axis.number === axis.number))
        for (const i of o.indicators) byCode.set(i.indicator.code, i.status);
      return {
        number: axis.number,
        title: axis.title,
        href: `/axes/${strategy.code}/${axis.number}?annee=${year}`,
        objectives: axis.objectives.map((o) => ({
          number: o.number,
          title: o.title,
          href: `/objectifs/${strategy.code}/${o.number}?annee=${year}`,
        })),
        ...statusBreakdown([...byCode.values()]),
      };
    });

    const progressTable: TableModel = {
      id: 'avancement-axes',
      caption: `Avancement des indicateurs par axe en ${year} (${report.territory.name})`,
      columns: [
        { label: 'Axe' },
        ...STATUS_ORDER.map((s) => ({ label: STATUS_STYLES[s].label, numeric: true })),
        { label: 'Total', numeric: true },
      ],
      rows: axes.map((a) => [
        textCell(`Axe ${a.number} — ${a.title}`, { header: true, href: a.href }),
        ...a.counts.map((c) => countCell(c.count)),
        countCell(a.total),
      ]),
    };
    const progressChart: ChartModel = chart(
      'graphique-avancement-axes',
      `Avancement des indicateurs par axe en ${year}`,
      'Barres empilées : nombre d’indicateurs de chaque axe par statut d’avancement.',
      'avancement-axes-table',
      {
        builder: 'statusBars',
        input: {
          categories: axes.map((a) => `Axe ${a.number}`),
          counts: countsByStatus(axes.map((a) => a.counts.map((c) => c.count))),
        },
      },
      'sm',
    );

    const keyFigures: KeyFigure[] = [];
    for (const k of KEY_FIGURES) {
      const s = series.get(k.code);
      if (!s) continue;
      // The last year with a complete value, whatever the year assessed: « last available year ».
      const latest = latestRegional(s, Number.MAX_SAFE_INTEGER);
      const previous = latest ? latestRegional(s, latest.year - 1) : undefined;
      const { unit, decimals } = s.indicator;
      keyFigures.push({
        code: k.code,
        label: k.label,
        href: `/indicateurs/${k.code}?territoire=${strategy.territory}`,
        value: latest?.formatted ?? null,
        year: latest?.year ?? null,
        change:
          latest && previous
            ? `${formatChange(latest.value - previous.value, unit, decimals)} par rapport à ${previous.year}`
            : null,
        sources: latest?.sources.join(' ; ') || (latest?.provenance ?? ''),
        updatedAt: formatDay(latest?.recordedAt),
        demo: latest?.demo ?? false,
        provenance: latest?.provenance ?? '',
      });
    }

    return {
      strategy: {
        code: strategy.code,
        title: strategy.title,
        years: `${strategy.startYear}-${strategy.endYear}`,
        source: strategy.source,
      },
      year,
      params,
      filters: filterOptions(list, strategy, year),
      territory: report.territory,
      overall: statusBreakdown(
        Object.entries(report.summary).flatMap(([s, n]) =>
          Array<ProgressStatus>(n).fill(s as ProgressStatus),
        ),
      ),
      method: report.method.summary,
      axes,
      progressChart,
      tables: [progressTable],
      keyFigures,
      freshness: {
        recordedAt: formatDay(freshness.recordedAt),
        validatedAt: formatDay(freshness.validatedAt),
        count: freshness.count,
      },
      departments: scope.departments.map((d) => ({
        code: d.code,
        name: d.name,
        officialCode: d.officialCode,
        href: `/departements/${departmentSlug(d.code)}?strategie=${strategy.code}&annee=${year}`,
      })),
    };
  });
  return { ...view, notice: yearNotice(strategy, query.annee, year) };
}
