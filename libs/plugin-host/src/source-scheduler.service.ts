import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThanOrEqual, Not } from 'typeorm';
import { ObservationStore } from '@cap-iae/indicators';
import { runInContext } from '@cap-iae/shared';
import { Source } from './sources.entities';
import { SourceRunner } from './source-runner.service';

/**
 * Runs due sources (their cron time, a retry after a failure, or a recomputation after their inputs changed).
 * Started by the server only; each instance may tick, the lease taken by the runner keeps runs single.
 */
@Injectable()
export class SourceScheduler implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Planificateur');
  private timer?: NodeJS.Timeout;
  private ticking = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly runner: SourceRunner,
    private readonly store: ObservationStore,
  ) {}

  onModuleInit(): void {
    // Values written by hand or through the API also feed formula sources.
    this.store.onWritten(async (event) => {
      if (event.rows.length)
        await this.runner.scheduleDependents([...new Set(event.rows.map((r) => r.indicatorCode))]);
    });
  }

  start(intervalMs = 30_000): void {
    this.timer ??= setInterval(() => void this.tick(), intervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One pass: every due source, one after the other (a 2-core machine gains nothing from parallel imports). */
  async tick(now = new Date()): Promise<number> {
    if (this.ticking) return 0;
    this.ticking = true;
    let ran = 0;
    try {
      await this.runner
        .recoverInterrupted(now)
        .catch((e: unknown) =>
          this.logger.error(`Exécutions interrompues : ${e instanceof Error ? e.message : String(e)}`),
        );
      const due = await this.dataSource.getRepository(Source).find({
        where: { status: Not('disabled'), nextRunAt: LessThanOrEqual(now.toISOString()) },
        order: { nextRunAt: 'ASC' },
      });
      for (const source of due) {
        const trigger =
          source.consecutiveFailures > 0 ? 'retry' : source.inputIndicators ? 'recompute' : 'schedule';
        try {
          await runInContext({ actor: `source:${source.id}`, channel: 'source' }, () =>
            this.runner.run(source.id, { trigger, triggeredBy: 'planificateur' }),
          );
          ran += 1;
        } catch (e) {
          // Already running elsewhere, or deleted meanwhile: the next tick sees the new state.
          this.logger.debug(`Source #${source.id} non lancée : ${(e as Error).message}`);
        }
      }
    } finally {
      this.ticking = false;
    }
    return ran;
  }
}
