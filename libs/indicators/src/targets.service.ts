import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import {
  AUDIT_SINK,
  AuditSink,
  DimensionSet,
  DomainError,
  FieldIssue,
  dimensionIssues,
  dimensionKey,
  isYearInRange,
  MAX_YEAR,
  MIN_YEAR,
  parseDimensionKey,
} from '@cap-iae/shared';
import { TerritoriesService } from '@cap-iae/territories';
import { Target } from './target.entity';
import { IndicatorCatalogService } from './indicator-catalog.service';

export interface TargetInput {
  indicator: string;
  territory: string;
  year: number;
  dimensions?: DimensionSet;
  value: number;
  comment?: string | null;
}

export interface TargetView {
  indicator: string;
  territory: string;
  year: number;
  dimensions: DimensionSet;
  value: number;
  comment: string | null;
  updatedBy: string | null;
  updatedAt: string;
  demo: boolean;
}

@Injectable()
export class TargetsService {
  constructor(
    @InjectRepository(Target) private readonly targets: Repository<Target>,
    private readonly catalog: IndicatorCatalogService,
    private readonly territories: TerritoriesService,
    @Optional() @Inject(AUDIT_SINK) private readonly audit?: AuditSink,
  ) {}

  async find(filter: {
    indicators?: string[];
    territories?: string[];
    yearFrom?: number;
    yearTo?: number;
  }): Promise<TargetView[]> {
    const qb = this.targets.createQueryBuilder('t');
    if (filter.indicators?.length) qb.andWhere('t.indicatorCode IN (:...ind)', { ind: filter.indicators });
    if (filter.territories?.length) qb.andWhere('t.territoryCode IN (:...ter)', { ter: filter.territories });
    if (filter.yearFrom !== undefined) qb.andWhere('t.year >= :yf', { yf: filter.yearFrom });
    if (filter.yearTo !== undefined) qb.andWhere('t.year <= :yt', { yt: filter.yearTo });
    qb.orderBy('t.indicatorCode')
      .addOrderBy('t.territoryCode')
      .addOrderBy('t.year')
      .addOrderBy('t.dimensionKey');
    return (await qb.getMany()).map(toView);
  }

  /** Creates or replaces the target for its natural key (indicator, territory, year, dimensions). */
  async upsert(input: TargetInput, author: string | null): Promise<{ target: TargetView; created: boolean }> {
    const issues: FieldIssue[] = [];
    const rules = (await this.catalog.rulesByCode()).get(input.indicator);
    if (!rules) issues.push({ field: 'indicator', message: `indicateur inconnu « ${input.indicator} »` });
    if (!(await this.territories.exists(input.territory))) {
      issues.push({
        field: 'territory',
        message: `territoire inconnu « ${input.territory} » (attendu : REG-11, DEP-93…)`,
      });
    }
    if (!isYearInRange(input.year))
      issues.push({ field: 'year', message: `doit être une année entre ${MIN_YEAR} et ${MAX_YEAR}` });
    if (rules) issues.push(...dimensionIssues('dimensions', input.dimensions, rules.dimensions));
    if (rules && input.value < 0 && rules.unit !== 'percent')
      issues.push({ field: 'value', message: 'doit être positif ou nul' });
    if (
      rules?.unit === 'percent' &&
      rules.aggregation === 'ratio' &&
      (input.value < 0 || input.value > 100)
    ) {
      issues.push({ field: 'value', message: 'un taux doit être compris entre 0 et 100' });
    }
    if (issues.length > 0) throw DomainError.validation(issues, "La cible n'a pas été enregistrée.");

    const key = {
      indicatorCode: input.indicator,
      territoryCode: input.territory,
      year: input.year,
      dimensionKey: dimensionKey(input.dimensions),
    };
    const existing = await this.targets.findOne({ where: key });
    const entity = this.targets.create({
      ...existing,
      ...key,
      value: input.value,
      comment: input.comment ?? null,
      updatedBy: author,
      updatedAt: new Date().toISOString(),
      isDemo: false,
    });
    const saved = await this.targets.save(entity);
    const view = toView(saved);
    await this.audit?.record({
      action: existing ? 'modification' : 'création',
      objectType: 'cible',
      objectId: `${key.indicatorCode}|${key.territoryCode}|${key.year}|${key.dimensionKey}`,
      before: existing ? { value: existing.value, comment: existing.comment } : undefined,
      after: { value: view.value, comment: view.comment },
    });
    return { target: view, created: !existing };
  }
}

function toView(t: Target): TargetView {
  return {
    indicator: t.indicatorCode,
    territory: t.territoryCode,
    year: t.year,
    dimensions: parseDimensionKey(t.dimensionKey),
    value: t.value,
    comment: t.comment,
    updatedBy: t.updatedBy,
    updatedAt: t.updatedAt,
    demo: Boolean(t.isDemo),
  };
}
