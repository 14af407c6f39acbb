import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DomainError, TerritoryLevel } from '@cap-iae/shared';
import { Territory } from './territory.entity';

export interface TerritoryView {
  code: string;
  level: TerritoryLevel;
  officialCode: string;
  name: string;
  parentCode: string | null;
}

@Injectable()
export class TerritoriesService {
  private cache?: Map<string, TerritoryView>;

  constructor(@InjectRepository(Territory) private readonly territories: Repository<Territory>) {}

  /** Territories change only when reference data is reloaded, so one in-memory copy serves every lookup. */
  async all(): Promise<Map<string, TerritoryView>> {
    if (!this.cache) {
      const rows = await this.territories.find({ order: { code: 'ASC' } });
      this.cache = new Map(rows.map((t) => [t.code, toView(t)]));
    }
    return this.cache;
  }

  invalidate(): void {
    this.cache = undefined;
  }

  async list(filter: { level?: TerritoryLevel; parent?: string }): Promise<TerritoryView[]> {
    const all = [...(await this.all()).values()];
    return all.filter(
      (t) =>
        (!filter.level || t.level === filter.level) && (!filter.parent || t.parentCode === filter.parent),
    );
  }

  async get(code: string): Promise<TerritoryView> {
    const territory = (await this.all()).get(code);
    if (!territory) throw DomainError.notFound(`Territoire inconnu : « ${code} ».`);
    return territory;
  }

  async exists(code: string): Promise<boolean> {
    return (await this.all()).has(code);
  }

  async children(code: string): Promise<TerritoryView[]> {
    return this.list({ parent: code });
  }
}

function toView(t: Territory): TerritoryView {
  return {
    code: t.code,
    level: t.level,
    officialCode: t.officialCode,
    name: t.name,
    parentCode: t.parentCode,
  };
}
