import { Body, Controller, Get, Param, ParseIntPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AccessPolicyService, Principal } from '@cap-iae/access';
import {
  ConferenceService,
  conferenceTables,
  formatCell,
  FundersService,
  FUNDING_SIAE_TYPES,
  FundingEditor,
  FundingLineConflictError,
  FundingLineInput,
  FundingLinesService,
  FundingLineView,
} from '@cap-iae/funding';
import {
  DIMENSIONS,
  DomainError,
  FieldIssue,
  formatEuroFr,
  formatNumberFr,
  isDomainError,
  MAX_YEAR,
  MIN_YEAR,
} from '@cap-iae/shared';
import { TerritoriesService } from '@cap-iae/territories';
import { Access } from '../access/access.decorator';
import type { AppRequest } from '../access/request-principal';
import { PageRenderer } from '../pages/page-renderer';
import { FundingAccess } from './funding-access';

type Form = Record<string, string | undefined>;

/** French names of the form's fields, for the error summary (the API names them in English). */
const FIELD_NAMES: Record<string, string> = {
  funder: 'Financeur',
  scheme: 'Dispositif',
  territory: 'Département',
  year: 'Année',
  siaeType: 'Type de SIAE',
  committed: 'Montant engagé',
  paid: 'Montant versé',
  etp: 'ETP financés',
  comment: 'Commentaire',
  de: 'De l’année',
  a: 'À l’année',
  territoire: 'Département',
};

function frenchIssues(issues: readonly FieldIssue[]): FieldIssue[] {
  return issues.map((i) => ({ field: FIELD_NAMES[i.field] ?? i.field, message: i.message }));
}

const NOTICES: Record<string, string> = {
  creee: 'Ligne de financement enregistrée.',
  modifiee: 'Ligne de financement modifiée.',
  supprimee: 'Ligne de financement supprimée.',
};

/** French number as typed in a form: « 1 234,5 » → 1234.5; empty → undefined; anything else → NaN (« nombre attendu »). */
export function frenchNumber(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const t = text.trim().replace(/\s*€$/, '');
  // Spaces only between groups of three digits: « 1 234,5 » is a number, « 1 2 » is a typo.
  if (!/^-?(\d{1,3}([ \u00a0\u202f]\d{3})+|\d+)([,.]\d+)?$/.test(t)) return Number.NaN;
  return Number(t.replace(/[ \u00a0\u202f]/g, '').replace(',', '.'));
}

function yearParam(text: string | undefined, field: string, issues: FieldIssue[]): number | undefined {
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  if (Number.isInteger(n) && n >= MIN_YEAR && n <= MAX_YEAR) return n;
  issues.push({ field, message: `doit être une année entre ${MIN_YEAR} et ${MAX_YEAR}` });
  return undefined;
}

/**
 * « Conférence des financeurs » of a département: its funding tables (from the same definitions as the CSV/XLSX
 * exports), the lines behind them, and the form to add or correct a line. A conseil départemental sees edit
 * controls on its own lines only; the service refuses the others anyway.
 */
@ApiExcludeController()
@Controller('financements')
export class FundingPagesController {
  private readonly access: FundingAccess;

  constructor(
    private readonly pages: PageRenderer,
    private readonly funders: FundersService,
    private readonly lines: FundingLinesService,
    private readonly conferences: ConferenceService,
    private readonly policy: AccessPolicyService,
    private readonly territories: TerritoriesService,
  ) {
    this.access = new FundingAccess(policy, territories);
  }

  @Get()
  @Access('funding', 'read', { query: 'territoire' })
  async conference(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Query('territoire') territoire?: string,
    @Query('de') de?: string,
    @Query('a') a?: string,
    @Query('ok') ok?: string,
  ): Promise<void> {
    const principal = req.principal!;
    const all = await this.territories.all();
    const asked = territoire ? all.get(territoire) : undefined;
    if (!territoire || asked?.level === 'region') {
      // A région or nothing: open its (or the caller's) first readable département.
      const candidates = asked
        ? (await this.territories.list({ level: 'department', parent: asked.code })).map((d) => d.code).sort()
        : [];
      const dep = asked
        ? (await this.access.readable(principal, candidates))[0]
        : await this.access.defaultDepartment(principal);
      if (dep) {
        res.redirect(303, `/financements?territoire=${encodeURIComponent(dep)}`);
        return;
      }
      throw DomainError.validation(
        [{ field: 'territoire', message: 'aucun département ne vous est ouvert ici' }],
        'Choisissez un département pour afficher sa conférence des financeurs.',
      );
    }
    const issues: FieldIssue[] = [];
    const from = yearParam(de, 'de', issues);
    const to = yearParam(a, 'a', issues);
    const latest = (await this.lines.latestYear(territoire)) ?? new Date().getFullYear();
    const end = to ?? Math.max(latest, from ?? latest);
    let start = from ?? end - 4;
    if (start > end) {
      issues.push({ field: 'a', message: 'la dernière année doit suivre la première' });
      start = end - 4;
    }
    // An unknown or non-départemental code is answered by the service with a 400 naming the parameter.
    const view = await this.conferences.conference(territoire, start, end);
    const lines = await this.lines.list({ territories: [view.territory.code], yearFrom: start, yearTo: end });
    const canWrite = await this.policy.allowed(principal, 'funding', 'write', [view.territory.code]);
    const editor = canWrite ? await this.access.editor(principal, view.territory.code) : null;
    const departments = await this.access.readable(
      principal,
      (await this.access.departments()).map((d) => d.code),
    );
    const exportQuery = `territory=${encodeURIComponent(view.territory.code)}&from=${start}&to=${end}`;
    await this.pages.render(
      req,
      res,
      'funding',
      {
        title: `Conférence des financeurs — ${view.territory.name}`,
        nav: 'financements',
        view,
        period: start === end ? String(start) : `${start} à ${end}`,
        totalsText: {
          committed: view.totals.lines ? formatEuroFr(view.totals.committed, 0) : '—',
          paid: view.totals.lines ? formatEuroFr(view.totals.paid, 0) : '—',
          aidEtp: view.totals.lines ? formatNumberFr(view.totals.aidEtp, 0) : '—',
        },
        from: start,
        to: end,
        departments: departments.map((code) => ({
          code,
          name: all.get(code)?.name ?? code,
          selected: code === view.territory.code,
        })),
        tables: conferenceTables(view).map((t) => ({
          key: t.key,
          caption: t.caption,
          headers: t.columns.map((c) => ({ text: c.header, numeric: c.kind !== 'text' })),
          rows: t.rows.map((r) => cells(r, t.columns)),
          total: t.total ? cells(t.total, t.columns) : undefined,
          csv: `/api/v1/funding/conference.csv?${exportQuery}&table=${t.key}`,
          xlsx: `/api/v1/funding/conference.xlsx?${exportQuery}&table=${t.key}`,
        })),
        exportAll: {
          csv: `/api/v1/funding/conference.csv?${exportQuery}`,
          xlsx: `/api/v1/funding/conference.xlsx?${exportQuery}`,
          linesCsv: `/api/v1/funding/conference.csv?${exportQuery}&table=lines`,
          linesXlsx: `/api/v1/funding/conference.xlsx?${exportQuery}&table=lines`,
        },
        lines: lines.map((l) => ({
          ...lineCells(l),
          editable: editor !== null && this.lines.canEdit(l, editor),
        })),
        canAdd:
          editor !== null && (editor.councilTerritories === null || editor.councilTerritories.length > 0),
        restricted: editor?.councilTerritories != null,
        notice: ok ? NOTICES[ok] : undefined,
        error: issues.length
          ? {
              message: 'Période invalide : la période par défaut est affichée.',
              errors: frenchIssues(issues),
            }
          : undefined,
      },
      issues.length ? 400 : 200,
    );
  }

  @Get('lignes/nouvelle')
  @Access('funding', 'write', { query: 'territoire' })
  async newLine(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Query('territoire') territoire?: string,
    @Query('annee') annee?: string,
  ): Promise<void> {
    await this.renderForm(req, res, {
      values: { territory: territoire ?? '', year: annee ?? String(new Date().getFullYear()) },
    });
  }

  @Post('lignes/nouvelle')
  @Access('funding', 'write', { body: 'territory' })
  async create(@Req() req: AppRequest, @Res() res: Response, @Body() body: Form): Promise<void> {
    const input = inputOf(body);
    try {
      const line = await this.lines.create(input, await this.access.editor(req.principal!, input.territory));
      res.redirect(303, backTo(line, 'creee'));
    } catch (e) {
      await this.renderFailure(req, res, e, { values: body });
    }
  }

  @Get('lignes/:id')
  @Access('funding', 'write', 'object')
  async editLine(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Param('id', ParseIntPipe) id: number,
  ): Promise<void> {
    const line = await this.lines.get(id);
    await this.assertCanEdit(req.principal!, line);
    await this.renderForm(req, res, { line, values: formValues(line) });
  }

  @Post('lignes/:id')
  @Access('funding', 'write', { body: 'territory' })
  async update(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Param('id', ParseIntPipe) id: number,
    @Body() body: Form,
  ): Promise<void> {
    const line = await this.lines.get(id);
    await this.assertCanEdit(req.principal!, line);
    const input = inputOf(body);
    try {
      const target = await this.access.editor(req.principal!, input.territory);
      const here = await this.access.editor(req.principal!, line.territory);
      const saved = await this.lines.update(
        id,
        input,
        Number(body.version),
        here.councilTerritories === null ? target : here,
      );
      res.redirect(303, backTo(saved, 'modifiee'));
    } catch (e) {
      await this.renderFailure(req, res, e, { line, values: body });
    }
  }

  @Post('lignes/:id/suppression')
  @Access('funding', 'write', 'object')
  async remove(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Param('id', ParseIntPipe) id: number,
    @Body() body: Form,
  ): Promise<void> {
    const line = await this.lines.get(id);
    await this.assertCanEdit(req.principal!, line);
    const version = Number(body.version);
    try {
      await this.lines.remove(
        id,
        await this.access.editor(req.principal!, line.territory),
        Number.isInteger(version) && version > 0 ? version : undefined,
      );
      res.redirect(303, backTo(line, 'supprimee'));
    } catch (e) {
      await this.renderFailure(req, res, e, { line, values: formValues(line) });
    }
  }

  private async assertCanEdit(principal: Principal, line: FundingLineView): Promise<void> {
    await this.policy.assert(principal, 'funding', 'write', [line.territory]);
    if (!this.lines.canEdit(line, await this.access.editor(principal, line.territory)))
      throw new DomainError(
        'FORBIDDEN',
        `Un conseil départemental ne modifie que ses propres lignes de financement : celle-ci relève de « ${line.funderLabel} ».`,
      );
  }

  /** Validation and conflicts are shown in the form, with what was typed; any other refusal is an error page. */
  private async renderFailure(
    req: AppRequest,
    res: Response,
    e: unknown,
    data: { line?: FundingLineView; values: Form },
  ): Promise<void> {
    if (e instanceof FundingLineConflictError) {
      await this.renderForm(
        req,
        res,
        {
          ...data,
          // Saving again from here is a deliberate choice to replace the stored version by this one.
          values: { ...data.values, version: e.current ? String(e.current.version) : data.values.version },
          conflict: { message: e.message, current: e.current ? lineCells(e.current) : null },
        },
        409,
      );
      return;
    }
    if (isDomainError(e) && (e.code === 'VALIDATION_FAILED' || e.code === 'CONFLICT')) {
      await this.renderForm(
        req,
        res,
        { ...data, error: { message: e.message, errors: e.issues } },
        e.code === 'CONFLICT' ? 409 : 400,
      );
      return;
    }
    throw e;
  }

  private async renderForm(
    req: AppRequest,
    res: Response,
    data: {
      line?: FundingLineView;
      values: Form;
      error?: { message: string; errors: readonly FieldIssue[] };
      conflict?: { message: string; current: ReturnType<typeof lineCells> | null };
    },
    status = 200,
  ): Promise<void> {
    const principal = req.principal!;
    const all = await this.territories.all();
    const writable: { code: string; name: string; selected: boolean }[] = [];
    for (const d of await this.access.departments())
      if (await this.policy.allowed(principal, 'funding', 'write', [d.code]))
        writable.push({ code: d.code, name: d.name, selected: d.code === data.values.territory });
    const territory = data.values.territory || data.line?.territory || writable[0]?.code || '';
    const editor: FundingEditor = territory
      ? await this.access.editor(principal, territory)
      : { login: principal.login ?? null, councilTerritories: [] };
    // A conseil départemental is offered its own funder only; an administrator every funder.
    const allFunders = await this.funders.funders();
    const funders = allFunders.filter((f) =>
      this.lines.canEdit({ funderKind: f.kind, funderTerritory: f.territory }, editor),
    );
    const schemes = await this.funders.schemes();
    const funderLabel = (code?: string) => allFunders.find((f) => f.code === code)?.label ?? code ?? '';
    const schemeLabel = (code?: string) => schemes.find((s) => s.code === code)?.label ?? code ?? '';
    const errorOf = (field: string) => data.error?.errors.find((i) => i.field === field)?.message;
    const v = data.values;
    await this.pages.render(
      req,
      res,
      'funding-line',
      {
        title: data.line ? `Ligne de financement n° ${data.line.id}` : 'Nouvelle ligne de financement',
        nav: 'financements',
        line: data.line,
        values: v,
        territoryName: all.get(territory)?.name ?? territory,
        back: `/financements?territoire=${encodeURIComponent(territory)}`,
        action: data.line ? `/financements/lignes/${data.line.id}` : '/financements/lignes/nouvelle',
        territories: writable,
        funders: funders.map((f) => ({
          code: f.code,
          label: `${f.label} (${f.kindLabel})`,
          selected: f.code === v.funder,
        })),
        schemes: schemes.map((s) => ({
          code: s.code,
          label: `${s.label} — ${s.funderKindLabels.join(', ')}`,
          selected: s.code === v.scheme,
        })),
        siaeTypes: [
          { code: '', label: 'Tous types de SIAE', selected: !v.siaeType },
          ...FUNDING_SIAE_TYPES.map((t) => ({
            code: t,
            label: `${t} — ${DIMENSIONS.siae_type.values[t]}`,
            selected: t === v.siaeType,
          })),
        ],
        fieldErrors: Object.fromEntries(
          ['funder', 'scheme', 'territory', 'year', 'siaeType', 'committed', 'paid', 'etp', 'comment'].map(
            (f) => [f, errorOf(f)],
          ),
        ),
        error: data.error && { message: data.error.message, errors: frenchIssues(data.error.errors) },
        conflict: data.conflict,
        submitted: data.conflict
          ? lineCells({
              ...submittedView(v),
              funderLabel: funderLabel(v.funder),
              schemeLabel: schemeLabel(v.scheme),
            })
          : undefined,
      },
      status,
    );
  }
}

function cells(row: readonly (string | number | null)[], columns: readonly { kind: string }[]) {
  return row.map((value, i) => ({
    text: formatCell(value, columns[i].kind as Parameters<typeof formatCell>[1]),
    numeric: columns[i].kind !== 'text',
    first: i === 0,
  }));
}

function inputOf(body: Form): FundingLineInput {
  const year = body.year?.trim() ? Number(body.year.trim()) : Number.NaN;
  return {
    funder: body.funder ?? '',
    scheme: body.scheme ?? '',
    territory: body.territory ?? '',
    year,
    siaeType: body.siaeType || null,
    // A required amount left empty stays undefined so that the service says « obligatoire ».
    committed: frenchNumber(body.committed) as number,
    paid: frenchNumber(body.paid) ?? null,
    etp: frenchNumber(body.etp) ?? null,
    comment: body.comment ?? null,
  };
}

function formValues(l: FundingLineView): Form {
  const n = (v: number | null) => (v === null ? '' : String(v).replace('.', ','));
  return {
    funder: l.funder,
    scheme: l.scheme,
    territory: l.territory,
    year: String(l.year),
    siaeType: l.siaeType ?? '',
    committed: n(l.committed),
    paid: n(l.paid),
    etp: n(l.etp),
    comment: l.comment ?? '',
    version: String(l.version),
  };
}

/** What a person typed, shaped like a line so that the conflict box can show it beside the stored one. */
function submittedView(
  v: Form,
): Pick<
  FundingLineView,
  'funderLabel' | 'schemeLabel' | 'year' | 'siaeType' | 'committed' | 'paid' | 'etp' | 'comment'
> & { territory: string } {
  return {
    funderLabel: v.funder ?? '',
    schemeLabel: v.scheme ?? '',
    territory: v.territory ?? '',
    year: Number(v.year),
    siaeType: v.siaeType || null,
    committed: frenchNumber(v.committed) ?? Number.NaN,
    paid: frenchNumber(v.paid) ?? null,
    etp: frenchNumber(v.etp) ?? null,
    comment: v.comment || null,
  };
}

function money(v: number | null): string {
  return v === null || Number.isNaN(v) ? '—' : formatEuroFr(v, Number.isInteger(v) ? 0 : 2);
}

function lineCells(
  l: Pick<
    FundingLineView,
    'funderLabel' | 'schemeLabel' | 'year' | 'siaeType' | 'committed' | 'paid' | 'etp' | 'comment'
  > & {
    territory: string;
    id?: number;
    version?: number;
    updatedBy?: string | null;
    updatedAt?: string;
    demo?: boolean;
  },
) {
  return {
    id: l.id,
    version: l.version,
    territory: l.territory,
    year: Number.isNaN(l.year) ? '—' : String(l.year),
    funder: l.funderLabel,
    scheme: l.schemeLabel,
    siaeType: l.siaeType ?? 'Tous types',
    committed: money(l.committed),
    paid: money(l.paid),
    etp: l.etp === null || Number.isNaN(l.etp) ? '—' : formatNumberFr(l.etp, Number.isInteger(l.etp) ? 0 : 1),
    comment: l.comment ?? '',
    updatedBy: l.updatedBy,
    updatedAt: l.updatedAt,
    demo: l.demo,
  };
}

function backTo(line: Pick<FundingLineView, 'territory' | 'year'>, ok: string): string {
  return `/financements?territoire=${encodeURIComponent(line.territory)}&ok=${ok}#lignes`;
}
