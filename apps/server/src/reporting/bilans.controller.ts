import {
  Body,
  Controller,
  Get,
  HttpCode,
  Logger,
  OnApplicationBootstrap,
  Param,
  ParseIntPipe,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AccessPolicyService, Principal } from '@cap-iae/access';
import {
  BilanArchiveService,
  BilanGenerator,
  BilanNarrativesService,
  BilanView,
  GenerationProgress,
  NarrativeSlot,
} from '@cap-iae/reporting';
import { FieldIssue } from '@cap-iae/shared';
import { Access } from '../access/access.decorator';
import { CurrentPrincipal } from '../access/request-principal';
import { intParam, throwIfIssues } from '../api/query-params';
import { CreateBilanDto, NarrativesDto } from './bilans.dto';

export type BilanStatusView = BilanView & { progress: GenerationProgress | null; pdfUrl: string | null };

/** Bilans COR-IAE and CDIAE: ask for one (generated in the background), follow it, download it, write its texts. */
@ApiTags('Bilans')
@Controller('api/v1/bilans')
export class BilansController implements OnApplicationBootstrap {
  constructor(
    private readonly generator: BilanGenerator,
    private readonly archive: BilanArchiveService,
    private readonly narratives: BilanNarrativesService,
    private readonly policy: AccessPolicyService,
  ) {}

  /** The server owns the generation queue: what a stop cut short is marked failed, not left « en cours ». */
  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.archive.failInterrupted();
    } catch (e) {
      // A database not migrated yet has no bilan to recover; the app must still start.
      new Logger('Bilans').warn(
        `Bilans interrompus non vérifiés : ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }

  @Get()
  @Access('bilan', 'read')
  @ApiOperation({ summary: 'Bilans générés (ceux de vos territoires), du plus récent au plus ancien' })
  async list(@CurrentPrincipal() principal: Principal): Promise<BilanStatusView[]> {
    const visible: BilanStatusView[] = [];
    for (const b of await this.archive.list())
      if (await this.policy.allowed(principal, 'bilan', 'read', [b.territory])) visible.push(this.status(b));
    return visible;
  }

  @Post()
  @Access('bilan', 'generate', { body: 'territory' })
  @ApiOperation({
    summary: 'Demande un bilan : il est généré en arrière-plan (202) ; suivez GET /api/v1/bilans/{id}',
    description: '`wait=true` attend la fin de la génération et répond 201 avec le bilan prêt (ou l’erreur).',
  })
  @ApiQuery({ name: 'wait', required: false, type: Boolean })
  async create(
    @Body() body: CreateBilanDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
    @Query('wait') wait?: string,
  ): Promise<BilanStatusView> {
    if (wait === 'true') {
      res.status(201);
      return this.status(await this.generator.generate(body, principal.login!));
    }
    res.status(202);
    return this.status(await this.generator.start(body, principal.login!));
  }

  @Get('textes')
  @Access('bilan', 'read', { query: 'territory' })
  @ApiOperation({ summary: 'Textes rédigés pour un bilan (synthèse, axes, objectifs, conclusion)' })
  @ApiQuery({ name: 'kind', example: 'cdiae' })
  @ApiQuery({ name: 'territory', example: 'DEP-93' })
  @ApiQuery({ name: 'strategy', example: 'IDF-2021-2022' })
  @ApiQuery({ name: 'year', example: 2021 })
  async texts(
    @Query('kind') kind?: string,
    @Query('territory') territory?: string,
    @Query('strategy') strategy?: string,
    @Query('year') year?: string,
  ): Promise<NarrativeSlot[]> {
    const issues: FieldIssue[] = [];
    const y = intParam('year', year, 1980, 2100, issues);
    if (year === undefined) issues.push({ field: 'year', message: 'obligatoire (ex. 2021)' });
    throwIfIssues(issues);
    return this.narratives.slots({
      kind: kind ?? '',
      territory: territory ?? '',
      strategy: strategy ?? '',
      year: y!,
    });
  }

  @Put('textes')
  @Access('bilan', 'generate', { body: 'territory' })
  @ApiOperation({
    summary: 'Écrit des textes d’un bilan (un texte vide le supprime) ; chaque modification est historisée',
  })
  async saveTexts(
    @Body() body: NarrativesDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<NarrativeSlot[]> {
    const key = { kind: body.kind, territory: body.territory, strategy: body.strategy, year: body.year };
    await this.narratives.save(key, body.texts, principal.login!);
    return this.narratives.slots(key);
  }

  @Get(':id')
  @Access('bilan', 'read', 'object')
  @ApiOperation({ summary: 'Un bilan : état de la génération (avancement), empreinte des données, pages' })
  async get(
    @Param('id', ParseIntPipe) id: number,
    @CurrentPrincipal() principal: Principal,
  ): Promise<BilanStatusView> {
    const bilan = await this.archive.get(id);
    await this.policy.assert(principal, 'bilan', 'read', [bilan.territory]);
    return this.status(bilan);
  }

  @Get(':id/pdf')
  @Access('bilan', 'read', 'object')
  @HttpCode(200)
  @ApiOperation({ summary: 'Le PDF d’un bilan prêt' })
  async pdf(
    @Param('id', ParseIntPipe) id: number,
    @CurrentPrincipal() principal: Principal,
    @Res() res: Response,
  ): Promise<void> {
    const bilan = await this.archive.get(id);
    await this.policy.assert(principal, 'bilan', 'read', [bilan.territory]);
    const file = await this.archive.file(id);
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `attachment; filename="${file.view.fileName}"`);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.sendFile(file.path);
  }

  private status(b: BilanView): BilanStatusView {
    return {
      ...b,
      progress: b.status === 'pending' || b.status === 'running' ? this.generator.progressOf(b.id) : null,
      pdfUrl: b.status === 'ready' ? `/api/v1/bilans/${b.id}/pdf` : null,
    };
  }
}
