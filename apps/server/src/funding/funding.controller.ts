import {
  ArgumentsHost,
  Body,
  Catch,
  Controller,
  Delete,
  ExceptionFilter,
  Get,
  HttpCode,
  Param,
  ParseIntPipe,
  Post,
  Put,
  Query,
  Res,
  UseFilters,
} from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AccessPolicyService, Principal } from '@cap-iae/access';
import {
  ConferenceService,
  conferenceTables,
  ConferenceView,
  FunderView,
  FundersService,
  FundingLineConflictError,
  FundingLinesService,
  FundingLineView,
  isTableKey,
  RegionalFundingSummary,
  SchemeView,
  TABLE_KEYS,
  tablesToCsv,
  tablesToXlsx,
} from '@cap-iae/funding';
import { DomainError, FieldIssue, MAX_YEAR, MIN_YEAR } from '@cap-iae/shared';
import { TerritoriesService } from '@cap-iae/territories';
import { Access } from '../access/access.decorator';
import { CurrentPrincipal } from '../access/request-principal';
import { intParam, listParam, throwIfIssues } from '../api/query-params';
import { FundingAccess } from './funding-access';
import {
  FunderDto,
  FundingLineDto,
  SchemeDto,
  UpdateFunderDto,
  UpdateFundingLineDto,
  UpdateSchemeDto,
} from './funding.dto';

/**
 * A stale edit answers 409 with both versions — the line as stored now (`current`) and what the caller sent
 * (`submitted`) — so that a client can show them side by side and nothing typed is lost. The global filter only
 * knows message and field issues, hence this one, scoped to the funding API.
 */
@Catch(FundingLineConflictError)
export class FundingConflictFilter implements ExceptionFilter {
  catch(e: FundingLineConflictError, host: ArgumentsHost): void {
    host.switchToHttp().getResponse<Response>().status(409).json({
      statusCode: 409,
      code: 'CONFLICT',
      message: e.message,
      current: e.current,
      submitted: e.submitted,
    });
  }
}

/** Amounts of a line with `editable`: whether this caller may change it (a client shows edit controls by it). */
export type FundingLineForCaller = FundingLineView & { editable: boolean };

@ApiTags('Financements')
@Controller('api/v1')
@UseFilters(new FundingConflictFilter())
export class FundingController {
  private readonly access: FundingAccess;

  constructor(
    private readonly funders: FundersService,
    private readonly lines: FundingLinesService,
    private readonly conferences: ConferenceService,
    policy: AccessPolicyService,
    territories: TerritoriesService,
  ) {
    this.access = new FundingAccess(policy, territories);
  }

  @Get('funders')
  @Access('funding', 'read')
  @ApiOperation({
    summary: 'Financeurs (État, Région, conseils départementaux, FSE, EPT et communes, France Travail…)',
  })
  listFunders(): Promise<FunderView[]> {
    return this.funders.funders();
  }

  @Post('funders')
  @Access('funding', 'write')
  @ApiOperation({ summary: 'Ajoute un financeur (administrateurs)' })
  createFunder(@Body() body: FunderDto, @CurrentPrincipal() principal: Principal): Promise<FunderView> {
    this.access.assertAdmin(principal);
    return this.funders.createFunder(body, principal.login ?? null);
  }

  @Put('funders/:code')
  @Access('funding', 'write')
  @ApiOperation({ summary: 'Modifie un financeur (administrateurs) ; 409 si la version lue est périmée' })
  updateFunder(
    @Param('code') code: string,
    @Body() body: UpdateFunderDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<FunderView> {
    this.access.assertAdmin(principal);
    const { version, ...input } = body;
    return this.funders.updateFunder(code, input, version, principal.login ?? null);
  }

  @Get('funding-schemes')
  @Access('funding', 'read')
  @ApiOperation({
    summary: 'Dispositifs de financement (aide au poste, FDI, gamme UP…) et types de financeurs',
  })
  listSchemes(): Promise<SchemeView[]> {
    return this.funders.schemes();
  }

  @Post('funding-schemes')
  @Access('funding', 'write')
  @ApiOperation({ summary: 'Ajoute un dispositif (administrateurs)' })
  createScheme(@Body() body: SchemeDto, @CurrentPrincipal() principal: Principal): Promise<SchemeView> {
    this.access.assertAdmin(principal);
    return this.funders.createScheme(body, principal.login ?? null);
  }

  @Put('funding-schemes/:code')
  @Access('funding', 'write')
  @ApiOperation({ summary: 'Modifie un dispositif (administrateurs) ; 409 si la version lue est périmée' })
  updateScheme(
    @Param('code') code: string,
    @Body() body: UpdateSchemeDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<SchemeView> {
    this.access.assertAdmin(principal);
    const { version, ...input } = body;
    return this.funders.updateScheme(code, input, version, principal.login ?? null);
  }

  @Get('funding-lines')
  @Access('funding', 'read', { query: 'territory' })
  @ApiOperation({
    summary: 'Lignes de financement, filtrées ; sans territoire, celles des territoires que vous pouvez lire',
  })
  @ApiQuery({
    name: 'territory',
    required: false,
    description: 'DEP-77, ou plusieurs séparés par des virgules ; une région vaut ses départements',
  })
  @ApiQuery({ name: 'year', required: false })
  @ApiQuery({ name: 'from', required: false })
  @ApiQuery({ name: 'to', required: false })
  @ApiQuery({ name: 'funder', required: false, description: 'Code du financeur' })
  @ApiQuery({ name: 'scheme', required: false, description: 'Code du dispositif' })
  async listLines(
    @CurrentPrincipal() principal: Principal,
    @Query('territory') territory?: string,
    @Query('year') year?: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('funder') funder?: string,
    @Query('scheme') scheme?: string,
  ): Promise<FundingLineForCaller[]> {
    const issues: FieldIssue[] = [];
    const y = intParam('year', year, MIN_YEAR, MAX_YEAR, issues);
    const f = intParam('from', from, MIN_YEAR, MAX_YEAR, issues);
    const t = intParam('to', to, MIN_YEAR, MAX_YEAR, issues);
    throwIfIssues(issues);
    const asked = listParam(territory);
    // The guard checked the territories asked for; without any, only those the caller may read are returned.
    const territories = asked
      ? await this.access.expand(asked)
      : await this.access.readable(
          principal,
          (await this.access.departments()).map((d) => d.code),
        );
    const lines = await this.lines.list({
      territories,
      yearFrom: y ?? f,
      yearTo: y ?? t,
      funder: funder || undefined,
      scheme: scheme || undefined,
    });
    return this.withEditable(principal, lines);
  }

  @Get('funding-lines/:id')
  @Access('funding', 'read', 'object')
  @ApiOperation({ summary: 'Une ligne de financement' })
  async getLine(
    @Param('id', ParseIntPipe) id: number,
    @CurrentPrincipal() principal: Principal,
  ): Promise<FundingLineForCaller> {
    const line = await this.lines.get(id);
    await this.policy().assert(principal, 'funding', 'read', [line.territory]);
    return (await this.withEditable(principal, [line]))[0];
  }

  @Post('funding-lines')
  @Access('funding', 'write', { body: 'territory' })
  @ApiOperation({
    summary:
      'Crée une ligne de financement ; un conseil départemental ne saisit que les lignes de son propre financeur',
  })
  async createLine(
    @Body() body: FundingLineDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<FundingLineView> {
    return this.lines.create(body, await this.access.editor(principal, body.territory));
  }

  @Put('funding-lines/:id')
  @Access('funding', 'write', { body: 'territory' })
  @ApiOperation({
    summary:
      'Modifie une ligne ; 409 avec la version enregistrée (current) et la vôtre (submitted) si la version lue est périmée',
  })
  async updateLine(
    @Param('id', ParseIntPipe) id: number,
    @Body() body: UpdateFundingLineDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<FundingLineView> {
    // Both places count: where the line is now (checked here) and where it is being moved (checked by the guard).
    const where = await this.lines.territoryOf(id);
    await this.policy().assert(principal, 'funding', 'write', [where]);
    const { version, ...input } = body;
    const editor = await this.access.editor(principal, where);
    const target = await this.access.editor(principal, input.territory);
    return this.lines.update(id, input, version, stricter(editor, target));
  }

  @Delete('funding-lines/:id')
  @Access('funding', 'write', 'object')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Supprime une ligne ; avec `version`, seulement si personne ne l’a modifiée depuis',
  })
  @ApiQuery({ name: 'version', required: false })
  async deleteLine(
    @Param('id', ParseIntPipe) id: number,
    @CurrentPrincipal() principal: Principal,
    @Query('version') version?: string,
  ): Promise<void> {
    const issues: FieldIssue[] = [];
    const v = intParam('version', version, 1, Number.MAX_SAFE_INTEGER, issues);
    throwIfIssues(issues);
    const where = await this.lines.territoryOf(id);
    await this.policy().assert(principal, 'funding', 'write', [where]);
    await this.lines.remove(id, await this.access.editor(principal, where), v);
  }

  @Get('funding/conference')
  @Access('funding', 'read', { query: 'territory' })
  @ApiOperation({
    summary:
      'Conférence des financeurs d’un département : totaux, parts de cofinancement, € par ETP, évolution, comparaison',
    description:
      'Parts arrondies au dixième par la méthode du plus fort reste (elles totalisent exactement 100) ; € par ETP = somme des montants / somme des ETP. Sans période : les cinq dernières années renseignées.',
  })
  @ApiQuery({ name: 'territory', description: 'Département, ex. DEP-77' })
  @ApiQuery({ name: 'from', required: false })
  @ApiQuery({ name: 'to', required: false })
  async conference(
    @Query('territory') territory?: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
  ): Promise<ConferenceView> {
    const p = await this.period(territory, from, to);
    return this.conferences.conference(territory ?? '', p.from, p.to);
  }

  @Get('funding/conference.csv')
  @Access('funding', 'read', { query: 'territory' })
  @ApiOperation({
    summary: 'Conférence des financeurs en CSV (« ; », UTF-8 avec BOM, cellules neutralisées)',
    description: `\`table\` : ${TABLE_KEYS.join(', ')} ; sans table, toutes les tables l’une après l’autre.`,
  })
  @ApiQuery({ name: 'territory' })
  @ApiQuery({ name: 'from', required: false })
  @ApiQuery({ name: 'to', required: false })
  @ApiQuery({ name: 'table', required: false, enum: TABLE_KEYS })
  async conferenceCsv(
    @Res() res: Response,
    @Query('territory') territory?: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('table') table?: string,
  ): Promise<void> {
    const { tables, name } = await this.exportTables(territory, from, to, table);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${name}.csv"`);
    res.send(tablesToCsv(tables));
  }

  @Get('funding/conference.xlsx')
  @Access('funding', 'read', { query: 'territory' })
  @ApiOperation({
    summary: 'Conférence des financeurs en XLSX : une feuille par table, nombres en nombres',
    description: `\`table\` : ${TABLE_KEYS.join(', ')} ; sans table, toutes les feuilles.`,
  })
  @ApiQuery({ name: 'territory' })
  @ApiQuery({ name: 'from', required: false })
  @ApiQuery({ name: 'to', required: false })
  @ApiQuery({ name: 'table', required: false, enum: TABLE_KEYS })
  async conferenceXlsx(
    @Res() res: Response,
    @Query('territory') territory?: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('table') table?: string,
  ): Promise<void> {
    const { view, tables, name } = await this.exportTables(territory, from, to, table);
    const buffer = await tablesToXlsx(tables, {
      title: `Conférence des financeurs — ${view.territory.name} (${view.territory.code}), ${view.from}-${view.to}`,
      lines: [
        `Exporté de Cap IAE le ${new Date().toISOString().slice(0, 10)}.`,
        'Montants en euros ; un montant versé non renseigné compte pour 0.',
        'Parts arrondies au dixième par la méthode du plus fort reste : elles totalisent exactement 100 %.',
        '€ par ETP = somme des montants / somme des ETP des lignes d’aide au poste (jamais une moyenne de ratios).',
        `Socles de l’aide au poste : ${view.reference.source}. ${view.reference.note}`,
      ],
    });
    res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    res.setHeader('Content-Disposition', `attachment; filename="${name}.xlsx"`);
    res.send(buffer);
  }

  @Get('funding/regional-summary')
  @Access('funding', 'read', { query: 'region' })
  @ApiOperation({ summary: 'Synthèse régionale des financements d’une année (bilan COR-IAE)' })
  @ApiQuery({ name: 'region', description: 'Région, ex. REG-11' })
  @ApiQuery({ name: 'year' })
  async regionalSummary(
    @Query('region') region?: string,
    @Query('year') year?: string,
  ): Promise<RegionalFundingSummary> {
    const issues: FieldIssue[] = [];
    const y = intParam('year', year, MIN_YEAR, MAX_YEAR, issues);
    if (y === undefined && !issues.length) issues.push({ field: 'year', message: 'champ obligatoire' });
    throwIfIssues(issues);
    return this.conferences.regionalSummary(region ?? '', y!);
  }

  private policy(): AccessPolicyService {
    return this.access.policyService;
  }

  private async period(
    territory: string | undefined,
    from: string | undefined,
    to: string | undefined,
  ): Promise<{ from: number; to: number }> {
    const issues: FieldIssue[] = [];
    const f = intParam('from', from, MIN_YEAR, MAX_YEAR, issues);
    const t = intParam('to', to, MIN_YEAR, MAX_YEAR, issues);
    throwIfIssues(issues);
    // Without a period: the five years up to the latest one with lines (or up to this year when there is none).
    const latest = (await this.lines.latestYear(territory ?? '')) ?? new Date().getFullYear();
    const end = t ?? Math.max(latest, f ?? latest);
    return { from: f ?? end - 4, to: end };
  }

  private async exportTables(
    territory: string | undefined,
    from: string | undefined,
    to: string | undefined,
    table: string | undefined,
  ) {
    if (table !== undefined && !isTableKey(table))
      throw DomainError.validation(
        [{ field: 'table', message: `table inconnue (attendu : ${TABLE_KEYS.join(', ')})` }],
        'Paramètres de requête invalides.',
      );
    const p = await this.period(territory, from, to);
    const view = await this.conferences.conference(territory ?? '', p.from, p.to);
    const lines =
      table === undefined || table === 'lines'
        ? await this.lines.list({ territories: [view.territory.code], yearFrom: p.from, yearTo: p.to })
        : undefined;
    const all = conferenceTables(view, lines);
    const tables = table ? all.filter((t) => t.key === table) : all;
    const name = `conference-financeurs-${view.territory.code}-${view.from}-${view.to}${table ? `-${table}` : ''}`;
    return { view, tables, name };
  }

  private async withEditable(
    principal: Principal,
    lines: FundingLineView[],
  ): Promise<FundingLineForCaller[]> {
    const editors = new Map<string, Awaited<ReturnType<FundingAccess['editor']>> | null>();
    const out: FundingLineForCaller[] = [];
    for (const line of lines) {
      if (!editors.has(line.territory))
        editors.set(
          line.territory,
          (await this.policy().allowed(principal, 'funding', 'write', [line.territory]))
            ? await this.access.editor(principal, line.territory)
            : null,
        );
      const editor = editors.get(line.territory);
      out.push({ ...line, editable: editor ? this.lines.canEdit(line, editor) : false });
    }
    return out;
  }
}

/** Of two editors of one person (where the line is, where it goes), the narrower rights. */
function stricter<T extends { councilTerritories: readonly string[] | null }>(a: T, b: T): T {
  return a.councilTerritories === null ? b : a;
}
