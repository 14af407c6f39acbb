import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { Territory } from '@cap-iae/territories';

/**
 * Kinds of funders met at a conférence des financeurs. A kind is what schemes are attached to (the aide au poste is
 * the State's, the gamme UP the Région's), and what tells a conseil départemental's own lines apart.
 */
export const FUNDER_KINDS = [
  'state',
  'region',
  'departmental_council',
  'esf',
  'municipal',
  'employment_service',
  'other',
] as const;
export type FunderKind = (typeof FUNDER_KINDS)[number];

export const FUNDER_KIND_LABELS: Record<FunderKind, string> = {
  state: 'État',
  region: 'Région',
  departmental_council: 'Conseil départemental',
  esf: 'FSE',
  municipal: 'EPT et communes',
  employment_service: 'France Travail',
  other: 'Autre',
};

/** SIAE types a line may be restricted to; the empty string means « tous types » (the line is not split by type). */
export const FUNDING_SIAE_TYPES = ['ACI', 'AI', 'EI', 'ETTI', 'EITI'] as const;
export type FundingSiaeType = (typeof FUNDING_SIAE_TYPES)[number];

/** A body that pays: the State, the Région, a conseil départemental, the FSE, the bloc communal, France Travail… */
@Entity({ name: 'funder' })
@Unique('uq_funder_code', ['code'])
@Index('ix_funder_territory', ['territoryCode'])
export class Funder {
  @PrimaryGeneratedColumn()
  id!: number;

  /** Stable code used by the API and the imports (`ETAT`, `CD-77`…). */
  @Column({ type: 'varchar', length: 40 })
  code!: string;

  @Column({ type: 'varchar', length: 200 })
  label!: string;

  @Column({ type: 'varchar', length: 30 })
  kind!: FunderKind;

  /**
   * The territory the funder acts for (`FR` for the State, `REG-11` for the Région, `DEP-77` for the conseil
   * départemental of Seine-et-Marne). For a conseil départemental it is what makes a line « its own ».
   */
  @Column({ name: 'territory_code', type: 'varchar', length: 20, nullable: true })
  territoryCode!: string | null;

  @ManyToOne(() => Territory, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'territory_code' })
  territory?: Territory | null;

  /** Seeded by the application (reference data) rather than created by an administrator. */
  @Column({ name: 'is_reference', type: 'boolean', default: false })
  isReference!: boolean;

  @Column({ name: 'updated_by', type: 'varchar', length: 120, nullable: true })
  updatedBy!: string | null;

  /** ISO 8601 instant (ADR 002). */
  @Column({ name: 'updated_at', type: 'varchar', length: 30 })
  updatedAt!: string;

  @Column({ type: 'integer', default: 1 })
  version!: number;
}

/** A funding scheme (dispositif): aide au poste, FDI, gamme UP… and the funder kinds that may use it. */
@Entity({ name: 'funding_scheme' })
@Unique('uq_funding_scheme_code', ['code'])
export class FundingScheme {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 40 })
  code!: string;

  @Column({ type: 'varchar', length: 200 })
  label!: string;

  /** Funder kinds this scheme belongs to, comma-separated (`state,region`): a short closed list, read whole. */
  @Column({ name: 'funder_kinds', type: 'varchar', length: 200 })
  funderKinds!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ name: 'is_reference', type: 'boolean', default: false })
  isReference!: boolean;

  @Column({ name: 'updated_by', type: 'varchar', length: 120, nullable: true })
  updatedBy!: string | null;

  @Column({ name: 'updated_at', type: 'varchar', length: 30 })
  updatedAt!: string;

  @Column({ type: 'integer', default: 1 })
  version!: number;
}

/**
 * One row of the conférence des financeurs table: what a funder commits and pays through a scheme, in a département,
 * for a year and an SIAE type (or all types), and how many ETP that pays for.
 */
@Entity({ name: 'funding_line' })
@Unique('uq_funding_line_key', ['funderId', 'schemeId', 'territoryCode', 'year', 'siaeType'])
@Index('ix_funding_line_territory_year', ['territoryCode', 'year'])
export class FundingLine {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'funder_id', type: 'integer' })
  funderId!: number;

  @ManyToOne(() => Funder, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'funder_id' })
  funder?: Funder;

  @Column({ name: 'scheme_id', type: 'integer' })
  schemeId!: number;

  @ManyToOne(() => FundingScheme, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'scheme_id' })
  scheme?: FundingScheme;

  @Column({ name: 'territory_code', type: 'varchar', length: 20 })
  territoryCode!: string;

  @ManyToOne(() => Territory, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'territory_code' })
  territory?: Territory;

  @Column({ type: 'integer' })
  year!: number;

  /** `ACI`, `AI`, `EI`, `ETTI`, `EITI`, or '' for all types (part of the natural key, hence not null). */
  @Column({ name: 'siae_type', type: 'varchar', length: 10, default: '' })
  siaeType!: string;

  /** Montant engagé, in euros. */
  @Column({ name: 'amount_committed', type: 'double precision' })
  amountCommitted!: number;

  /** Montant versé, in euros; null while nothing is known (a commitment of the current year). */
  @Column({ name: 'amount_paid', type: 'double precision', nullable: true })
  amountPaid!: number | null;

  /** ETP financés; null when the scheme does not pay per post (FDI, training). */
  @Column({ type: 'double precision', nullable: true })
  etp!: number | null;

  @Column({ type: 'text', nullable: true })
  comment!: string | null;

  @Column({ name: 'is_demo', type: 'boolean', default: false })
  isDemo!: boolean;

  @Column({ name: 'created_by', type: 'varchar', length: 120, nullable: true })
  createdBy!: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;

  @Column({ name: 'updated_by', type: 'varchar', length: 120, nullable: true })
  updatedBy!: string | null;

  @Column({ name: 'updated_at', type: 'varchar', length: 30 })
  updatedAt!: string;

  @Column({ type: 'integer', default: 1 })
  version!: number;
}
