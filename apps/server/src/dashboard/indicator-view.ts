import {
  AGGREGATION_LABELS,
  DIRECTION_LABELS,
  IndicatorView,
  OBSERVATION_STATUS_LABELS,
  PROVENANCE_LABELS,
  UNIT_LABELS,
} from '@cap-iae/indicators';
import { DIMENSIONS, DimensionName, DomainError, parseDimensionKey } from '@cap-iae/shared';
import { TerritoryView } from '@cap-iae/territories';
import { DashboardData, IndicatorSeries, StoredValue } from './dashboard-data';
import { DashboardQuery } from './dashboard-filters';
import {
  changeCell,
  chart,
  departmentSlug,
  formatDay,
  numberCell,
  shareCell,
  TableCell,
  TableModel,
  textCell,
  valueTexts,
  formatValue,
  withQuery,
  yesNo,
} from './dashboard-format';
import { axisFormatOfUnit, departmentsMapName } from '@cap-iae/reporting';

/** The région's line and the territory chosen, the same colours as in the bilans. */
const REGION_COLOR = '#000091';
const SELECTED_COLOR = '#e1000f';

export const PROVENANCE_KIND_LABELS: Record<string, string> = {
  reference: 'document de référence',
  demo: 'génération de démonstration',
  user: 'saisie',
  run: 'exécution d’une source',
  import: 'import de fichier',
};

/** « Type de SIAE » → « type de SIAE »: acronyms keep their capitals. */
function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** `source:12:run:34` → the page of run 34. */
export function runHref(ref: string): string | undefined {
  const m = /^source:\d+:run:(\d+)$/.exec(ref);
  return m ? `/sources/executions/${m[1]}` : undefined;
}

const SERIES_LABELS = { territoire: 'Territoire choisi', departements: 'Tous les départements' } as const;

/** The région an indicator is read in: that of the strategies it serves (the most recent first). */
async function regionOf(data: DashboardData, indicator: IndicatorView): Promise<string> {
  const strategies = await data.strategyList();
  const linked = strategies
    .filter((s) => indicator.objectives.some((o) => o.strategy === s.code))
    .sort((a, b) => b.startYear - a.startYear);
  const region = (linked[0] ?? [...strategies].sort((a, b) => b.startYear - a.startYear)[0])?.territory;
  if (!region) throw DomainError.notFound('Aucune stratégie n’est chargée.');
  return region;
}

/**
 * The indicator page: time series for the région and its départements with the target, the breakdown by one
 * dimension, the ranking and the map of the départements for one year, and where each value comes from.
 */
export async function buildIndicator(data: DashboardData, code: string, query: DashboardQuery) {
  const indicator = await data.indicator(code);
  if (!indicator) throw DomainError.notFound(`Indicateur inconnu : « ${code} ».`);
  const regionCode = await regionOf(data, indicator);
  const scope = await data.scope(regionCode);

  const territoryCode = query.territoire || regionCode;
  const selected: TerritoryView | undefined =
    territoryCode === regionCode ? scope.region : scope.departments.find((d) => d.code === territoryCode);
  if (!selected)
    throw DomainError.validation(
      [{ field: 'territoire', message: `doit être ${regionCode} ou l’un de ses départements (DEP-93…)` }],
      'Filtre invalide.',
    );
  const dimensionNames = indicator.dimensions.map((d) => d.code);
  if (query.ventilation && query.ventilation !== 'aucune' && !dimensionNames.includes(query.ventilation))
    throw DomainError.validation(
      [
        {
          field: 'ventilation',
          message: dimensionNames.length
            ? `doit valoir ${dimensionNames.join(', ')} ou « aucune »`
            : 'cet indicateur n’a pas de ventilation',
        },
      ],
      'Filtre invalide.',
    );
  const seriesMode = query.series === 'departements' ? 'departements' : 'territoire';
  if (query.annee !== undefined && query.annee !== '' && !/^\d{4}$/.test(query.annee))
    throw DomainError.validation(
      [{ field: 'annee', message: 'année attendue (ex. 2021)' }],
      'Filtre invalide.',
    );

  const key = `indicator|${code}|${selected.code}|${query.annee ?? ''}|${query.ventilation ?? ''}|${seriesMode}`;
  return data.cache.get(key, async () => {
    const total = (await data.series([code], regionCode)).get(code)!;
    const years = [
      ...new Set([
        ...total.regional.keys(),
        ...[...total.byDepartment.values()].flatMap((m) => [...m.keys()]),
      ]),
    ].sort((a, b) => a - b);
    const year = query.annee ? Number(query.annee) : (years[years.length - 1] ?? new Date().getFullYear());
    const { unit, decimals } = indicator;
    const isRegion = selected.code === regionCode;
    const valueOf = (territory: string, y: number): number | undefined =>
      territory === regionCode
        ? total.regional.get(y)?.value
        : total.byDepartment.get(territory)?.get(y)?.value;
    const current = {
      territoire: selected.code,
      annee: String(year),
      ventilation: query.ventilation,
      series: query.series,
    };
    const targets = (await data.targetsOf([code], scope)).filter((t) => t.territory === selected.code);

    // 1. Time series: the chosen territory and its target; the other départements on demand.
    const lines: { code: string; name: string; role: string }[] = [
      { code: selected.code, name: selected.name, role: isRegion ? 'region' : 'selected' },
    ];
    if (!isRegion && indicator.unit === 'percent')
      lines.push({ code: regionCode, name: scope.region.name, role: 'region' });
    if (seriesMode === 'departements')
      for (const d of scope.departments)
        if (d.code !== selected.code) lines.push({ code: d.code, name: d.name, role: 'department' });
    const targetYears = targets.map((t) => t.year);
    const allYears = [...new Set([...years, ...targetYears])].sort((a, b) => a - b);
    const serieTable: TableModel = {
      id: 'serie',
      caption: `${indicator.label} : valeurs par année${targets.length ? ' et cible' : ''}`,
      columns: [
        { label: 'Année' },
        ...lines.map((l) => ({ label: l.name, numeric: true })),
        ...(targets.length ? [{ label: `Cible (${selected.name})`, numeric: true }] : []),
      ],
      rows: allYears.map((y) => [
        textCell(String(y), { header: true }),
        ...lines.map((l) => numberCell(valueOf(l.code, y), unit, decimals)),
        ...(targets.length ? [numberCell(targets.find((t) => t.year === y)?.value, unit, decimals)] : []),
      ]),
    };
    const serieChart = chart(
      'graphique-serie',
      `Évolution : ${indicator.label} (${selected.name})`,
      `Courbes par année${targets.length ? ', cible en pointillés' : ''}.`,
      'serie-table',
      {
        builder: 'series',
        input: {
          format: axisFormatOfUnit(unit),
          years: allYears.map(String),
          series: lines.map((l) => {
            const values = allYears.map((y) => valueOf(l.code, y) ?? null);
            return {
              name: l.name,
              values,
              texts: valueTexts(values, unit, decimals),
              color: l.role === 'region' ? REGION_COLOR : l.role === 'selected' ? SELECTED_COLOR : undefined,
              // The other départements stay in the background of the one shown.
              emphasis: l.role === 'department' ? false : undefined,
            };
          }),
          targets: targets.map((t) => ({
            year: String(t.year),
            value: t.value,
            text: formatValue(t.value, unit, decimals),
          })),
        },
      },
      'lg',
    );

    // 2. Breakdown by one dimension for the chosen territory and year.
    const available = await availableDimensions(data, indicator, regionCode);
    const dimension =
      query.ventilation === 'aucune'
        ? undefined
        : ((query.ventilation as DimensionName | undefined) ?? available[0]);
    let breakdown: { table: TableModel; chart: ReturnType<typeof chart>; label: string } | undefined;
    if (dimension) {
      const parts = await data.breakdown(code, regionCode, dimension);
      const labels = DIMENSIONS[dimension].values as Record<string, string>;
      const rows = parts
        .map((s) => {
          const modality = parseDimensionKey(s.dimensionKey)[dimension] ?? s.dimensionKey;
          const v = isRegion
            ? s.regional.get(year)?.value
            : s.byDepartment.get(selected.code)?.get(year)?.value;
          return { modality, label: labels[modality] ?? modality, value: v };
        })
        .filter((r) => r.value !== undefined);
      const totalValue = valueOf(selected.code, year);
      const additive = indicator.aggregation === 'sum' && totalValue !== undefined && totalValue > 0;
      breakdown = {
        label: lowerFirst(DIMENSIONS[dimension].label),
        table: {
          id: 'ventilation',
          caption: `${indicator.label} par ${lowerFirst(DIMENSIONS[dimension].label)} en ${year} (${selected.name})`,
          columns: [
            { label: DIMENSIONS[dimension].label },
            { label: 'Valeur', numeric: true },
            ...(additive ? [{ label: 'Part du total', numeric: true }] : []),
          ],
          rows: rows.map((r) => [
            textCell(r.label, { header: true }),
            numberCell(r.value, unit, decimals),
            ...(additive ? [numberCell((r.value! / totalValue) * 100, 'percent', 1)] : []),
          ]),
        },
        chart: chart(
          'graphique-ventilation',
          `Ventilation par ${lowerFirst(DIMENSIONS[dimension].label)} en ${year} (${selected.name})`,
          'Barres : une par modalité.',
          'ventilation-table',
          {
            builder: 'territoryBars',
            input: {
              format: axisFormatOfUnit(unit),
              bars: rows.map((r) => ({
                label: r.label,
                value: r.value ?? null,
                text: r.value === undefined ? '' : formatValue(r.value, unit, decimals),
              })),
            },
          },
        ),
      };
    }

    // 3. Ranking and map of the départements for the year.
    const regional = total.regional.get(year);
    const ranked = scope.departments
      .map((d) => ({ d, v: total.byDepartment.get(d.code)?.get(year) }))
      .sort((a, b) => {
        if (!a.v || !b.v) return a.v ? -1 : b.v ? 1 : a.d.code.localeCompare(b.d.code);
        return indicator.direction === 'up' ? b.v.value - a.v.value : a.v.value - b.v.value;
      });
    const compareLabel =
      indicator.unit === 'percent' || indicator.aggregation !== 'sum'
        ? 'Écart à la région'
        : 'Part de la région';
    const rankingTable: TableModel = {
      id: 'classement',
      caption: `Départements classés en ${year} (${DIRECTION_LABELS[indicator.direction]})`,
      columns: [
        { label: 'Rang', numeric: true },
        { label: 'Département' },
        { label: 'Valeur', numeric: true },
        { label: compareLabel },
        { label: 'Statut de la valeur' },
        { label: 'Source' },
      ],
      rows: ranked.map(({ d, v }, k) => [
        v ? { text: String(k + 1), value: k + 1, numFmt: '0' } : textCell('—'),
        textCell(`${d.name} (${d.officialCode})`, {
          header: true,
          href: `/departements/${departmentSlug(d.code)}`,
        }),
        numberCell(v?.value, unit, decimals),
        !v || !regional
          ? textCell('—')
          : compareLabel === 'Part de la région'
            ? shareCell((v.value / regional.value) * 100)
            : changeCell(v.value - regional.value, unit, decimals),
        textCell(v ? OBSERVATION_STATUS_LABELS[v.status] : '—'),
        textCell(v?.source ?? '—'),
      ]),
    };
    const rankingChart = chart(
      'graphique-classement',
      `Classement des départements en ${year}`,
      `Barres horizontales, du meilleur au moins bon ; ${regional ? 'la valeur régionale est' : 'aucune valeur régionale n’est'} indiquée.`,
      'classement-table',
      {
        builder: 'territoryBars',
        input: {
          format: axisFormatOfUnit(unit),
          horizontal: true,
          bars: ranked
            .filter((r) => r.v)
            .map((r) => ({
              label: r.d.name,
              value: r.v!.value,
              text: formatValue(r.v!.value, unit, decimals),
              highlight: !isRegion && r.d.code === selected.code,
            })),
          reference:
            regional && indicator.aggregation !== 'sum'
              ? { label: scope.region.name, value: regional.value, text: regional.formatted }
              : null,
        },
      },
    );
    const mapChart = chart(
      'carte-departements',
      `Carte des départements en ${year}`,
      'Carte : plus la couleur est foncée, plus la valeur est élevée.',
      'classement-table',
      {
        builder: 'departmentsMap',
        input: {
          map: departmentsMapName(scope.departments.map((d) => d.officialCode)),
          areas: scope.departments.map((d) => {
            const v = total.byDepartment.get(d.code)?.get(year);
            return {
              code: d.officialCode,
              name: d.name,
              value: v?.value ?? null,
              text: v ? formatValue(v.value, unit, decimals) : '—',
            };
          }),
          highlight: isRegion ? null : selected.officialCode,
        },
      },
    );

    // 4. Provenance of every value of the chosen territory.
    const provenanceRows: TableCell[][] = years
      .map((y) => ({
        y,
        stored: isRegion ? total.regional.get(y)?.direct : total.byDepartment.get(selected.code)?.get(y),
        rolled: isRegion ? total.regional.get(y) : undefined,
      }))
      .filter((r) => r.stored || r.rolled)
      .map(({ y, stored, rolled }) => provenanceRow(indicator, y, stored ?? undefined, rolled, total));
    const provenanceTable: TableModel = {
      id: 'provenance',
      caption: `Provenance des valeurs (${selected.name})`,
      columns: [
        { label: 'Année' },
        { label: 'Valeur', numeric: true },
        { label: 'Statut' },
        { label: 'Calcul' },
        { label: 'Source' },
        { label: 'Provenance' },
        { label: 'Exécution' },
        { label: 'Enregistrée le' },
        { label: 'Validée le' },
        { label: 'Démonstration' },
        { label: 'Remarque' },
      ],
      rows: provenanceRows,
    };

    // The year asked for stays selectable even without values, so that the form says what the page shows.
    const pageYears = [...new Set([...years, year])]
      .sort((a, b) => a - b)
      .map((y) => ({ value: String(y), label: String(y), selected: y === year }));
    return {
      indicator: {
        code: indicator.code,
        label: indicator.label,
        definition: indicator.definition,
        unit: UNIT_LABELS[indicator.unit],
        direction: DIRECTION_LABELS[indicator.direction],
        aggregation: AGGREGATION_LABELS[indicator.aggregation],
        objectives: (await data.strategyList()).flatMap((s) =>
          indicator.objectives
            .filter((o) => o.strategy === s.code)
            .map((o) => ({
              label: `${s.title} — objectif ${o.number} : ${o.title}`,
              href: `/objectifs/${s.code}/${o.number}`,
            })),
        ),
      },
      year,
      selected: { code: selected.code, name: selected.name, isRegion },
      region: { code: scope.region.code, name: scope.region.name },
      regionalValue: regional
        ? {
            text: regional.formatted,
            provenance: regional.provenance,
            warnings: regional.warnings,
            complete: regional.complete,
          }
        : null,
      params: current,
      filters: {
        territories: [scope.region, ...scope.departments].map((t) => ({
          value: t.code,
          label: t.level === 'region' ? `${t.name} (région)` : `${t.name} (${t.officialCode})`,
          selected: t.code === selected.code,
        })),
        years: pageYears,
        dimensions: [
          ...available.map((d) => ({ value: d, label: DIMENSIONS[d].label, selected: d === dimension })),
          { value: 'aucune', label: 'Aucune', selected: !dimension },
        ],
        series: (Object.keys(SERIES_LABELS) as (keyof typeof SERIES_LABELS)[]).map((k) => ({
          value: k,
          label: SERIES_LABELS[k],
          selected: k === seriesMode,
          href: withQuery(`/indicateurs/${code}`, current, { series: k === 'territoire' ? undefined : k }),
        })),
      },
      serieChart,
      breakdown,
      rankingChart,
      mapChart,
      tables: [serieTable, ...(breakdown ? [breakdown.table] : []), rankingTable, provenanceTable],
      hasData: years.length > 0,
    };

    function provenanceRow(
      ind: IndicatorView,
      y: number,
      stored: StoredValue | undefined,
      rolled: IndicatorSeries['regional'] extends Map<number, infer R> ? R | undefined : never,
      series: IndicatorSeries,
    ): TableCell[] {
      const used: StoredValue[] = stored
        ? [stored]
        : [...series.byDepartment.values()].map((m) => m.get(y)).filter((v): v is StoredValue => Boolean(v));
      const value = stored?.value ?? rolled?.value;
      const run = stored ? runHref(stored.ref) : undefined;
      const remark = [
        ...(stored?.doubtful ? ['valeur signalée comme douteuse'] : []),
        ...(stored?.note ? [stored.note] : []),
        ...(rolled?.warnings ?? []),
      ].join(' ');
      return [
        textCell(String(y), { header: true }),
        numberCell(value, ind.unit, ind.decimals),
        textCell(OBSERVATION_STATUS_LABELS[stored?.status ?? rolled?.status ?? 'validated']),
        textCell(stored ? PROVENANCE_LABELS.direct : (rolled?.provenance ?? '—')),
        textCell([...new Set(used.map((u) => u.source).filter(Boolean))].join(' ; ') || '—'),
        textCell(
          stored
            ? `${PROVENANCE_KIND_LABELS[stored.kind] ?? stored.kind} (${stored.ref})`
            : [...new Set(used.map((u) => PROVENANCE_KIND_LABELS[u.kind] ?? u.kind))].join(', '),
        ),
        run ? textCell(`exécution ${run.split('/').pop()}`, { href: run, sourceLink: true }) : textCell('—'),
        textCell(formatDay(stored?.recordedAt ?? rolled?.recordedAt) || '—'),
        textCell(formatDay(stored?.validatedAt ?? null) || '—'),
        textCell(yesNo(stored?.demo ?? rolled?.demo ?? false)),
        textCell(remark || '—'),
      ];
    }
  });
}

/** Dimensions of the indicator that have values in the région: offering an empty breakdown would only disappoint. */
async function availableDimensions(
  data: DashboardData,
  indicator: IndicatorView,
  regionCode: string,
): Promise<DimensionName[]> {
  const out: DimensionName[] = [];
  for (const d of indicator.dimensions) {
    const parts = await data.breakdown(indicator.code, regionCode, d.code);
    if (parts.length > 0) out.push(d.code as DimensionName);
  }
  return out;
}
