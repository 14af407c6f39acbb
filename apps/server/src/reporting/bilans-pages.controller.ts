import { Body, Controller, Get, Param, ParseIntPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AccessPolicyService, Principal } from '@cap-iae/access';
import {
  BILAN_KIND_LABELS,
  BilanArchiveService,
  BilanGenerator,
  BilanKind,
  BilanNarrativesService,
  BilanView,
} from '@cap-iae/reporting';
import { formatNumberFr, isDomainError } from '@cap-iae/shared';
import { StrategiesService } from '@cap-iae/strategy';
import { TerritoriesService } from '@cap-iae/territories';
import { Access } from '../access/access.decorator';
import type { AppRequest } from '../access/request-principal';
import { errorOf } from '../pages/account-pages.controller';
import { PageRenderer } from '../pages/page-renderer';

type Form = Record<string, string | undefined>;

/** A bilan's kind follows from its territory: the région's is the COR-IAE's, a département's the CDIAE's. */
function kindOf(territory: string): BilanKind {
  return territory.startsWith('REG-') ? 'cor-iae' : 'cdiae';
}

@ApiExcludeController()
@Controller('bilans')
export class BilansPagesController {
  constructor(
    private readonly pages: PageRenderer,
    private readonly generator: BilanGenerator,
    private readonly archive: BilanArchiveService,
    private readonly narratives: BilanNarrativesService,
    private readonly policy: AccessPolicyService,
    private readonly strategies: StrategiesService,
    private readonly territories: TerritoriesService,
  ) {}

  @Get()
  @Access('bilan', 'read')
  async list(@Req() req: AppRequest, @Res() res: Response): Promise<void> {
    await this.renderList(req, res, {});
  }

  @Post()
  @Access('bilan', 'generate', { body: 'territory' })
  async create(@Req() req: AppRequest, @Res() res: Response, @Body() body: Form): Promise<void> {
    const request = {
      kind: kindOf(body.territory ?? ''),
      territory: body.territory ?? '',
      strategy: body.strategy ?? '',
      year: Number(body.year),
    };
    try {
      const bilan = await this.generator.start(request, req.principal!.login!);
      res.redirect(303, `/bilans/${bilan.id}`);
    } catch (e) {
      await this.renderList(req, res, { error: errorOf(e), values: body }, 400);
    }
  }

  @Get('textes')
  @Access('bilan', 'read', { query: 'territory' })
  async texts(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Query('territory') territory?: string,
    @Query('strategy') strategy?: string,
    @Query('year') year?: string,
  ): Promise<void> {
    await this.renderTexts(
      req,
      res,
      { territory: territory ?? '', strategy: strategy ?? '', year: Number(year) },
      {},
    );
  }

  @Post('textes')
  @Access('bilan', 'generate', { body: 'territory' })
  async saveTexts(@Req() req: AppRequest, @Res() res: Response, @Body() body: Form): Promise<void> {
    const key = { territory: body.territory ?? '', strategy: body.strategy ?? '', year: Number(body.year) };
    const inputs = Object.keys(body)
      .filter((k) => k.startsWith('text:'))
      .map((k) => {
        const ref = k.slice(5);
        const version = body[`version:${ref}`];
        return { ref, text: body[k] ?? '', version: version ? Number(version) : null };
      });
    try {
      const n = await this.narratives.save(
        { ...key, kind: kindOf(key.territory) },
        inputs,
        req.principal!.login!,
      );
      await this.renderTexts(req, res, key, {
        notice:
          n === 0 ? 'Aucun texte modifié.' : `${n} texte${n > 1 ? 's' : ''} enregistré${n > 1 ? 's' : ''}.`,
      });
    } catch (e) {
      const status = isDomainError(e) && e.code === 'CONFLICT' ? 409 : 400;
      await this.renderTexts(req, res, key, { error: errorOf(e) }, status);
    }
  }

  @Get(':id')
  @Access('bilan', 'read', 'object')
  async detail(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Param('id', ParseIntPipe) id: number,
  ): Promise<void> {
    const bilan = await this.archive.get(id);
    await this.policy.assert(req.principal!, 'bilan', 'read', [bilan.territory]);
    const progress = this.generator.progressOf(id);
    const running = bilan.status === 'pending' || bilan.status === 'running';
    await this.pages.render(req, res, 'bilan', {
      title: `${bilan.kindLabel} ${bilan.year} — ${await this.nameOf(bilan.territory)}`,
      nav: 'bilans',
      bilan: await this.row(bilan),
      running,
      progress: running ? (progress ?? { percent: 0, step: 'en attente' }) : null,
    });
  }

  private async renderList(
    req: AppRequest,
    res: Response,
    extra: { error?: ReturnType<typeof errorOf>; values?: Form },
    status = 200,
  ): Promise<void> {
    const principal = req.principal!;
    const visible: BilanView[] = [];
    for (const b of await this.archive.list())
      if (await this.policy.allowed(principal, 'bilan', 'read', [b.territory])) visible.push(b);
    const strategies = await this.strategies.list();
    const targets = await this.targetsFor(principal, 'generate');
    const readable = await this.targetsFor(principal, 'read');
    const values = extra.values ?? {};
    const defaultStrategy = values.strategy ?? strategies[strategies.length - 1]?.code ?? '';
    const years = [...new Set(strategies.flatMap((s) => range(s.startYear, s.endYear)))].sort();
    // By default the latest year of the latest strategy that has begun: the bilan usually asked for.
    const latest = strategies.find((s) => s.code === defaultStrategy);
    const defaultYear = latest
      ? Math.max(latest.startYear, Math.min(new Date().getFullYear(), latest.endYear))
      : years[0];
    await this.pages.render(
      req,
      res,
      'bilans',
      {
        title: 'Bilans',
        nav: 'bilans',
        error: extra.error,
        bilans: await Promise.all(visible.map((b) => this.row(b))),
        canGenerate: targets.length > 0,
        territoryOptions: targets.map((t) => ({ ...t, selected: t.code === values.territory })),
        readableOptions: readable,
        strategyOptions: strategies.map((s) => ({
          code: s.code,
          label: `${s.title} (${s.startYear}-${s.endYear})`,
          selected: s.code === defaultStrategy,
        })),
        yearOptions: years.map((y) => ({
          year: y,
          selected: String(y) === (values.year ?? String(defaultYear)),
        })),
      },
      status,
    );
  }

  private async renderTexts(
    req: AppRequest,
    res: Response,
    key: { territory: string; strategy: string; year: number },
    extra: { notice?: string; error?: ReturnType<typeof errorOf> },
    status = 200,
  ): Promise<void> {
    const kind = kindOf(key.territory);
    let slots: Awaited<ReturnType<BilanNarrativesService['slots']>> = [];
    let problem = extra.error;
    try {
      slots = await this.narratives.slots({ ...key, kind });
    } catch (e) {
      problem = errorOf(e);
      status = 400;
    }
    const editable = key.territory
      ? await this.policy.allowed(req.principal!, 'bilan', 'generate', [key.territory])
      : false;
    await this.pages.render(
      req,
      res,
      'bilan-textes',
      {
        title: `Textes du ${BILAN_KIND_LABELS[kind]} ${Number.isInteger(key.year) ? key.year : ''} — ${await this.nameOf(key.territory)}`,
        nav: 'bilans',
        notice: extra.notice,
        error: problem,
        key: {
          ...key,
          kind,
          kindLabel: BILAN_KIND_LABELS[kind],
          territoryName: await this.nameOf(key.territory),
        },
        editable,
        slots: slots.map((s) => ({ ...s, subLevel: s.level > 1 })),
      },
      status,
    );
  }

  /** The bilans this person may read or generate: the région of each strategy and its départements. */
  private async targetsFor(
    principal: Principal,
    action: 'read' | 'generate',
  ): Promise<{ code: string; label: string }[]> {
    const out: { code: string; label: string }[] = [];
    const seen = new Set<string>();
    for (const s of await this.strategies.list()) {
      const region = await this.territories.get(s.territory).catch(() => null);
      if (!region || seen.has(region.code)) continue;
      seen.add(region.code);
      const departments = (await this.territories.children(region.code)).filter(
        (t) => t.level === 'department',
      );
      for (const t of [region, ...departments])
        if (await this.policy.allowed(principal, 'bilan', action, [t.code]))
          out.push({ code: t.code, label: `${BILAN_KIND_LABELS[kindOf(t.code)]} — ${t.name}` });
    }
    return out;
  }

  private async nameOf(code: string): Promise<string> {
    return (await this.territories.all()).get(code)?.name ?? code;
  }

  private async row(b: BilanView) {
    return {
      ...b,
      territoryName: await this.nameOf(b.territory),
      ready: b.status === 'ready',
      failed: b.status === 'failed',
      sizeLabel: b.size === null ? '' : `${formatNumberFr(b.size / 1024 / 1024, 1)} Mo`,
      shortHash: b.dataHash ? b.dataHash.slice(0, 12) : '',
      seconds: b.durationMs === null ? '' : formatNumberFr(b.durationMs / 1000, 1),
    };
  }
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let y = from; y <= to; y++) out.push(y);
  return out;
}
