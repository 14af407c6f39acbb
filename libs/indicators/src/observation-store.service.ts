import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isPostgres } from '@cap-iae/database';
import { TerritoriesService } from '@cap-iae/territories';
import { IndicatorCatalogService } from './indicator-catalog.service';
import { ObservationValidator } from './observation-validator';
import type {
  NormalisedObservation,
  ObservationInput,
  Provenance,
  StoreOptions,
  StoreResult,
} from './observation-input';
import { writePostgres, writeSqlite } from './observation-writer';
import { Observation } from './observation.entity';

export interface ObservationsWritten {
  provenance: Provenance;
  rows: readonly NormalisedObservation[];
  written: number;
  /** Rows received when `rows` is not given in full (a staged import). */
  received?: number;
  /** Content before the write, keyed like `observationKey`, for small writes only (the audit trail shows it). */
  before?: ReadonlyMap<string, NormalisedObservation>;
}

/** Up to this many rows a write is audited row by row with before/after; beyond, as one summary entry. */
export const AUDIT_DETAIL_LIMIT = 100;

export function observationKey(o: {
  indicatorCode: string;
  territoryCode: string;
  period: string;
  dimensionKey: string;
}): string {
  return `${o.indicatorCode}|${o.territoryCode}|${o.period}|${o.dimensionKey}`;
}

/**
 * The single way observations enter the database: imports, source runs, forms, the API and seeds all come here.
 * Every record is validated first (all problems reported at once); then the whole set is written in one transaction
 * with batched multi-row upserts, or nothing is written.
 */
@Injectable()
export class ObservationStore {
  private readonly listeners: ((event: ObservationsWritten) => void | Promise<void>)[] = [];

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalog: IndicatorCatalogService,
    private readonly territories: TerritoriesService,
  ) {}

  /** Read models (caches, audit) subscribe here instead of the store knowing about them. */
  onWritten(listener: (event: ObservationsWritten) => void | Promise<void>): void {
    this.listeners.push(listener);
  }

  async validator(): Promise<ObservationValidator> {
    const territories = await this.territories.all();
    return new ObservationValidator(await this.catalog.rulesByCode(), (code) => territories.has(code));
  }

  /** Validates without writing: what a preview (dry run) shows. */
  async check(records: readonly ObservationInput[], options: StoreOptions = {}) {
    return (await this.validator()).validate(records, options.describe);
  }

  async upsert(
    records: readonly ObservationInput[],
    provenance: Provenance,
    options: StoreOptions = {},
  ): Promise<StoreResult> {
    const rows = (await this.validator()).validateOrThrow(records, options.describe);
    const written = await this.writeValidated(rows, provenance, options.onConflict ?? 'update');
    return { written, received: records.length };
  }

  /** For callers that validated already (streaming imports validate chunk by chunk, then write once). */
  async writeValidated(
    rows: readonly NormalisedObservation[],
    provenance: Provenance,
    mode: 'update' | 'skip' = 'update',
  ): Promise<number> {
    if (rows.length === 0) return 0;
    const before = rows.length <= AUDIT_DETAIL_LIMIT ? await this.current(rows) : undefined;
    const written = isPostgres(this.dataSource)
      ? await writePostgres(this.dataSource, rows, provenance, mode)
      : await writeSqlite(this.dataSource, rows, provenance, mode);
    for (const listener of this.listeners) await listener({ provenance, rows, written, before });
    return written;
  }

  /** Announces a staged import once merged, so that read models and the audit trail hear of it like any write. */
  async announceMerged(provenance: Provenance, received: number, written: number): Promise<void> {
    for (const listener of this.listeners) await listener({ provenance, rows: [], written, received });
  }

  private async current(rows: readonly NormalisedObservation[]): Promise<Map<string, NormalisedObservation>> {
    const found = await this.dataSource
      .getRepository(Observation)
      .createQueryBuilder('o')
      .where('o.indicatorCode IN (:...i) AND o.territoryCode IN (:...t) AND o.period IN (:...p)', {
        i: [...new Set(rows.map((r) => r.indicatorCode))],
        t: [...new Set(rows.map((r) => r.territoryCode))],
        p: [...new Set(rows.map((r) => r.period))],
      })
      .getMany();
    const wanted = new Set(rows.map(observationKey));
    return new Map(
      found
        .filter((o) => wanted.has(observationKey(o)))
        .map((o) => [
          observationKey(o),
          {
            indicatorCode: o.indicatorCode,
            territoryCode: o.territoryCode,
            period: o.period,
            dimensionKey: o.dimensionKey,
            value: o.value ?? 0,
            numerator: o.numerator,
            denominator: o.denominator,
            status: o.status,
            sourceLabel: o.sourceLabel,
            doubtful: Boolean(o.doubtful),
            note: o.note,
          },
        ]),
    );
  }
}
