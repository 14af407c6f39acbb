import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DomainError, DIMENSIONS, DimensionName } from '@cap-iae/shared';
import { Indicator, IndicatorAggregation, IndicatorDirection, IndicatorUnit } from './indicator.entity';

export interface IndicatorView {
  code: string;
  label: string;
  definition: string;
  unit: IndicatorUnit;
  direction: IndicatorDirection;
  aggregation: IndicatorAggregation;
  decimals: number;
  dimensions: { code: string; label: string; values: { code: string; label: string }[] }[];
  objectives: { strategy: string; number: string; title: string }[];
}

@Injectable()
export class IndicatorsService {
  constructor(@InjectRepository(Indicator) private readonly indicators: Repository<Indicator>) {}

  async list(filter: { strategy?: string; objective?: string } = {}): Promise<IndicatorView[]> {
    const qb = this.indicators
      .createQueryBuilder('i')
      .leftJoinAndSelect('i.objectives', 'o')
      .leftJoinAndSelect('o.axis', 'a')
      .leftJoinAndSelect('a.strategy', 's')
      .orderBy('i.code', 'ASC')
      .addOrderBy('s.code', 'ASC')
      .addOrderBy('o.number', 'ASC');
    const rows = await qb.getMany();
    return rows
      .map(toView)
      .filter(
        (v) =>
          (!filter.strategy || v.objectives.some((o) => o.strategy === filter.strategy)) &&
          (!filter.objective || v.objectives.some((o) => `${o.strategy}/${o.number}` === filter.objective)),
      );
  }

  async get(code: string): Promise<IndicatorView> {
    const row = await this.indicators
      .createQueryBuilder('i')
      .leftJoinAndSelect('i.objectives', 'o')
      .leftJoinAndSelect('o.axis', 'a')
      .leftJoinAndSelect('a.strategy', 's')
      .where('i.code = :code', { code })
      .getOne();
    if (!row) throw DomainError.notFound(`Indicateur inconnu : « ${code} ».`);
    return toView(row);
  }
}

function toView(i: Indicator): IndicatorView {
  return {
    code: i.code,
    label: i.label,
    definition: i.definition,
    unit: i.unit,
    direction: i.direction,
    aggregation: i.aggregation,
    decimals: i.decimals,
    dimensions: i.dimensions.map((d) => {
      const dim = DIMENSIONS[d as DimensionName];
      return {
        code: d,
        label: dim.label,
        values: Object.entries(dim.values as Record<string, string>).map(([code, label]) => ({
          code,
          label,
        })),
      };
    }),
    objectives: (i.objectives ?? []).map((o) => ({
      strategy: o.axis?.strategy?.code ?? '',
      number: o.number,
      title: o.title,
    })),
  };
}
