import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { Territory } from '@cap-iae/territories';
import type { DecisionKind, InstanceLevel, MeetingStatus, TargetType } from './governance.constants';

/** A kind of steering body (COR-IAE, CDIAE, comité territorial de l'inclusion…): data an administrator adds. */
@Entity({ name: 'instance_type' })
@Unique('uq_instance_type_code', ['code'])
export class InstanceType {
  @PrimaryGeneratedColumn()
  id!: number;

  /** Stable key bilans select by (`CDIAE`); fixed at creation. */
  @Column({ type: 'varchar', length: 40 })
  code!: string;

  @Column({ type: 'varchar', length: 200 })
  label!: string;

  @Column({ type: 'varchar', length: 20 })
  level!: InstanceLevel;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  /** An inactive type keeps its instances and history but takes no new instance. */
  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 30 })
  updatedAt!: string;

  @Column({ type: 'integer', default: 1 })
  version!: number;
}

/** One body on one territory: « CDIAE de la Seine-Saint-Denis ». */
@Entity({ name: 'instance' })
@Unique('uq_instance_type_territory_name', ['typeId', 'territoryCode', 'name'])
@Index('ix_instance_territory', ['territoryCode'])
export class GovernanceInstance {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'type_id', type: 'integer' })
  typeId!: number;

  @ManyToOne(() => InstanceType, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'type_id' })
  type?: InstanceType;

  @Column({ name: 'territory_code', type: 'varchar', length: 20 })
  territoryCode!: string;

  @ManyToOne(() => Territory, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'territory_code' })
  territory?: Territory;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @Column({ name: 'is_demo', type: 'boolean', default: false })
  isDemo!: boolean;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 30 })
  updatedAt!: string;

  @Column({ type: 'integer', default: 1 })
  version!: number;
}

/** A participant as written on the attendance sheet: free text, not an account of the app. */
export interface Participant {
  name: string;
  organisation: string | null;
  role: string | null;
}

export interface AgendaItem {
  title: string;
  presenter: string | null;
}

/**
 * A meeting of an instance. Participants and agenda are stored as JSON text: they are read and written with their
 * meeting, never queried on their own, and one column keeps their order without a position table.
 */
@Entity({ name: 'meeting' })
@Index('ix_meeting_instance_date', ['instanceId', 'meetingDate'])
@Index('ix_meeting_date', ['meetingDate'])
export class Meeting {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'instance_id', type: 'integer' })
  instanceId!: number;

  @ManyToOne(() => GovernanceInstance, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'instance_id' })
  instance?: GovernanceInstance;

  /** ISO date `YYYY-MM-DD` (ADR 002: dates as text, so they sort and compare as strings). */
  @Column({ name: 'meeting_date', type: 'varchar', length: 10 })
  meetingDate!: string;

  @Column({ type: 'varchar', length: 300 })
  title!: string;

  @Column({ type: 'varchar', length: 12 })
  status!: MeetingStatus;

  /** JSON list of `Participant`. */
  @Column({ type: 'text' })
  participants!: string;

  /** JSON list of `AgendaItem`, in order. */
  @Column({ type: 'text' })
  agenda!: string;

  /** Compte rendu. */
  @Column({ type: 'text', nullable: true })
  minutes!: string | null;

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

  /** Optimistic lock: two secretaries editing the same compte rendu must not overwrite each other silently. */
  @Column({ type: 'integer', default: 1 })
  version!: number;
}

/** A décision or an avis given in a meeting. */
@Entity({ name: 'decision' })
@Index('ix_decision_meeting', ['meetingId', 'position'])
export class Decision {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'meeting_id', type: 'integer' })
  meetingId!: number;

  @ManyToOne(() => Meeting, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'meeting_id' })
  meeting?: Meeting;

  /** Order within the meeting, as in the compte rendu. */
  @Column({ type: 'integer' })
  position!: number;

  @Column({ type: 'varchar', length: 30 })
  kind!: DecisionKind;

  @Column({ type: 'text' })
  text!: string;

  @Column({ name: 'is_demo', type: 'boolean', default: false })
  isDemo!: boolean;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 30 })
  updatedAt!: string;

  @Column({ type: 'integer', default: 1 })
  version!: number;
}

/**
 * What a decision is about. No foreign key on `target_ref`: it points into other libraries (plan actions, plans,
 * objectives) or outside the app (a SIRET); the label is a snapshot taken when the link was made.
 */
@Entity({ name: 'decision_target' })
@Unique('uq_decision_target', ['decisionId', 'targetType', 'targetRef'])
@Index('ix_decision_target_ref', ['targetType', 'targetRef'])
export class DecisionTarget {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'decision_id', type: 'integer' })
  decisionId!: number;

  @ManyToOne(() => Decision, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'decision_id' })
  decision?: Decision;

  @Column({ name: 'target_type', type: 'varchar', length: 12 })
  targetType!: TargetType;

  @Column({ name: 'target_ref', type: 'varchar', length: 40 })
  targetRef!: string;

  @Column({ name: 'target_label', type: 'varchar', length: 400 })
  targetLabel!: string;
}
