import { cleanNumber, IndicatorProgress } from '@cap-iae/indicators';
import { DomainError } from '@cap-iae/shared';
import { TerritoryView } from '@cap-iae/territories';
import { DashboardData } from './dashboard-data';
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
  formatChange,
  formatValue,
  departmentSlug,
  numberCell,
  shareCell,
  statusCell,
  TableCell,
  TableModel,
  textCell,
} from './dashboard-format';
import { departmentsMapName } from '@cap-iae/reporting';

/** `93`, `DEP-93`, `2A`: the département's territory code. */
export function departmentCode(slug: string): string {
  return /^DEP-/i.test(slug) ? slug.toUpperCase() : `DEP-${slug.toUpperCase()}`;
}

/**
 * A département against its région and the other départements: every indicator of the strategy with the
 * département's value, the région's, its rank, and its own progress against its targets.
 */
export async function buildDepartment(data: DashboardData, slug: string, query: DashboardQuery) {
  const territory: TerritoryView | undefined = await data.territory(departmentCode(slug));
  if (!territory || territory.level !== 'department')
    throw DomainError.notFound(`Département inconnu : « ${slug} ».`);
  const list = await data.strategyList();
  const covering = list.filter((s) => s.territory === territory.parentCode);
  if (covering.length === 0)
    throw DomainError.notFound(`Aucune stratégie régionale ne couvre le département « ${territory.name} ».`);
  const strategy = chooseStrategy(covering, query.strategie);
  const year = chooseYear(strategy, query.annee);

  const view = await data.cache.get(`department|${territory.code}|${strategy.code}|${year}`, async () => {
    const scope = await data.scope(strategy.territory);
    const [report, regionReport] = await Promise.all([
      data.report(strategy.code, territory.code, year),
      data.report(strategy.code, strategy.territory, year),
    ]);
    const distinct = new Map<string, { objective: string; p: IndicatorProgress }>();
    for (const o of report.objectives)
      for (const p of o.indicators)
        if (!distinct.has(p.indicator.code)) distinct.set(p.indicator.code, { objective: o.number, p });
    const codes = [...distinct.keys()];
    const series = await data.series(codes, strategy.territory);
    const regionStatus = new Map(
      regionReport.objectives.flatMap((o) => o.indicators.map((p) => [p.indicator.code, p.status] as const)),
    );

    const rows: TableCell[][] = [];
    const gaps: { label: string; value: number }[] = [];
    const shares: { label: string; value: number }[] = [];
    for (const { objective, p } of distinct.values()) {
      const s = series.get(p.indicator.code);
      const { unit, decimals, direction, aggregation } = p.indicator;
      // The département's latest value up to the year assessed, and the région's for that same year.
      const own = s
        ? [...(s.byDepartment.get(territory.code)?.values() ?? [])]
            .filter((v) => v.year <= year)
            .sort((a, b) => b.year - a.year)[0]
        : undefined;
      const regional = own ? s?.regional.get(own.year) : undefined;
      const others = own
        ? scope.departments
            .map((d) => s?.byDepartment.get(d.code)?.get(own.year)?.value)
            .filter((v): v is number => v !== undefined)
        : [];
      const rank = own
        ? others.filter((v) => (direction === 'up' ? v > own.value : v < own.value)).length + 1
        : undefined;
      if (own && regional) {
        if (unit === 'percent') gaps.push({ label: p.indicator.label, value: own.value - regional.value });
        else if (aggregation === 'sum' && regional.value > 0)
          shares.push({ label: p.indicator.label, value: (own.value / regional.value) * 100 });
      }
      rows.push([
        textCell(objective),
        textCell(p.indicator.label, {
          header: true,
          href: `/indicateurs/${p.indicator.code}?territoire=${territory.code}${own ? `&annee=${own.year}` : ''}`,
        }),
        numberCell(own?.value, unit, decimals),
        textCell(own ? String(own.year) : '—'),
        numberCell(regional?.value, unit, decimals),
        !own || !regional
          ? textCell('—')
          : unit === 'percent' || aggregation !== 'sum'
            ? changeCell(own.value - regional.value, unit, decimals)
            : shareCell((own.value / regional.value) * 100, ' de la région'),
        rank ? { text: `${rank} sur ${others.length}`, value: rank, numFmt: '0' } : textCell('—'),
        numberCell(p.target?.value, unit, decimals),
        statusCell(p.status),
        regionStatus.has(p.indicator.code) ? statusCell(regionStatus.get(p.indicator.code)!) : textCell('—'),
      ]);
    }

    const table: TableModel = {
      id: 'indicateurs',
      caption: `Indicateurs comparés à la région — ${territory.name}, ${year}`,
      columns: [
        { label: 'Objectif' },
        { label: 'Indicateur' },
        { label: territory.name, numeric: true },
        { label: 'Année' },
        { label: scope.region.name, numeric: true },
        { label: 'Comparaison à la région' },
        { label: 'Rang parmi les départements', numeric: true },
        { label: `Cible (${territory.name})`, numeric: true },
        { label: `Avancement (${territory.name})` },
        { label: `Avancement (${scope.region.name})` },
      ],
      rows,
    };
    const gapTable: TableModel = {
      id: 'ecarts-taux',
      caption: `Écart au taux régional, en points — ${territory.name}, ${year}`,
      columns: [{ label: 'Indicateur' }, { label: 'Écart (points)', numeric: true }],
      rows: gaps.map((g) => [textCell(g.label, { header: true }), numberCell(g.value, 'count', 1)]),
    };
    const shareTable: TableModel = {
      id: 'parts-region',
      caption: `Part du département dans la valeur régionale — ${territory.name}, ${year}`,
      columns: [{ label: 'Indicateur' }, { label: 'Part de la région', numeric: true }],
      rows: shares.map((g) => [textCell(g.label, { header: true }), numberCell(g.value, 'percent', 1)]),
    };

    return {
      department: {
        code: territory.code,
        slug: departmentSlug(territory.code),
        officialCode: territory.officialCode,
        name: territory.name,
      },
      region: { code: scope.region.code, name: scope.region.name },
      strategy: { code: strategy.code, title: strategy.title },
      year,
      params: { strategie: strategy.code, annee: String(year) },
      filters: filterOptions(covering, strategy, year),
      summary: statusBreakdown([...distinct.values()].map((d) => d.p.status)),
      regionSummary: statusBreakdown([...regionStatus.values()]),
      others: scope.departments
        .filter((d) => d.code !== territory.code)
        .map((d) => ({
          name: d.name,
          href: `/departements/${departmentSlug(d.code)}?strategie=${strategy.code}&annee=${year}`,
        })),
      gapChart: gaps.length
        ? chart(
            'graphique-ecarts-taux',
            `Écart au taux régional — ${territory.name}`,
            'Barres horizontales en points : à droite, au-dessus du taux régional ; à gauche, en dessous.',
            'ecarts-taux-table',
            {
              builder: 'territoryBars',
              input: {
                format: 'points',
                horizontal: true,
                bars: gaps
                  .sort((a, b) => b.value - a.value)
                  .map((g) => ({
                    label: g.label,
                    value: cleanNumber(g.value),
                    text: formatChange(g.value, 'percent', 1),
                    // Above the regional rate in green, below in orange, as the statuses say it.
                    color: g.value >= 0 ? '#18753c' : '#b34000',
                  })),
              },
            },
            'lg',
          )
        : null,
      shareChart: shares.length
        ? chart(
            'graphique-parts-region',
            `Part du département dans la valeur régionale — ${territory.name}`,
            'Barres horizontales : part du département dans la valeur régionale, en pourcentage.',
            'parts-region-table',
            {
              builder: 'territoryBars',
              input: {
                format: 'percent',
                horizontal: true,
                bars: shares
                  .sort((a, b) => b.value - a.value)
                  .map((g) => ({
                    label: g.label,
                    value: cleanNumber(g.value),
                    text: formatValue(g.value, 'percent', 1),
                  })),
              },
            },
            'lg',
          )
        : null,
      mapChart: chart(
        'carte-departement',
        `${territory.name} — situation dans la région`,
        'Carte de la région : le département est mis en évidence.',
        'carte-departement-texte',
        {
          builder: 'departmentsMap',
          input: {
            map: departmentsMapName(scope.departments.map((d) => d.officialCode)),
            locator: true,
            areas: scope.departments.map((d) => ({
              code: d.officialCode,
              name: d.name,
              value: null,
              text: '',
            })),
            highlight: territory.officialCode,
          },
        },
        'sm',
      ),
      tables: [table, ...(gaps.length ? [gapTable] : []), ...(shares.length ? [shareTable] : [])],
      links: {
        // The routes of the plans and funding pages, with the filters they read (territory codes).
        plans: `/plans?departement=${territory.code}&strategie=${strategy.code}&annee=${year}`,
        funding: `/financements?territoire=${territory.code}`,
      },
      loginLinks: {
        plans: `/connexion?suite=${encodeURIComponent(`/plans?departement=${territory.code}&strategie=${strategy.code}&annee=${year}`)}`,
        funding: `/connexion?suite=${encodeURIComponent(`/financements?territoire=${territory.code}`)}`,
      },
    };
  });
  return { ...view, notice: yearNotice(strategy, query.annee, year) };
}
