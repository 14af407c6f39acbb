import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AUDIT_SINK, AuditSink, DomainError, FieldIssue, TERRITORY_LEVEL_LABELS } from '@cap-iae/shared';
import { TerritoriesService } from '@cap-iae/territories';
import { GovernanceInstance, InstanceType } from './governance.entities';
import { InstanceRef, InstanceView, StaleVersionError } from './governance.views';
import { text, version as versionOf } from './input-checks';

export interface InstanceInput {
  /** Id of the instance type, or its code (`CDIAE`). */
  type?: unknown;
  territory?: unknown;
  name?: unknown;
}

export interface InstanceFilter {
  /** Territories to look in (each with the territories inside it); none = everywhere. */
  territories?: string[];
  /** Type ids or codes. */
  types?: (number | string)[];
  ids?: number[];
}

interface Row {
  id: number;
  name: string;
  territory_code: string;
  active: boolean | number;
  is_demo: boolean | number;
  version: number;
  type_code: string;
  type_label: string;
  type_level: InstanceView['level'];
  meeting_count: number | string;
  last_held: string | null;
  next_planned: string | null;
}

@Injectable()
export class InstancesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly territories: TerritoriesService,
    @Optional() @Inject(AUDIT_SINK) private readonly audit?: AuditSink,
  ) {}

  /** Every territory code inside `code` (itself included): a région's instances include its départements'. */
  async within(code: string): Promise<string[]> {
    const all = [...(await this.territories.all()).values()];
    const found = new Set([code]);
    // The tree is shallow (country, région, département, infra levels): a few passes settle it.
    for (let pass = 0; pass < 5; pass++)
      for (const t of all) if (t.parentCode && found.has(t.parentCode)) found.add(t.code);
    return [...found];
  }

  async list(filter: InstanceFilter = {}): Promise<InstanceView[]> {
    const qb = this.dataSource
      .createQueryBuilder()
      .select([
        'i.id AS id',
        'i.name AS name',
        'i.territory_code AS territory_code',
        'i.active AS active',
        'i.is_demo AS is_demo',
        'i.version AS version',
        't.code AS type_code',
        't.label AS type_label',
        't.level AS type_level',
      ])
      .addSelect('(SELECT COUNT(*) FROM meeting m WHERE m.instance_id = i.id)', 'meeting_count')
      .addSelect(
        "(SELECT MAX(m.meeting_date) FROM meeting m WHERE m.instance_id = i.id AND m.status = 'held')",
        'last_held',
      )
      .addSelect(
        "(SELECT MIN(m.meeting_date) FROM meeting m WHERE m.instance_id = i.id AND m.status = 'planned')",
        'next_planned',
      )
      .from(GovernanceInstance, 'i')
      .innerJoin(InstanceType, 't', 't.id = i.type_id')
      .orderBy('i.territory_code')
      .addOrderBy('t.label')
      .addOrderBy('i.name');
    if (filter.territories?.length) {
      const codes = new Set<string>();
      for (const c of filter.territories) for (const w of await this.within(c)) codes.add(w);
      qb.andWhere('i.territory_code IN (:...codes)', { codes: [...codes] });
    }
    if (filter.ids) qb.andWhere('i.id IN (:...ids)', { ids: filter.ids.length ? filter.ids : [0] });
    if (filter.types?.length) {
      const ids = filter.types.filter((t): t is number => typeof t === 'number');
      const codes = filter.types.filter((t): t is string => typeof t === 'string');
      qb.andWhere(
        `(${[ids.length ? 't.id IN (:...typeIds)' : '', codes.length ? 't.code IN (:...tcodes)' : '']
          .filter(Boolean)
          .join(' OR ')})`,
        { typeIds: ids, tcodes: codes },
      );
    }
    const rows = await qb.getRawMany<Row>();
    return Promise.all(rows.map((r) => this.toView(r)));
  }

  async get(id: number): Promise<InstanceView> {
    const found = (await this.list({ ids: [id] }))[0];
    if (!found) throw DomainError.notFound(`Instance introuvable : ${id}.`);
    return found;
  }

  async territoryOf(id: number): Promise<string> {
    const row = await this.dataSource.getRepository(GovernanceInstance).findOneBy({ id });
    if (!row) throw DomainError.notFound(`Instance introuvable : ${id}.`);
    return row.territoryCode;
  }

  async create(input: InstanceInput): Promise<InstanceView> {
    const issues: FieldIssue[] = [];
    const type = await this.resolveType(input.type, issues);
    const territory = await this.checkTerritory(input.territory, type, issues);
    const name = text(input.name, 'name', issues, { required: true, max: 200, what: 'nom' });
    if (type && !type.active)
      issues.push({
        field: 'type',
        message: `le type « ${type.label} » est désactivé : il ne reçoit plus de nouvelle instance`,
      });
    if (issues.length === 0 && type && territory && name) {
      const dup = await this.dataSource
        .getRepository(GovernanceInstance)
        .existsBy({ typeId: type.id, territoryCode: territory, name });
      if (dup)
        issues.push({ field: 'name', message: `une instance « ${name} » existe déjà sur ce territoire` });
    }
    if (issues.length) throw DomainError.validation(issues, "L'instance n'a pas été créée.");
    const now = new Date().toISOString();
    const saved = await this.dataSource.getRepository(GovernanceInstance).save({
      typeId: type!.id,
      territoryCode: territory!,
      name: name!,
      active: true,
      isDemo: false,
      createdAt: now,
      updatedAt: now,
      version: 1,
    });
    const view = await this.get(saved.id);
    await this.audit?.record({
      action: 'création',
      objectType: 'instance',
      objectId: String(view.id),
      after: auditable(view),
      summary: view.name,
    });
    return view;
  }

  /** Renaming or closing an instance; its type and territory stay, since its meetings were held there. */
  async update(
    id: number,
    input: { name?: unknown; active?: unknown; version?: unknown },
  ): Promise<InstanceView> {
    const before = await this.get(id);
    const issues: FieldIssue[] = [];
    const name = text(input.name, 'name', issues, { required: true, max: 200, what: 'nom' });
    if (input.active !== undefined && typeof input.active !== 'boolean')
      issues.push({ field: 'active', message: 'doit être vrai ou faux' });
    const expected = versionOf(input.version, issues);
    if (issues.length) throw DomainError.validation(issues, "L'instance n'a pas été modifiée.");
    const result = await this.dataSource
      .createQueryBuilder()
      .update(GovernanceInstance)
      .set({
        name: name!,
        active: typeof input.active === 'boolean' ? input.active : before.active,
        updatedAt: new Date().toISOString(),
        version: () => 'version + 1',
      })
      .where('id = :id AND version = :version', { id, version: expected })
      .execute();
    if (!result.affected)
      throw new StaleVersionError(
        "Cette instance a été modifiée par quelqu'un d'autre depuis que vous l'avez ouverte : rien n'a été écrasé.",
        await this.get(id),
        expected!,
      );
    const after = await this.get(id);
    await this.audit?.record({
      action: 'modification',
      objectType: 'instance',
      objectId: String(id),
      before: auditable(before),
      after: auditable(after),
      summary: after.name,
    });
    return after;
  }

  /** References of many instances at once (for meeting lists), without their counters. */
  async refs(ids: number[]): Promise<Map<number, InstanceRef>> {
    const out = new Map<number, InstanceRef>();
    if (ids.length === 0) return out;
    const rows = await this.dataSource
      .createQueryBuilder()
      .select([
        'i.id AS id',
        'i.name AS name',
        'i.territory_code AS territory_code',
        't.code AS type_code',
        't.label AS type_label',
      ])
      .from(GovernanceInstance, 'i')
      .innerJoin(InstanceType, 't', 't.id = i.type_id')
      .where('i.id IN (:...ids)', { ids: [...new Set(ids)] })
      .getRawMany<Pick<Row, 'id' | 'name' | 'territory_code' | 'type_code' | 'type_label'>>();
    const all = await this.territories.all();
    for (const r of rows) {
      out.set(Number(r.id), {
        id: Number(r.id),
        name: r.name,
        typeCode: r.type_code,
        typeLabel: r.type_label,
        territory: r.territory_code,
        territoryName: all.get(r.territory_code)?.name ?? r.territory_code,
      });
    }
    return out;
  }

  private async resolveType(value: unknown, issues: FieldIssue[]): Promise<InstanceType | undefined> {
    const repo = this.dataSource.getRepository(InstanceType);
    let found: InstanceType | null = null;
    if (typeof value === 'number' && Number.isInteger(value)) found = await repo.findOneBy({ id: value });
    else if (typeof value === 'string' && /^\d+$/.test(value.trim()))
      found = await repo.findOneBy({ id: Number(value) });
    else if (typeof value === 'string' && value.trim())
      found = await repo.findOneBy({ code: value.trim().toUpperCase() });
    if (!found)
      issues.push({
        field: 'type',
        message:
          value === undefined || value === null || value === ''
            ? "type d'instance obligatoire (identifiant ou code, ex. CDIAE)"
            : `type d'instance inconnu « ${typeof value === 'string' || typeof value === 'number' ? value : JSON.stringify(value)} » (voir /api/v1/instance-types)`,
      });
    return found ?? undefined;
  }

  private async checkTerritory(
    value: unknown,
    type: InstanceType | undefined,
    issues: FieldIssue[],
  ): Promise<string | undefined> {
    const code = typeof value === 'string' ? value.trim() : '';
    const territory = code ? (await this.territories.all()).get(code) : undefined;
    if (!territory) {
      issues.push({
        field: 'territory',
        message: code ? `territoire inconnu « ${code} »` : 'territoire obligatoire (ex. DEP-93, REG-11)',
      });
      return undefined;
    }
    if (type && territory.level !== type.level) {
      issues.push({
        field: 'territory',
        message: `le type « ${type.label} » siège au niveau « ${TERRITORY_LEVEL_LABELS[type.level].toLowerCase()} », or ${territory.name} (${territory.code}) est de niveau « ${TERRITORY_LEVEL_LABELS[territory.level].toLowerCase()} »`,
      });
    }
    return territory.code;
  }

  private async toView(r: Row): Promise<InstanceView> {
    const t = (await this.territories.all()).get(r.territory_code);
    return {
      id: Number(r.id),
      name: r.name,
      typeCode: r.type_code,
      typeLabel: r.type_label,
      level: r.type_level,
      territory: r.territory_code,
      territoryName: t?.name ?? r.territory_code,
      active: Boolean(r.active),
      demo: Boolean(r.is_demo),
      version: Number(r.version),
      meetingCount: Number(r.meeting_count),
      lastHeld: r.last_held,
      nextPlanned: r.next_planned,
    };
  }
}

function auditable(v: InstanceView) {
  return { name: v.name, type: v.typeCode, territory: v.territory, active: v.active };
}
