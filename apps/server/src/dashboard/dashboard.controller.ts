import { Controller, Get, Logger, Param, Req, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { AccessPolicyService, PUBLIC } from '@cap-iae/access';
import { PlanReadService } from '@cap-iae/action-plans';
import { ConferenceService } from '@cap-iae/funding';
import { IndicatorsService, ObservationStore, ProgressService, TargetsService } from '@cap-iae/indicators';
import { SourcesService } from '@cap-iae/plugin-host';
import { StrategiesService } from '@cap-iae/strategy';
import { TerritoriesService } from '@cap-iae/territories';
import { Access } from '../access/access.decorator';
import type { AppRequest } from '../access/request-principal';
import { PageRenderer } from '../pages/page-renderer';
import { Companions, CompanionSummary } from './companions';
import { DashboardCache } from './dashboard-cache';
import { DashboardData } from './dashboard-data';
import { exportFormat, sendTable } from './dashboard-export';
import { DashboardQuery } from './dashboard-filters';
import { formatDay, TableModel, withQuery } from './dashboard-format';
import { buildDepartment } from './department-view';
import { buildHome } from './home-view';
import { buildIndicator } from './indicator-view';
import { buildDepartmentList, buildIndicatorList } from './lists-view';
import { buildAxis, buildObjective } from './strategy-views';

const QUERY_KEYS: (keyof DashboardQuery)[] = [
  'strategie',
  'annee',
  'territoire',
  'ventilation',
  'series',
  'format',
  'table',
];

const HOME = { label: 'Accueil', href: '/' };

/** The filters of the URL; a repeated parameter keeps its first value. */
function readQuery(req: AppRequest): DashboardQuery {
  const out: DashboardQuery = {};
  for (const key of QUERY_KEYS) {
    const raw = req.query[key];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (typeof value === 'string') out[key] = value.trim().slice(0, 100);
  }
  return out;
}

/**
 * The dashboard: Accueil, axes, objectives, indicators, départements. Public pages (validated values only, like the
 * public API); a signed-in person additionally sees what their roles open (source runs, plan d'actions, funding).
 * Every table of a page is also served as CSV or XLSX by the same URL with `format=csv|xlsx&table=<id>`, built from
 * the very model the page renders, so that an export always equals what was on screen.
 */
@ApiExcludeController()
@Controller()
export class DashboardController {
  /** Readable so that the benchmark can empty the page cache and time a page computed from scratch. */
  readonly data: DashboardData;
  private readonly companions: Companions;
  private readonly logger = new Logger('Tableau de bord');

  constructor(
    @InjectDataSource() dataSource: DataSource,
    store: ObservationStore,
    indicators: IndicatorsService,
    strategies: StrategiesService,
    territories: TerritoriesService,
    targets: TargetsService,
    progress: ProgressService,
    plans: PlanReadService,
    conference: ConferenceService,
    private readonly sources: SourcesService,
    private readonly policy: AccessPolicyService,
    private readonly pages: PageRenderer,
  ) {
    // Built here rather than provided by a module: the dashboard is one controller of the app, and its read model
    // lives exactly as long as it.
    this.data = new DashboardData(
      dataSource,
      new DashboardCache(dataSource, store),
      indicators,
      strategies,
      territories,
      targets,
      progress,
    );
    this.companions = new Companions(plans, conference);
  }

  @Get()
  @Access('progress', 'read')
  async home(@Req() req: AppRequest, @Res() res: Response): Promise<void> {
    const query = readQuery(req);
    const view = await buildHome(this.data, query);
    if (await this.exported(res, query, view.tables, 'accueil')) return;
    const principal = req.principal ?? PUBLIC;
    let sources:
      | {
          name: string;
          statusLabel: string;
          status: string;
          lastRunAt: string;
          lastSuccessAt: string;
          href: string;
        }[]
      | null = null;
    if (await this.policy.allowed(principal, 'source', 'read')) {
      sources = [];
      for (const s of await this.sources.list())
        if (await this.policy.allowed(principal, 'source', 'read', [s.territory]))
          sources.push({
            name: s.name,
            status: s.status,
            statusLabel: s.statusLabel,
            lastRunAt: formatDay(s.lastRunAt) || '—',
            lastSuccessAt: formatDay(s.lastSuccessAt) || '—',
            href: `/sources/${s.id}`,
          });
    }
    await this.pages.render(req, res, 'dashboard-home', {
      ...view,
      title: 'Accueil',
      nav: 'accueil',
      dashboard: true,
      charts: true,
      tables: this.linked('/', view.params, view.tables),
      sources,
      canReadSources: sources !== null,
    });
  }

  @Get('indicateurs')
  @Access('reference', 'read')
  async indicators(@Req() req: AppRequest, @Res() res: Response): Promise<void> {
    const query = readQuery(req);
    const view = await buildIndicatorList(this.data, query);
    if (await this.exported(res, query, view.tables, 'indicateurs')) return;
    await this.pages.render(req, res, 'dashboard-indicators', {
      ...view,
      title: 'Indicateurs',
      nav: 'indicateurs',
      dashboard: true,
      crumbs: [HOME, { label: 'Indicateurs' }],
      tables: this.linked('/indicateurs', view.params, view.tables),
    });
  }

  @Get('indicateurs/:code')
  @Access('observation', 'read')
  async indicator(@Req() req: AppRequest, @Res() res: Response, @Param('code') code: string): Promise<void> {
    const query = readQuery(req);
    const view = await buildIndicator(this.data, code, query);
    // Links to source runs only for those who may open them.
    const canReadSources = await this.policy.allowed(req.principal ?? PUBLIC, 'source', 'read');
    const tables = canReadSources ? view.tables : view.tables.map(withoutSourceLinks);
    if (await this.exported(res, query, tables, `indicateur-${code}`)) return;
    await this.pages.render(req, res, 'dashboard-indicator', {
      ...view,
      title: view.indicator.label,
      nav: 'indicateurs',
      dashboard: true,
      charts: true,
      crumbs: [HOME, { label: 'Indicateurs', href: '/indicateurs' }, { label: view.indicator.label }],
      tables: this.linked(`/indicateurs/${code}`, view.params, tables),
    });
  }

  @Get('axes/:strategie/:numero')
  @Access('progress', 'read')
  async axis(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Param('strategie') strategy: string,
    @Param('numero') number: string,
  ): Promise<void> {
    const query = readQuery(req);
    const view = await buildAxis(this.data, strategy, number, query);
    if (await this.exported(res, query, view.tables, `axe-${number}`)) return;
    await this.pages.render(req, res, 'dashboard-axis', {
      ...view,
      title: `Axe ${view.axis.number} — ${view.axis.title}`,
      nav: 'accueil',
      dashboard: true,
      charts: true,
      crumbs: [{ label: 'Accueil', href: view.homeHref }, { label: `Axe ${view.axis.number}` }],
      tables: this.linked(`/axes/${view.strategy.code}/${view.axis.number}`, view.params, view.tables),
    });
  }

  @Get('objectifs/:strategie/:numero')
  @Access('progress', 'read')
  async objective(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Param('strategie') strategy: string,
    @Param('numero') number: string,
  ): Promise<void> {
    const query = readQuery(req);
    const view = await buildObjective(this.data, strategy, number, query);
    if (await this.exported(res, query, view.tables, `objectif-${number}`)) return;
    await this.pages.render(req, res, 'dashboard-objective', {
      ...view,
      title: `Objectif ${view.objective.number} — ${view.objective.title}`,
      nav: 'accueil',
      dashboard: true,
      charts: true,
      crumbs: [
        { label: 'Accueil', href: view.homeHref },
        { label: `Axe ${view.axis.number}`, href: view.axis.href },
        { label: `Objectif ${view.objective.number}` },
      ],
      tables: this.linked(
        `/objectifs/${view.strategy.code}/${view.objective.number}`,
        view.params,
        view.tables,
      ),
    });
  }

  @Get('departements')
  @Access('progress', 'read')
  async departments(@Req() req: AppRequest, @Res() res: Response): Promise<void> {
    const query = readQuery(req);
    const view = await buildDepartmentList(this.data, query);
    if (await this.exported(res, query, view.tables, 'departements')) return;
    await this.pages.render(req, res, 'dashboard-departments', {
      ...view,
      title: 'Départements',
      nav: 'departements',
      dashboard: true,
      charts: true,
      crumbs: [HOME, { label: 'Départements' }],
      tables: this.linked('/departements', view.params, view.tables),
    });
  }

  @Get('departements/:code')
  @Access('progress', 'read')
  async department(@Req() req: AppRequest, @Res() res: Response, @Param('code') code: string): Promise<void> {
    const query = readQuery(req);
    const view = await buildDepartment(this.data, code, query);
    if (await this.exported(res, query, view.tables, `departement-${view.department.slug}`)) return;
    const principal = req.principal ?? PUBLIC;
    const territory = [view.department.code];
    const [canPlans, canDrafts, canFunding] = await Promise.all([
      this.policy.allowed(principal, 'plan', 'read', territory),
      this.policy.allowed(principal, 'plan', 'readDraft', territory),
      this.policy.allowed(principal, 'funding', 'read', territory),
    ]);
    await this.pages.render(req, res, 'dashboard-department', {
      ...view,
      title: view.department.name,
      nav: 'departements',
      dashboard: true,
      charts: true,
      crumbs: [HOME, { label: 'Départements', href: '/departements' }, { label: view.department.name }],
      tables: this.linked(`/departements/${view.department.slug}`, view.params, view.tables),
      plan: {
        allowed: canPlans,
        summary: canPlans
          ? await this.summary(() =>
              this.companions.plan(view.department.code, view.strategy.code, view.year, canDrafts),
            )
          : null,
      },
      funding: {
        allowed: canFunding,
        summary: canFunding
          ? await this.summary(() => this.companions.funding(view.department.code, view.year))
          : null,
      },
      signedIn: principal.kind !== 'public',
    });
  }

  /** A companion library failing must not take the département page down with it: its link remains. */
  private async summary(load: () => Promise<CompanionSummary>): Promise<CompanionSummary | null> {
    try {
      return await load();
    } catch (error) {
      this.logger.warn(`Résumé indisponible : ${error instanceof Error ? error.message : String(error)}`);
      return null;
    }
  }

  private async exported(
    res: Response,
    query: DashboardQuery,
    tables: TableModel[],
    name: string,
  ): Promise<boolean> {
    const format = exportFormat(query.format);
    if (!format) return false;
    await sendTable(res, tables, query.table, format, `cap-iae-${name}`);
    return true;
  }

  /** The tables, keyed by id for the templates, each with its export links (the page's own filters kept). */
  private linked(path: string, params: Record<string, string | undefined>, tables: TableModel[]) {
    return Object.fromEntries(
      tables.map((t) => [
        t.id,
        {
          ...t,
          csvUrl: withQuery(path, params, { format: 'csv', table: t.id }),
          xlsxUrl: withQuery(path, params, { format: 'xlsx', table: t.id }),
        },
      ]),
    );
  }
}

function withoutSourceLinks(table: TableModel): TableModel {
  return {
    ...table,
    rows: table.rows.map((row) => row.map((c) => (c.sourceLink ? { ...c, href: undefined } : c))),
  };
}
