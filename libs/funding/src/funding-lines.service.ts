import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, SelectQueryBuilder } from 'typeorm';
import {
  AUDIT_SINK,
  AuditSink,
  DomainError,
  FieldIssue,
  isYearInRange,
  MAX_YEAR,
  MIN_YEAR,
} from '@cap-iae/shared';
import { TerritoriesService } from '@cap-iae/territories';
import {
  Funder,
  FUNDER_KIND_LABELS,
  FUNDER_KINDS,
  FUNDING_SIAE_TYPES,
  FundingLine,
  FundingScheme,
} from './funding.entities';
import { FundingReferenceSeeder, REFERENCE_SCHEMES } from './reference';
import { FundingLineView, lineView, parseKinds } from './views';

export interface FundingLineInput {
  /** Funder code (`ETAT`, `CD-77`…). */
  funder: string;
  /** Scheme code (`AIDE_POSTE`, `FDI`…). */
  scheme: string;
  /** A département (`DEP-77`). */
  territory: string;
  year: number;
  /** `ACI`, `AI`, `EI`, `ETTI`, `EITI`; empty or absent: all types. */
  siaeType?: string | null;
  committed: number;
  paid?: number | null;
  etp?: number | null;
  comment?: string | null;
}

export interface FundingLineFilter {
  territories?: string[];
  yearFrom?: number;
  yearTo?: number;
  funder?: string;
  scheme?: string;
}

/**
 * Who writes, as far as this library needs to know. `councilTerritories` is null for a writer who may enter any
 * funder's lines (an administrator); otherwise it lists the départements whose conseil départemental the writer
 * speaks for, and only lines of those funders may be created, changed or deleted. The HTTP layer fills it in from
 * the caller's roles; the policy table alone cannot say it, because it is about the line's funder, not its territory.
 */
export interface FundingEditor {
  login: string | null;
  councilTerritories: readonly string[] | null;
}

/** A stale edit: the line as it is now, and what the caller tried to write, so that nothing typed is lost. */
export class FundingLineConflictError extends DomainError {
  constructor(
    message: string,
    readonly current: FundingLineView | null,
    readonly submitted: (FundingLineInput & { version: number }) | { version: number },
  ) {
    super('CONFLICT', message);
  }
}

const MAX_AMOUNT = 1e11;
const MAX_ETP = 1e6;
const MAX_COMMENT = 2000;

@Injectable()
export class FundingLinesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly territories: TerritoriesService,
    private readonly reference: FundingReferenceSeeder,
    @Optional() @Inject(AUDIT_SINK) private readonly audit?: AuditSink,
  ) {}

  async list(filter: FundingLineFilter): Promise<FundingLineView[]> {
    await this.reference.ensure();
    const qb = this.query();
    if (filter.territories) {
      if (filter.territories.length === 0) return [];
      qb.andWhere('l.territoryCode IN (:...territories)', { territories: filter.territories });
    }
    if (filter.yearFrom !== undefined) qb.andWhere('l.year >= :yf', { yf: filter.yearFrom });
    if (filter.yearTo !== undefined) qb.andWhere('l.year <= :yt', { yt: filter.yearTo });
    if (filter.funder) qb.andWhere('f.code = :funder', { funder: filter.funder });
    if (filter.scheme) qb.andWhere('s.code = :scheme', { scheme: filter.scheme });
    // Sorted as a conférence reads: by territory and year, the State first, then schemes in their usual order.
    return (await qb.getMany()).map(lineView).sort(byReadingOrder);
  }

  /** Latest year with lines in this territory, to open the conférence on recent years; undefined when none. */
  async latestYear(territory: string): Promise<number | undefined> {
    await this.reference.ensure();
    const row = await this.dataSource
      .getRepository(FundingLine)
      .createQueryBuilder('l')
      .select('MAX(l.year)', 'year')
      .where('l.territoryCode = :territory', { territory })
      .getRawOne<{ year: number | string | null }>();
    return row?.year === null || row?.year === undefined ? undefined : Number(row.year);
  }

  async get(id: number): Promise<FundingLineView> {
    return lineView(await this.load(id));
  }

  /** Where a line is: the controller checks the caller's rights on it before anything else. */
  async territoryOf(id: number): Promise<string> {
    return (await this.load(id)).territoryCode;
  }

  /** Whether this editor may change this line (pages show edit controls only where it is true). */
  canEdit(line: Pick<FundingLineView, 'funderKind' | 'funderTerritory'>, editor: FundingEditor): boolean {
    return (
      editor.councilTerritories === null ||
      (line.funderKind === 'departmental_council' &&
        line.funderTerritory !== null &&
        editor.councilTerritories.includes(line.funderTerritory))
    );
  }

  async create(input: FundingLineInput, editor: FundingEditor): Promise<FundingLineView> {
    await this.reference.ensure();
    const { funder, scheme, row } = await this.validate(input);
    this.assertOwn(funder, editor);
    await this.assertKeyFree(funder, scheme, row);
    const now = new Date().toISOString();
    const repo = this.dataSource.getRepository(FundingLine);
    let saved: FundingLine;
    try {
      saved = await repo.save(
        repo.create({
          ...row,
          funderId: funder.id,
          schemeId: scheme.id,
          isDemo: false,
          createdBy: editor.login,
          createdAt: now,
          updatedBy: editor.login,
          updatedAt: now,
          version: 1,
        }),
      );
    } catch (e) {
      // Two people creating the same line at the same moment: the unique key answers for the second.
      await this.assertKeyFree(funder, scheme, row);
      throw e;
    }
    const view = await this.get(saved.id);
    await this.audit?.record({
      action: 'création',
      objectType: 'ligne de financement',
      objectId: String(view.id),
      after: auditable(view),
    });
    return view;
  }

  async update(
    id: number,
    input: FundingLineInput,
    version: number,
    editor: FundingEditor,
  ): Promise<FundingLineView> {
    await this.reference.ensure();
    const before = await this.load(id);
    // The line as it stands must be the editor's before anything about the new content is said.
    this.assertOwn(before.funder!, editor);
    const { funder, scheme, row } = await this.validate(input);
    this.assertOwn(funder, editor);
    await this.assertKeyFree(funder, scheme, row, id);
    const result = await this.dataSource
      .createQueryBuilder()
      .update(FundingLine)
      .set({
        ...row,
        funderId: funder.id,
        schemeId: scheme.id,
        updatedBy: editor.login,
        updatedAt: new Date().toISOString(),
        version: () => 'version + 1',
      })
      .where('id = :id AND version = :version', { id, version })
      .execute();
    if (!result.affected) {
      const current = await this.find(id);
      throw new FundingLineConflictError(
        current
          ? `Cette ligne a été modifiée par ${current.updatedBy ?? 'quelqu’un d’autre'} depuis que vous l’avez ouverte (version ${current.version}, vous aviez la version ${version}) : comparez les deux versions avant d’enregistrer à nouveau.`
          : 'Cette ligne a été supprimée depuis que vous l’avez ouverte.',
        current,
        { ...input, version },
      );
    }
    const after = await this.get(id);
    await this.audit?.record({
      action: 'modification',
      objectType: 'ligne de financement',
      objectId: String(id),
      before: auditable(lineView(before)),
      after: auditable(after),
    });
    return after;
  }

  /** Deletes a line; with a `version`, only if nobody changed it since it was read. */
  async remove(id: number, editor: FundingEditor, version?: number): Promise<void> {
    await this.reference.ensure();
    const before = await this.load(id);
    this.assertOwn(before.funder!, editor);
    const qb = this.dataSource.createQueryBuilder().delete().from(FundingLine).where('id = :id', { id });
    if (version !== undefined) qb.andWhere('version = :version', { version });
    const result = await qb.execute();
    if (!result.affected) {
      const current = await this.find(id);
      throw new FundingLineConflictError(
        `Cette ligne a été modifiée depuis que vous l’avez ouverte (version ${current?.version ?? '?'}, vous aviez la version ${version}) : elle n’a pas été supprimée.`,
        current,
        { version: version ?? 0 },
      );
    }
    await this.audit?.record({
      action: 'suppression',
      objectType: 'ligne de financement',
      objectId: String(id),
      before: auditable(lineView(before)),
    });
  }

  private query(): SelectQueryBuilder<FundingLine> {
    return this.dataSource
      .getRepository(FundingLine)
      .createQueryBuilder('l')
      .innerJoinAndSelect('l.funder', 'f')
      .innerJoinAndSelect('l.scheme', 's');
  }

  private async find(id: number): Promise<FundingLineView | null> {
    const line = await this.query().where('l.id = :id', { id }).getOne();
    return line ? lineView(line) : null;
  }

  private async load(id: number): Promise<FundingLine> {
    await this.reference.ensure();
    const line = await this.query().where('l.id = :id', { id }).getOne();
    if (!line) throw DomainError.notFound(`Ligne de financement introuvable (n° ${id}).`);
    return line;
  }

  private assertOwn(funder: Funder, editor: FundingEditor): void {
    if (editor.councilTerritories === null) return;
    if (
      funder.kind === 'departmental_council' &&
      funder.territoryCode &&
      editor.councilTerritories.includes(funder.territoryCode)
    )
      return;
    throw new DomainError(
      'FORBIDDEN',
      `Un conseil départemental ne saisit que ses propres lignes de financement : celle-ci relève de « ${funder.label} ».`,
    );
  }

  private async assertKeyFree(
    funder: Funder,
    scheme: FundingScheme,
    row: { territoryCode: string; year: number; siaeType: string },
    exceptId?: number,
  ): Promise<void> {
    const existing = await this.dataSource.getRepository(FundingLine).findOne({
      where: {
        funderId: funder.id,
        schemeId: scheme.id,
        territoryCode: row.territoryCode,
        year: row.year,
        siaeType: row.siaeType,
      },
    });
    if (existing && existing.id !== exceptId)
      throw DomainError.conflict(
        `Une ligne existe déjà pour « ${funder.label} », « ${scheme.label} », ${row.territoryCode}, ${row.year} et ${row.siaeType || 'tous types de SIAE'} (ligne n° ${existing.id}) : modifiez-la plutôt.`,
      );
  }

  /** Every problem of the input at once, in French, named by the API's field names. */
  private async validate(input: FundingLineInput): Promise<{
    funder: Funder;
    scheme: FundingScheme;
    row: Pick<
      FundingLine,
      'territoryCode' | 'year' | 'siaeType' | 'amountCommitted' | 'amountPaid' | 'etp' | 'comment'
    >;
  }> {
    const issues: FieldIssue[] = [];
    const funder = input.funder
      ? await this.dataSource.getRepository(Funder).findOne({ where: { code: input.funder } })
      : null;
    if (!input.funder) issues.push({ field: 'funder', message: 'choisissez un financeur' });
    else if (!funder) issues.push({ field: 'funder', message: `financeur inconnu « ${input.funder} »` });
    const scheme = input.scheme
      ? await this.dataSource.getRepository(FundingScheme).findOne({ where: { code: input.scheme } })
      : null;
    if (!input.scheme) issues.push({ field: 'scheme', message: 'choisissez un dispositif' });
    else if (!scheme) issues.push({ field: 'scheme', message: `dispositif inconnu « ${input.scheme} »` });
    if (funder && scheme && !parseKinds(scheme.funderKinds).includes(funder.kind))
      issues.push({
        field: 'scheme',
        message: `le dispositif « ${scheme.label} » ne relève pas d’un financeur de type « ${FUNDER_KIND_LABELS[funder.kind]} »`,
      });
    const territory = input.territory ? (await this.territories.all()).get(input.territory) : undefined;
    if (!territory || territory.level !== 'department')
      issues.push({
        field: 'territory',
        message: input.territory
          ? `« ${input.territory} » n’est pas un département connu (ex. DEP-77)`
          : 'choisissez un département',
      });
    if (!Number.isInteger(input.year) || !isYearInRange(input.year))
      issues.push({ field: 'year', message: `doit être une année entre ${MIN_YEAR} et ${MAX_YEAR}` });
    const siaeType = input.siaeType ?? '';
    if (siaeType !== '' && !(FUNDING_SIAE_TYPES as readonly string[]).includes(siaeType))
      issues.push({
        field: 'siaeType',
        message: `type de SIAE inconnu « ${siaeType} » (attendu : ${FUNDING_SIAE_TYPES.join(', ')}, ou vide pour tous types)`,
      });
    amountIssue(issues, 'committed', input.committed, true, MAX_AMOUNT, 'le montant engagé');
    amountIssue(issues, 'paid', input.paid, false, MAX_AMOUNT, 'le montant versé');
    amountIssue(issues, 'etp', input.etp, false, MAX_ETP, 'le nombre d’ETP');
    if (input.comment && input.comment.length > MAX_COMMENT)
      issues.push({ field: 'comment', message: `${MAX_COMMENT} caractères au plus` });
    if (issues.length)
      throw DomainError.validation(issues, "La ligne de financement n'a pas été enregistrée.");
    return {
      funder: funder!,
      scheme: scheme!,
      row: {
        territoryCode: input.territory,
        year: input.year,
        siaeType,
        amountCommitted: input.committed,
        amountPaid: input.paid ?? null,
        etp: input.etp ?? null,
        comment: input.comment?.trim() || null,
      },
    };
  }
}

const SCHEME_ORDER = REFERENCE_SCHEMES.map((s) => s.code);
const TYPE_ORDER = ['', ...FUNDING_SIAE_TYPES];

function byReadingOrder(a: FundingLineView, b: FundingLineView): number {
  const scheme = (code: string) =>
    SCHEME_ORDER.includes(code) ? SCHEME_ORDER.indexOf(code) : SCHEME_ORDER.length;
  return (
    a.territory.localeCompare(b.territory) ||
    a.year - b.year ||
    FUNDER_KINDS.indexOf(a.funderKind) - FUNDER_KINDS.indexOf(b.funderKind) ||
    a.funderLabel.localeCompare(b.funderLabel, 'fr') ||
    scheme(a.scheme) - scheme(b.scheme) ||
    a.schemeLabel.localeCompare(b.schemeLabel, 'fr') ||
    TYPE_ORDER.indexOf(a.siaeType ?? '') - TYPE_ORDER.indexOf(b.siaeType ?? '')
  );
}

function amountIssue(
  issues: FieldIssue[],
  field: string,
  value: number | null | undefined,
  required: boolean,
  max: number,
  what: string,
): void {
  if (value === null || value === undefined) {
    if (required) issues.push({ field, message: `${what} est obligatoire` });
    return;
  }
  if (typeof value !== 'number' || !Number.isFinite(value))
    issues.push({ field, message: 'nombre attendu (ex. 1 234,5)' });
  else if (value < 0) issues.push({ field, message: `${what} doit être positif ou nul` });
  else if (value > max) issues.push({ field, message: `${what} est trop grand` });
}

function auditable(v: FundingLineView) {
  return {
    funder: v.funder,
    scheme: v.scheme,
    territory: v.territory,
    year: v.year,
    siaeType: v.siaeType,
    committed: v.committed,
    paid: v.paid,
    etp: v.etp,
    comment: v.comment,
    version: v.version,
  };
}
