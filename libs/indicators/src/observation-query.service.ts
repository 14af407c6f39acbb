import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource } from 'typeorm';
import { DomainError, DimensionSet, parseDimensionKey } from '@cap-iae/shared';
import { Observation, ObservationStatus, ProvenanceKind } from './observation.entity';

export interface ObservationFilter {
  indicators?: string[];
  strategy?: string;
  territories?: string[];
  periodFrom?: string;
  periodTo?: string;
  /** `undefined`: every row; `''`: totals only; `siae_type=ACI`: that exact set; `siae_type`: breakdown by that dimension. */
  dimensions?: string;
  status?: ObservationStatus;
  page: number;
  pageSize: number;
}

export interface ObservationView {
  indicator: string;
  territory: string;
  period: string;
  dimensions: DimensionSet;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  status: ObservationStatus;
  source: string | null;
  doubtful: boolean;
  note: string | null;
  demo: boolean;
  provenance: { kind: ProvenanceKind; ref: string; recordedAt: string };
  validatedBy: string | null;
  validatedAt: string | null;
}

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

@Injectable()
export class ObservationQueryService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async find(filter: ObservationFilter): Promise<Page<ObservationView>> {
    const qb = this.dataSource.getRepository(Observation).createQueryBuilder('o');
    if (filter.indicators?.length)
      qb.andWhere('o.indicatorCode IN (:...indicators)', { indicators: filter.indicators });
    if (filter.strategy) {
      const exists: unknown = await this.dataSource
        .createQueryBuilder()
        .select('s.id')
        .from('strategy', 's')
        .where('s.code = :code', { code: filter.strategy })
        .getRawOne();
      if (!exists) throw DomainError.notFound(`Stratégie inconnue : « ${filter.strategy} ».`);
      qb.andWhere(
        `o.indicatorCode IN (SELECT io.indicator_code FROM indicator_objective io
           JOIN objective ob ON ob.id = io.objective_id JOIN axis a ON a.id = ob.axis_id
           JOIN strategy s ON s.id = a.strategy_id WHERE s.code = :strategy)`,
        { strategy: filter.strategy },
      );
    }
    if (filter.territories?.length)
      qb.andWhere('o.territoryCode IN (:...territories)', { territories: filter.territories });
    if (filter.periodFrom) qb.andWhere('o.period >= :from', { from: filter.periodFrom });
    if (filter.periodTo) qb.andWhere('o.period <= :to', { to: `${filter.periodTo}\uffff` });
    if (filter.status) qb.andWhere('o.status = :status', { status: filter.status });
    if (filter.dimensions !== undefined) {
      const d = filter.dimensions;
      if (d === '' || d.includes('=')) qb.andWhere('o.dimensionKey = :dkey', { dkey: d });
      else
        qb.andWhere(
          new Brackets((w) =>
            w
              .where('o.dimensionKey LIKE :dprefix', { dprefix: `${d}=%` })
              .andWhere('o.dimensionKey NOT LIKE :dsep', { dsep: '%;%' }),
          ),
        );
    }
    qb.orderBy('o.indicatorCode', 'ASC')
      .addOrderBy('o.territoryCode', 'ASC')
      .addOrderBy('o.period', 'ASC')
      .addOrderBy('o.dimensionKey', 'ASC')
      .skip((filter.page - 1) * filter.pageSize)
      .take(filter.pageSize);
    const [rows, total] = await qb.getManyAndCount();
    return { items: rows.map(toView), page: filter.page, pageSize: filter.pageSize, total };
  }
}

export function toView(o: Observation): ObservationView {
  return {
    indicator: o.indicatorCode,
    territory: o.territoryCode,
    period: o.period,
    dimensions: parseDimensionKey(o.dimensionKey),
    value: o.value,
    numerator: o.numerator,
    denominator: o.denominator,
    status: o.status,
    source: o.sourceLabel,
    doubtful: Boolean(o.doubtful),
    note: o.note,
    demo: Boolean(o.isDemo),
    provenance: { kind: o.provenanceKind, ref: o.provenanceRef, recordedAt: o.recordedAt },
    validatedBy: o.validatedBy,
    validatedAt: o.validatedAt,
  };
}
