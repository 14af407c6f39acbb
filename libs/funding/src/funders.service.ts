import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AUDIT_SINK, AuditSink, DomainError, FieldIssue } from '@cap-iae/shared';
import { TerritoriesService } from '@cap-iae/territories';
import {
  Funder,
  FUNDER_KIND_LABELS,
  FunderKind,
  FUNDER_KINDS,
  FundingLine,
  FundingScheme,
} from './funding.entities';
import { FundingReferenceSeeder } from './reference';
import { FunderView, funderView, parseKinds, SchemeView, schemeView } from './views';

export interface FunderInput {
  code: string;
  label: string;
  kind: string;
  territory?: string | null;
}

export interface SchemeInput {
  code: string;
  label: string;
  funderKinds: string[];
  description?: string | null;
}

const CODE_PATTERN = /^[A-Z0-9][A-Z0-9_-]{0,39}$/;
const KIND_LIST = FUNDER_KINDS.map((k) => `${k} (${FUNDER_KIND_LABELS[k]})`).join(', ');

/**
 * The funders and schemes catalogue (reference data, edited by administrators: the controller checks the role).
 * Edits follow the optimistic lock of the rest of the app: a stale `version` is a 409.
 */
@Injectable()
export class FundersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly territories: TerritoriesService,
    private readonly reference: FundingReferenceSeeder,
    @Optional() @Inject(AUDIT_SINK) private readonly audit?: AuditSink,
  ) {}

  async funders(): Promise<FunderView[]> {
    await this.reference.ensure();
    const rows = await this.dataSource.getRepository(Funder).find({ order: { kind: 'ASC', code: 'ASC' } });
    return rows.sort(byKindThenCode).map(funderView);
  }

  async funder(code: string): Promise<FunderView> {
    return funderView(await this.loadFunder(code));
  }

  async schemes(): Promise<SchemeView[]> {
    await this.reference.ensure();
    return (await this.dataSource.getRepository(FundingScheme).find({ order: { id: 'ASC' } })).map(
      schemeView,
    );
  }

  async scheme(code: string): Promise<SchemeView> {
    return schemeView(await this.loadScheme(code));
  }

  async createFunder(input: FunderInput, author: string | null): Promise<FunderView> {
    await this.reference.ensure();
    const issues = await this.funderIssues(input, true);
    if (issues.length) throw DomainError.validation(issues, "Le financeur n'a pas été enregistré.");
    const repo = this.dataSource.getRepository(Funder);
    if (await repo.findOne({ where: { code: input.code } }))
      throw DomainError.conflict(`Un financeur de code « ${input.code} » existe déjà.`);
    const saved = await repo.save(
      repo.create({
        code: input.code,
        label: input.label.trim(),
        kind: input.kind as FunderKind,
        territoryCode: input.territory || null,
        isReference: false,
        updatedBy: author,
        updatedAt: new Date().toISOString(),
        version: 1,
      }),
    );
    const view = funderView(saved);
    await this.audit?.record({
      action: 'création',
      objectType: 'financeur',
      objectId: view.code,
      after: { label: view.label, kind: view.kind, territory: view.territory },
    });
    return view;
  }

  async updateFunder(
    code: string,
    input: Omit<FunderInput, 'code'>,
    version: number,
    author: string | null,
  ): Promise<FunderView> {
    const before = await this.loadFunder(code);
    const issues = await this.funderIssues({ ...input, code }, false);
    if (input.kind !== before.kind && issues.length === 0) {
      const used = await this.dataSource.getRepository(FundingLine).count({ where: { funderId: before.id } });
      if (used > 0)
        issues.push({
          field: 'kind',
          message: `ne peut changer : ${used} ligne(s) de financement relèvent de ce financeur et de dispositifs de son type`,
        });
    }
    if (issues.length) throw DomainError.validation(issues, "Le financeur n'a pas été enregistré.");
    const result = await this.dataSource
      .createQueryBuilder()
      .update(Funder)
      .set({
        label: input.label.trim(),
        kind: input.kind as FunderKind,
        territoryCode: input.territory || null,
        updatedBy: author,
        updatedAt: new Date().toISOString(),
        version: () => 'version + 1',
      })
      .where('id = :id AND version = :version', { id: before.id, version })
      .execute();
    if (!result.affected)
      throw DomainError.conflict(
        `Ce financeur a été modifié par quelqu’un d’autre (version ${before.version}, vous aviez la version ${version}) : rechargez-le.`,
      );
    const after = await this.funder(code);
    await this.audit?.record({
      action: 'modification',
      objectType: 'financeur',
      objectId: code,
      before: { label: before.label, kind: before.kind, territory: before.territoryCode },
      after: { label: after.label, kind: after.kind, territory: after.territory },
    });
    return after;
  }

  async createScheme(input: SchemeInput, author: string | null): Promise<SchemeView> {
    await this.reference.ensure();
    const issues = schemeIssues(input, true);
    if (issues.length) throw DomainError.validation(issues, "Le dispositif n'a pas été enregistré.");
    const repo = this.dataSource.getRepository(FundingScheme);
    if (await repo.findOne({ where: { code: input.code } }))
      throw DomainError.conflict(`Un dispositif de code « ${input.code} » existe déjà.`);
    const saved = await repo.save(
      repo.create({
        code: input.code,
        label: input.label.trim(),
        funderKinds: [...new Set(input.funderKinds)].join(','),
        description: input.description?.trim() || null,
        isReference: false,
        updatedBy: author,
        updatedAt: new Date().toISOString(),
        version: 1,
      }),
    );
    const view = schemeView(saved);
    await this.audit?.record({
      action: 'création',
      objectType: 'dispositif de financement',
      objectId: view.code,
      after: { label: view.label, funderKinds: view.funderKinds },
    });
    return view;
  }

  async updateScheme(
    code: string,
    input: Omit<SchemeInput, 'code'>,
    version: number,
    author: string | null,
  ): Promise<SchemeView> {
    const before = await this.loadScheme(code);
    const issues = schemeIssues({ ...input, code }, false);
    if (issues.length === 0) {
      // A kind still used by lines of this scheme cannot be withdrawn: those lines would break the rule they obey.
      const rows = await this.dataSource
        .getRepository(FundingLine)
        .createQueryBuilder('l')
        .innerJoin('l.funder', 'f')
        .select('DISTINCT f.kind', 'kind')
        .where('l.schemeId = :id', { id: before.id })
        .getRawMany<{ kind: FunderKind }>();
      const missing = rows.map((r) => r.kind).filter((k) => !input.funderKinds.includes(k));
      if (missing.length)
        issues.push({
          field: 'funderKinds',
          message: `doit garder ${missing.map((k) => `« ${FUNDER_KIND_LABELS[k]} »`).join(', ')} : des lignes de financement l’utilisent`,
        });
    }
    if (issues.length) throw DomainError.validation(issues, "Le dispositif n'a pas été enregistré.");
    const result = await this.dataSource
      .createQueryBuilder()
      .update(FundingScheme)
      .set({
        label: input.label.trim(),
        funderKinds: [...new Set(input.funderKinds)].join(','),
        description: input.description?.trim() || null,
        updatedBy: author,
        updatedAt: new Date().toISOString(),
        version: () => 'version + 1',
      })
      .where('id = :id AND version = :version', { id: before.id, version })
      .execute();
    if (!result.affected)
      throw DomainError.conflict(
        `Ce dispositif a été modifié par quelqu’un d’autre (version ${before.version}, vous aviez la version ${version}) : rechargez-le.`,
      );
    const after = await this.scheme(code);
    await this.audit?.record({
      action: 'modification',
      objectType: 'dispositif de financement',
      objectId: code,
      before: { label: before.label, funderKinds: parseKinds(before.funderKinds) },
      after: { label: after.label, funderKinds: after.funderKinds },
    });
    return after;
  }

  private async loadFunder(code: string): Promise<Funder> {
    await this.reference.ensure();
    const f = await this.dataSource.getRepository(Funder).findOne({ where: { code } });
    if (!f) throw DomainError.notFound(`Financeur inconnu : « ${code} ».`);
    return f;
  }

  private async loadScheme(code: string): Promise<FundingScheme> {
    await this.reference.ensure();
    const s = await this.dataSource.getRepository(FundingScheme).findOne({ where: { code } });
    if (!s) throw DomainError.notFound(`Dispositif de financement inconnu : « ${code} ».`);
    return s;
  }

  private async funderIssues(input: FunderInput, creating: boolean): Promise<FieldIssue[]> {
    const issues: FieldIssue[] = [];
    if (creating && !CODE_PATTERN.test(input.code ?? ''))
      issues.push({
        field: 'code',
        message: 'majuscules, chiffres, « - » ou « _ », 40 caractères au plus (ex. CD-59)',
      });
    if (!input.label?.trim()) issues.push({ field: 'label', message: 'le libellé est obligatoire' });
    if (!(FUNDER_KINDS as readonly string[]).includes(input.kind))
      issues.push({ field: 'kind', message: `type inconnu « ${input.kind} » (attendu : ${KIND_LIST})` });
    if (input.territory && !(await this.territories.exists(input.territory)))
      issues.push({
        field: 'territory',
        message: `territoire inconnu « ${input.territory} » (attendu : FR, REG-11, DEP-77…)`,
      });
    if (input.kind === 'departmental_council') {
      const t = input.territory ? (await this.territories.all()).get(input.territory) : undefined;
      // Without its département, nobody could ever own this conseil départemental's lines.
      if (!t || t.level !== 'department')
        issues.push({
          field: 'territory',
          message: 'un conseil départemental doit indiquer son département (ex. DEP-77)',
        });
    }
    return issues;
  }
}

function schemeIssues(input: SchemeInput, creating: boolean): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (creating && !CODE_PATTERN.test(input.code ?? ''))
    issues.push({
      field: 'code',
      message: 'majuscules, chiffres, « - » ou « _ », 40 caractères au plus (ex. FDI)',
    });
  if (!input.label?.trim()) issues.push({ field: 'label', message: 'le libellé est obligatoire' });
  if (!Array.isArray(input.funderKinds) || input.funderKinds.length === 0)
    issues.push({ field: 'funderKinds', message: 'indiquez au moins un type de financeur' });
  else
    for (const k of input.funderKinds)
      if (!(FUNDER_KINDS as readonly string[]).includes(k))
        issues.push({ field: 'funderKinds', message: `type inconnu « ${k} » (attendu : ${KIND_LIST})` });
  return issues;
}

function byKindThenCode(a: Funder, b: Funder): number {
  return FUNDER_KINDS.indexOf(a.kind) - FUNDER_KINDS.indexOf(b.kind) || a.code.localeCompare(b.code);
}
