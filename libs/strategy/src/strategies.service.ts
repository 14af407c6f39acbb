import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DomainError } from '@cap-iae/shared';
import { Strategy } from './strategy.entity';
import { NationalPact } from './pact.entity';

export interface ObjectiveView {
  id: number;
  number: string;
  title: string;
  pactMeasures: number[];
}
export interface AxisView {
  number: number;
  title: string;
  objectives: ObjectiveView[];
}
export interface StrategyView {
  code: string;
  title: string;
  territory: string;
  startYear: number;
  endYear: number;
  source: string | null;
  axes: AxisView[];
}
export interface PactView {
  code: string;
  title: string;
  year: number;
  source: string | null;
  engagements: { number: number; title: string; measures: { number: number; title: string }[] }[];
}

@Injectable()
export class StrategiesService {
  constructor(
    @InjectRepository(Strategy) private readonly strategies: Repository<Strategy>,
    @InjectRepository(NationalPact) private readonly pacts: Repository<NationalPact>,
  ) {}

  /** Whole trees in one query each: the hierarchy is small, and pages need all of it. */
  async list(): Promise<StrategyView[]> {
    const rows = await this.strategies
      .createQueryBuilder('s')
      .leftJoinAndSelect('s.axes', 'a')
      .leftJoinAndSelect('a.objectives', 'o')
      .leftJoinAndSelect('o.pactMeasures', 'm')
      .orderBy('s.startYear', 'ASC')
      .addOrderBy('a.number', 'ASC')
      .addOrderBy('o.number', 'ASC')
      .addOrderBy('m.number', 'ASC')
      .getMany();
    return rows.map(toView);
  }

  async get(code: string): Promise<StrategyView> {
    const found = (await this.list()).find((s) => s.code === code);
    if (!found) throw DomainError.notFound(`Stratégie inconnue : « ${code} ».`);
    return found;
  }

  async pactsList(): Promise<PactView[]> {
    const rows = await this.pacts
      .createQueryBuilder('p')
      .leftJoinAndSelect('p.engagements', 'e')
      .leftJoinAndSelect('e.measures', 'm')
      .orderBy('p.year', 'ASC')
      .addOrderBy('e.number', 'ASC')
      .addOrderBy('m.number', 'ASC')
      .getMany();
    return rows.map((p) => ({
      code: p.code,
      title: p.title,
      year: p.year,
      source: p.source,
      engagements: (p.engagements ?? []).map((e) => ({
        number: e.number,
        title: e.title,
        measures: (e.measures ?? []).map((m) => ({ number: m.number, title: m.title })),
      })),
    }));
  }
}

function toView(s: Strategy): StrategyView {
  return {
    code: s.code,
    title: s.title,
    territory: s.territoryCode,
    startYear: s.startYear,
    endYear: s.endYear,
    source: s.source,
    axes: (s.axes ?? []).map((a) => ({
      number: a.number,
      title: a.title,
      objectives: (a.objectives ?? [])
        .sort((x, y) => compareNumbers(x.number, y.number))
        .map((o) => ({
          id: o.id,
          number: o.number,
          title: o.title,
          pactMeasures: (o.pactMeasures ?? []).map((m) => m.number),
        })),
    })),
  };
}

/** `1.10` sorts after `1.9`. */
function compareNumbers(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
