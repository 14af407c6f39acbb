import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DomainError } from '@cap-iae/shared';
import { Indicator } from './indicator.entity';
import type { IndicatorRules } from './observation-validator';

/** The indicator catalogue held in memory: it is small, read on every write, and changes only with reference data. */
@Injectable()
export class IndicatorCatalogService {
  private rules?: Map<string, IndicatorRules>;

  constructor(@InjectRepository(Indicator) private readonly indicators: Repository<Indicator>) {}

  async rulesByCode(): Promise<Map<string, IndicatorRules>> {
    if (!this.rules) {
      const rows = await this.indicators.find();
      this.rules = new Map(
        rows.map((i) => [
          i.code,
          { code: i.code, unit: i.unit, aggregation: i.aggregation, dimensions: i.dimensions },
        ]),
      );
    }
    return this.rules;
  }

  async require(code: string): Promise<IndicatorRules> {
    const rules = (await this.rulesByCode()).get(code);
    if (!rules) throw DomainError.notFound(`Indicateur inconnu : « ${code} ».`);
    return rules;
  }

  invalidate(): void {
    this.rules = undefined;
  }
}
