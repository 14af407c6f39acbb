import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  AUDIT_SINK,
  AuditSink,
  dimensionKey,
  DimensionSet,
  DomainError,
  FieldIssue,
  parsePeriod,
  formatPeriod,
} from '@cap-iae/shared';
import { Observation } from './observation.entity';

export interface ObservationKeyInput {
  indicator: string;
  territory: string;
  period: string;
  dimensions?: DimensionSet;
}

/**
 * Provisional values become validated here, one by one or a whole import run at once; who and when is kept.
 * Territory checks happen before (the caller asserts the territories returned by `territoriesOf…`).
 */
@Injectable()
export class ObservationValidationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Optional() @Inject(AUDIT_SINK) private readonly audit?: AuditSink,
  ) {}

  async territoriesOfRun(provenanceRef: string): Promise<string[]> {
    const rows: { territory_code: string }[] = await this.dataSource
      .createQueryBuilder()
      .select('DISTINCT o.territory_code', 'territory_code')
      .from(Observation, 'o')
      .where('o.provenance_ref = :ref AND o.status = :s', { ref: provenanceRef, s: 'provisional' })
      .getRawMany();
    return rows.map((r) => r.territory_code);
  }

  async validateKeys(keys: ObservationKeyInput[], by: string): Promise<number> {
    const issues: FieldIssue[] = [];
    const repo = this.dataSource.getRepository(Observation);
    const found: Observation[] = [];
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      const period = parsePeriod(String(k.period));
      const row = period
        ? await repo.findOne({
            where: {
              indicatorCode: k.indicator,
              territoryCode: k.territory,
              period: formatPeriod(period),
              dimensionKey: dimensionKey(k.dimensions),
            },
          })
        : null;
      if (!row) issues.push({ field: `keys[${i}]`, message: 'aucune valeur ne correspond à cette clé' });
      else found.push(row);
    }
    if (issues.length) throw DomainError.validation(issues, "Aucune valeur n'a été validée.");
    const pending = found.filter((o) => o.status === 'provisional');
    await this.mark(
      pending.map((o) => o.id),
      by,
    );
    await this.audit?.record(
      pending.map((o) => ({
        action: 'validation',
        objectType: 'valeur',
        objectId: `${o.indicatorCode}|${o.territoryCode}|${o.period}|${o.dimensionKey}`,
        before: { status: 'provisional' },
        after: { status: 'validated', value: o.value },
      })),
    );
    if (pending.length === 0)
      await this.audit?.record({
        action: 'validation',
        objectType: 'valeur',
        objectId: 'aucune',
        summary: 'déjà validées',
      });
    return pending.length;
  }

  /** `territories`: those the caller was checked for; values added elsewhere in the meantime stay provisional. */
  async validateRun(provenanceRef: string, by: string, territories: string[]): Promise<number> {
    if (territories.length === 0) return 0;
    const ids: { id: number }[] = await this.dataSource
      .createQueryBuilder()
      .select('o.id', 'id')
      .from(Observation, 'o')
      .where('o.provenance_ref = :ref AND o.status = :s AND o.territory_code IN (:...t)', {
        ref: provenanceRef,
        s: 'provisional',
        t: territories,
      })
      .getRawMany();
    await this.mark(
      ids.map((r) => Number(r.id)),
      by,
    );
    await this.audit?.record({
      action: 'validation',
      objectType: 'lot de valeurs',
      objectId: provenanceRef,
      summary: `${ids.length} valeur(s) validée(s)`,
    });
    return ids.length;
  }

  private async mark(ids: number[], by: string): Promise<void> {
    const at = new Date().toISOString();
    await this.dataSource.transaction(async (em) => {
      for (let i = 0; i < ids.length; i += 500) {
        await em
          .createQueryBuilder()
          .update(Observation)
          .set({ status: 'validated', validatedBy: by, validatedAt: at })
          .whereInIds(ids.slice(i, i + 500))
          .execute();
      }
    });
  }
}
