import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AUDIT_SINK, AuditSink, DomainError, FieldIssue } from '@cap-iae/shared';
import { INSTANCE_LEVEL_LABELS, INSTANCE_LEVELS, LIMITS } from './governance.constants';
import { GovernanceInstance, InstanceType } from './governance.entities';
import { instanceTypeView, InstanceTypeView, StaleVersionError } from './governance.views';
import { oneOf, text, version as versionOf } from './input-checks';

export interface InstanceTypeInput {
  code?: unknown;
  label?: unknown;
  level?: unknown;
  description?: unknown;
  active?: unknown;
}

const CODE_PATTERN = /^[A-Z][A-Z0-9_-]{1,39}$/;

/**
 * Types of instances are data: the Pacte d'ambition already plans to replace CDIAE and CTA, and an administrator must
 * be able to add « comité territorial de l'inclusion dans l'emploi » without a new release.
 */
@Injectable()
export class InstanceTypesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Optional() @Inject(AUDIT_SINK) private readonly audit?: AuditSink,
  ) {}

  private get repo() {
    return this.dataSource.getRepository(InstanceType);
  }

  async list(filter: { activeOnly?: boolean } = {}): Promise<InstanceTypeView[]> {
    const rows = await this.repo.find({
      where: filter.activeOnly ? { active: true } : {},
      order: { label: 'ASC' },
    });
    return rows.map(instanceTypeView);
  }

  async get(id: number): Promise<InstanceTypeView> {
    const row = await this.repo.findOneBy({ id });
    if (!row) throw DomainError.notFound(`Type d'instance introuvable : ${id}.`);
    return instanceTypeView(row);
  }

  async getByCode(code: string): Promise<InstanceTypeView | undefined> {
    const row = await this.repo.findOneBy({ code });
    return row ? instanceTypeView(row) : undefined;
  }

  async create(input: InstanceTypeInput): Promise<InstanceTypeView> {
    const issues: FieldIssue[] = [];
    const code = typeof input.code === 'string' ? input.code.trim().toUpperCase() : '';
    if (!CODE_PATTERN.test(code))
      issues.push({
        field: 'code',
        message:
          'code obligatoire : 2 à 40 caractères, lettres majuscules, chiffres, « _ » ou « - », commençant par une lettre (ex. CTIE_93)',
      });
    const fields = this.fields(input, issues);
    if (CODE_PATTERN.test(code) && (await this.repo.existsBy({ code })))
      issues.push({ field: 'code', message: `le code « ${code} » est déjà utilisé` });
    if (issues.length) throw DomainError.validation(issues, "Le type d'instance n'a pas été créé.");
    const now = new Date().toISOString();
    const saved = await this.repo.save(
      this.repo.create({
        code,
        label: fields.label!,
        level: fields.level!,
        description: fields.description,
        active: fields.active ?? true,
        createdAt: now,
        updatedAt: now,
        version: 1,
      }),
    );
    const view = instanceTypeView(saved);
    await this.audit?.record({
      action: 'création',
      objectType: "type d'instance",
      objectId: String(view.id),
      after: auditable(view),
      summary: view.code,
    });
    return view;
  }

  /** The code is fixed: bilans and exports select instances by it. Fields left out keep their value. */
  async update(id: number, input: InstanceTypeInput & { version?: unknown }): Promise<InstanceTypeView> {
    const before = await this.get(id);
    const issues: FieldIssue[] = [];
    if (input.code !== undefined && input.code !== before.code)
      issues.push({ field: 'code', message: 'le code ne peut pas changer après la création' });
    const fields = this.fields(
      {
        label: input.label ?? before.label,
        level: input.level ?? before.level,
        description: input.description === undefined ? before.description : input.description,
        active: input.active,
      },
      issues,
    );
    const expected = versionOf(input.version, issues);
    if (fields.level && fields.level !== before.level) {
      const used = await this.dataSource.getRepository(GovernanceInstance).countBy({ typeId: id });
      if (used > 0)
        issues.push({
          field: 'level',
          message: `${used} instance(s) de ce type existent : leur niveau territorial ne peut plus changer`,
        });
    }
    if (issues.length) throw DomainError.validation(issues, "Le type d'instance n'a pas été modifié.");
    const result = await this.repo
      .createQueryBuilder()
      .update(InstanceType)
      .set({
        label: fields.label!,
        level: fields.level!,
        description: fields.description,
        active: fields.active ?? before.active,
        updatedAt: new Date().toISOString(),
        version: () => 'version + 1',
      })
      .where('id = :id AND version = :version', { id, version: expected })
      .execute();
    if (!result.affected) {
      throw new StaleVersionError(
        "Ce type d'instance a été modifié par quelqu'un d'autre depuis que vous l'avez ouvert : rien n'a été écrasé.",
        await this.get(id),
        expected!,
      );
    }
    const after = await this.get(id);
    await this.audit?.record({
      action: 'modification',
      objectType: "type d'instance",
      objectId: String(id),
      before: auditable(before),
      after: auditable(after),
      summary: after.code,
    });
    return after;
  }

  private fields(input: InstanceTypeInput, issues: FieldIssue[]) {
    const label = text(input.label, 'label', issues, { required: true, max: 200, what: 'libellé' });
    const level =
      input.level === undefined
        ? (issues.push({
            field: 'level',
            message: `niveau territorial obligatoire (attendu : ${INSTANCE_LEVELS.join(', ')})`,
          }),
          undefined)
        : oneOf(input.level, INSTANCE_LEVELS, INSTANCE_LEVEL_LABELS, 'level', issues);
    const description = text(input.description, 'description', issues, { max: LIMITS.description });
    let active: boolean | undefined;
    if (input.active !== undefined) {
      if (typeof input.active === 'boolean') active = input.active;
      else issues.push({ field: 'active', message: 'doit être vrai ou faux' });
    }
    return { label, level, description, active };
  }
}

function auditable(v: InstanceTypeView) {
  return { code: v.code, label: v.label, level: v.level, description: v.description, active: v.active };
}
