import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AccessPolicyService } from '@cap-iae/access';
import { IndicatorsService, ObservationStore, UNIT_LABELS } from '@cap-iae/indicators';
import { TerritoriesService } from '@cap-iae/territories';
import { DimensionSet, DomainError, FieldIssue } from '@cap-iae/shared';
import { Access } from '../access/access.decorator';
import type { AppRequest } from '../access/request-principal';
import { errorOf } from './account-pages.controller';
import { PageRenderer } from './page-renderer';

type Form = Record<string, string | undefined>;

/** French number as typed in a form: « 1 234,5 » → 1234.5; empty → undefined; anything else → NaN. */
function frenchNumber(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const t = text.trim();
  // Spaces only between groups of three digits: « 1 234,5 » is a number, « 1 2 » is a typo.
  if (!/^-?(\d{1,3}([ \u00a0\u202f]\d{3})+|\d+)([,.]\d+)?$/.test(t)) return Number.NaN;
  return Number(t.replace(/[ \u00a0\u202f]/g, '').replace(',', '.'));
}

/**
 * « Saisie d’une valeur » : one indicator × territory × period (× breakdown), typed by a person; it goes through the
 * same store, validation and provenance as any import, and is provisional until validated.
 */
@ApiExcludeController()
@Controller('saisie')
export class EntryPagesController {
  constructor(
    private readonly pages: PageRenderer,
    private readonly indicators: IndicatorsService,
    private readonly territories: TerritoriesService,
    private readonly store: ObservationStore,
    private readonly policy: AccessPolicyService,
  ) {}

  @Get()
  @Access('observation', 'write')
  async form(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Query('indicateur') indicator?: string,
  ): Promise<void> {
    await this.render(req, res, { indicator: indicator ?? '' });
  }

  @Post()
  @Access('observation', 'write', { body: 'territory' })
  async save(@Req() req: AppRequest, @Res() res: Response, @Body() body: Form): Promise<void> {
    const issues: FieldIssue[] = [];
    const numbers = {
      value: frenchNumber(body.value),
      numerator: frenchNumber(body.numerator),
      denominator: frenchNumber(body.denominator),
    };
    for (const [field, v] of Object.entries(numbers))
      if (Number.isNaN(v)) issues.push({ field, message: 'nombre attendu (ex. 1 234,5)' });
    const dimensions: DimensionSet = {};
    for (const [k, v] of Object.entries(body))
      if (k.startsWith('dim.') && v) (dimensions as Record<string, string>)[k.slice(4)] = v;
    try {
      if (issues.length) throw DomainError.validation(issues, "La valeur n'a pas été enregistrée.");
      const { written } = await this.store.upsert(
        [
          {
            indicator: body.indicator ?? '',
            territory: body.territory ?? '',
            period: body.period ?? '',
            dimensions,
            ...numbers,
            status: 'provisional',
            sourceLabel: `Saisie de ${req.principal!.displayName ?? req.principal!.login}`,
            note: body.note?.trim() || null,
          },
        ],
        { kind: 'user', ref: `saisie:${req.principal!.login}` },
        { describe: () => 'valeur' },
      );
      await this.render(req, res, {
        indicator: body.indicator ?? '',
        notice: written
          ? 'Valeur enregistrée (provisoire jusqu’à sa validation).'
          : 'Valeur identique à celle déjà enregistrée : rien n’a changé.',
      });
    } catch (e) {
      const error = errorOf(e);
      // The store names fields `valeur.territory`; the form's fields are the last part.
      const errors = error.errors.map((i) => ({ ...i, field: i.field.replace(/^valeur\./, '') }));
      await this.render(
        req,
        res,
        { indicator: body.indicator ?? '', form: body, error: { ...error, errors } },
        400,
      );
    }
  }

  private async render(
    req: AppRequest,
    res: Response,
    data: { indicator: string; form?: Form; notice?: string; error?: unknown },
    status = 200,
  ): Promise<void> {
    const catalogue = await this.indicators.list();
    const chosen = catalogue.find((i) => i.code === data.indicator);
    const territories = [];
    for (const t of (await this.territories.all()).values()) {
      if (
        (t.level === 'region' || t.level === 'department') &&
        (await this.policy.allowed(req.principal!, 'observation', 'write', [t.code]))
      ) {
        territories.push({ code: t.code, name: t.name, selected: t.code === data.form?.territory });
      }
    }
    await this.pages.render(
      req,
      res,
      'entry',
      {
        title: 'Saisie d’une valeur',
        nav: 'saisie',
        indicators: catalogue.map((i) => ({
          code: i.code,
          label: i.label,
          selected: i.code === data.indicator,
        })),
        chosen: chosen && {
          ...chosen,
          unitLabel: UNIT_LABELS[chosen.unit],
          ratio: chosen.aggregation === 'ratio',
          dimensions: chosen.dimensions.map((d) => ({
            ...d,
            values: d.values.map((v) => ({ ...v, selected: data.form?.[`dim.${d.code}`] === v.code })),
          })),
        },
        territories,
        form: data.form ?? {},
        notice: data.notice,
        error: data.error,
      },
      status,
    );
  }
}
