import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@cap-iae/config';
import { DomainError } from '@cap-iae/shared';
import { BILAN_KIND_LABELS, BILAN_STATUS_LABELS, BilanKind, BilanStatus } from '../bilan-kinds';
import { Bilan } from '../reporting.entities';

export interface BilanView {
  id: number;
  kind: BilanKind;
  kindLabel: string;
  templateId: string;
  territory: string;
  strategy: string;
  year: number;
  parameters: Record<string, unknown>;
  dataHash: string | null;
  dataDate: string | null;
  fileName: string | null;
  size: number | null;
  pageCount: number | null;
  author: string;
  createdAt: string;
  finishedAt: string | null;
  status: BilanStatus;
  statusLabel: string;
  errorMessage: string | null;
  durationMs: number | null;
}

/** This process, as the owner of the generations it runs. */
export const INSTANCE = `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`.slice(0, 120);
/** A generating process refreshes its rows this often… */
export const HEARTBEAT_MS = 30_000;
/** …and one silent for this long has stopped. */
export const STALE_AFTER_MS = 120_000;

/**
 * The archive of bilans: one row per generation (asked, running, ready or failed) and the PDF files under the bilans
 * folder. A file is written under a temporary name and renamed once complete, so that a failed or interrupted
 * generation never leaves a half-written PDF that could be mistaken for a bilan.
 */
@Injectable()
export class BilanArchiveService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get dir(): string {
    return this.config.reporting.bilansDir;
  }

  async create(input: {
    kind: BilanKind;
    templateId: string;
    territory: string;
    strategy: string;
    year: number;
    parameters: Record<string, unknown>;
    author: string;
  }): Promise<BilanView> {
    const repo = this.dataSource.getRepository(Bilan);
    const saved = await repo.save(
      repo.create({
        kind: input.kind,
        templateId: input.templateId,
        territoryCode: input.territory,
        strategyCode: input.strategy,
        year: input.year,
        parameters: JSON.stringify(input.parameters),
        dataHash: null,
        dataDate: null,
        filePath: null,
        size: null,
        pageCount: null,
        author: input.author,
        createdAt: new Date().toISOString(),
        finishedAt: null,
        status: 'pending',
        errorMessage: null,
        durationMs: null,
        owner: INSTANCE,
        heartbeatAt: new Date().toISOString(),
      }),
    );
    return view(saved);
  }

  async markRunning(id: number): Promise<void> {
    await this.dataSource.getRepository(Bilan).update({ id }, { status: 'running' });
  }

  /** Writes the PDF atomically, then records it: a row says « prêt » only when its file is complete. */
  async complete(
    id: number,
    result: {
      pdf: Buffer;
      dataHash: string;
      dataDate: string;
      pageCount: number;
      durationMs: number;
      fileStem: string;
    },
  ): Promise<BilanView> {
    // One folder per year keeps the archive browsable by hand; the id makes every name unique.
    const relative = path.join(String((await this.get(id)).year), `${result.fileStem}-${id}.pdf`);
    writeFileAtomic(path.join(this.dir, relative), result.pdf);
    await this.dataSource.getRepository(Bilan).update(
      { id },
      {
        status: 'ready',
        dataHash: result.dataHash,
        dataDate: result.dataDate,
        filePath: relative,
        size: result.pdf.length,
        pageCount: result.pageCount,
        finishedAt: new Date().toISOString(),
        durationMs: result.durationMs,
        errorMessage: null,
      },
    );
    return this.get(id);
  }

  async fail(id: number, message: string, durationMs: number): Promise<void> {
    await this.dataSource.getRepository(Bilan).update(
      { id },
      {
        status: 'failed',
        errorMessage: message.slice(0, 4000),
        finishedAt: new Date().toISOString(),
        durationMs,
      },
    );
  }

  /** Says that this process is still generating its pending and running bilans. */
  async heartbeat(): Promise<void> {
    await this.dataSource
      .getRepository(Bilan)
      .update(
        { owner: INSTANCE, status: In(['pending', 'running']) },
        { heartbeatAt: new Date().toISOString() },
      );
  }

  /**
   * Generations cut short by a stop of their process stay « en cours » forever otherwise. Several servers may share
   * the database: only those whose process has been silent for `STALE_AFTER_MS` (it beats every
   * `HEARTBEAT_MS` while it works) are marked failed — a neighbour's generation under way is left alone.
   */
  async failInterrupted(now = new Date()): Promise<number> {
    const staleBefore = new Date(now.getTime() - STALE_AFTER_MS).toISOString();
    const result = await this.dataSource
      .createQueryBuilder()
      .update(Bilan)
      .set({
        status: 'failed',
        errorMessage: 'Génération interrompue par un arrêt de l’application : relancez-la.',
        finishedAt: now.toISOString(),
      })
      .where('status IN (:...statuses)', { statuses: ['pending', 'running'] })
      .andWhere('(heartbeat_at IS NULL OR heartbeat_at < :staleBefore)', { staleBefore })
      .execute();
    return result.affected ?? 0;
  }

  async get(id: number): Promise<BilanView> {
    const row = await this.dataSource.getRepository(Bilan).findOneBy({ id });
    if (!row) throw DomainError.notFound(`Bilan introuvable : ${id}.`);
    return view(row);
  }

  async list(
    filter: { territories?: string[]; kind?: BilanKind; year?: number; limit?: number } = {},
  ): Promise<BilanView[]> {
    const qb = this.dataSource.getRepository(Bilan).createQueryBuilder('b');
    if (filter.territories) {
      if (filter.territories.length === 0) return [];
      qb.andWhere('b.territoryCode IN (:...territories)', { territories: filter.territories });
    }
    if (filter.kind) qb.andWhere('b.kind = :kind', { kind: filter.kind });
    if (filter.year !== undefined) qb.andWhere('b.year = :year', { year: filter.year });
    qb.orderBy('b.id', 'DESC').take(filter.limit ?? 200);
    return (await qb.getMany()).map(view);
  }

  /** The PDF of a ready bilan. */
  async file(id: number): Promise<{ view: BilanView; path: string }> {
    const bilan = await this.get(id);
    if (bilan.status !== 'ready' || !bilan.fileName)
      throw new DomainError('CONFLICT', `Le bilan ${id} n’est pas prêt (${bilan.statusLabel}).`);
    const row = await this.dataSource.getRepository(Bilan).findOneByOrFail({ id });
    const full = path.resolve(this.dir, row.filePath!);
    if (!full.startsWith(path.resolve(this.dir) + path.sep) || !fs.existsSync(full))
      throw DomainError.notFound(`Le fichier du bilan ${id} est introuvable dans l’archive.`);
    return { view: bilan, path: full };
  }

  async territoryOf(id: number): Promise<string> {
    return (await this.get(id)).territory;
  }
}

/** Temporary file in the same folder, then rename: readers see either no file or the whole file. */
export function writeFileAtomic(target: string, data: Buffer): void {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const temp = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`,
  );
  try {
    fs.writeFileSync(temp, data);
    fs.renameSync(temp, target);
  } catch (e) {
    fs.rmSync(temp, { force: true });
    throw e;
  }
}

function view(b: Bilan): BilanView {
  return {
    id: b.id,
    kind: b.kind,
    kindLabel: BILAN_KIND_LABELS[b.kind] ?? b.kind,
    templateId: b.templateId,
    territory: b.territoryCode,
    strategy: b.strategyCode,
    year: b.year,
    parameters: JSON.parse(b.parameters) as Record<string, unknown>,
    dataHash: b.dataHash,
    dataDate: b.dataDate,
    fileName: b.filePath ? path.basename(b.filePath) : null,
    size: b.size,
    pageCount: b.pageCount,
    author: b.author,
    createdAt: b.createdAt,
    finishedAt: b.finishedAt,
    status: b.status,
    statusLabel: BILAN_STATUS_LABELS[b.status] ?? b.status,
    errorMessage: b.errorMessage,
    durationMs: b.durationMs,
  };
}
