import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  OneToMany,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { Territory } from '@cap-iae/territories';
import { Objective, Strategy } from '@cap-iae/strategy';
import type { ActionStatus, PlanStatus } from './plan-model';

/**
 * A plan d'actions départemental: how one département declines one regional strategy for one year. Its content is
 * edited while it is a draft; every saved state is kept in `action_plan_version`.
 */
@Entity({ name: 'action_plan' })
@Unique('uq_action_plan_key', ['departmentCode', 'strategyId', 'year'])
@Index('ix_action_plan_strategy_year', ['strategyId', 'year'])
export class ActionPlan {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'department_code', type: 'varchar', length: 20 })
  departmentCode!: string;

  @ManyToOne(() => Territory, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'department_code' })
  department?: Territory;

  @Column({ name: 'strategy_id', type: 'integer' })
  strategyId!: number;

  @ManyToOne(() => Strategy, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'strategy_id' })
  strategy?: Strategy;

  @Column({ type: 'integer' })
  year!: number;

  @Column({ type: 'varchar', length: 20 })
  status!: PlanStatus;

  /** Free presentation of the plan (context, priorities of the year). */
  @Column({ type: 'text', nullable: true })
  summary!: string | null;

  /** Date of the CDIAE's avis (`YYYY-MM-DD`), recorded by an administrator when the plan is validated. */
  @Column({ name: 'avis_date', type: 'varchar', length: 10, nullable: true })
  avisDate!: string | null;

  @Column({ name: 'avis_comment', type: 'text', nullable: true })
  avisComment!: string | null;

  @Column({ name: 'submitted_at', type: 'varchar', length: 30, nullable: true })
  submittedAt!: string | null;

  @Column({ name: 'submitted_by', type: 'varchar', length: 120, nullable: true })
  submittedBy!: string | null;

  @Column({ name: 'validated_at', type: 'varchar', length: 30, nullable: true })
  validatedAt!: string | null;

  @Column({ name: 'validated_by', type: 'varchar', length: 120, nullable: true })
  validatedBy!: string | null;

  @Column({ name: 'closed_at', type: 'varchar', length: 30, nullable: true })
  closedAt!: string | null;

  @Column({ name: 'closed_by', type: 'varchar', length: 120, nullable: true })
  closedBy!: string | null;

  /** The plan of the previous year this one started from (« partir du plan de l'an dernier »). */
  @Column({ name: 'copied_from_plan_id', type: 'integer', nullable: true })
  copiedFromPlanId!: number | null;

  @ManyToOne(() => ActionPlan, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'copied_from_plan_id' })
  copiedFromPlan?: ActionPlan | null;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;

  @Column({ name: 'created_by', type: 'varchar', length: 120 })
  createdBy!: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 30 })
  updatedAt!: string;

  @Column({ name: 'updated_by', type: 'varchar', length: 120 })
  updatedBy!: string;

  /** Optimistic lock of the plan's own fields and status (a stale edit or transition is a 409). */
  @Column({ type: 'integer', default: 1 })
  version!: number;

  /**
   * Number of the latest saved state (one `action_plan_version` row each). Bumped first by every write to the plan
   * or its actions: on PostgreSQL this row lock serialises the writes of one plan, so snapshots never interleave.
   */
  @Column({ type: 'integer', default: 0 })
  revision!: number;

  @Column({ name: 'is_demo', type: 'boolean', default: false })
  isDemo!: boolean;

  @OneToMany(() => PlanAction, (a) => a.plan)
  actions?: PlanAction[];
}

@Entity({ name: 'plan_action' })
@Index('ix_plan_action_plan', ['planId', 'position'])
export class PlanAction {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'plan_id', type: 'integer' })
  planId!: number;

  @ManyToOne(() => ActionPlan, (p) => p.actions, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'plan_id' })
  plan?: ActionPlan;

  /** Order of the actions in the plan (and in its exports). */
  @Column({ type: 'integer' })
  position!: number;

  @Column({ type: 'varchar', length: 300 })
  title!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  /** Pilots need not be users of Cap IAE: an organisation and/or a person, as free text. */
  @Column({ name: 'pilot_organisation', type: 'varchar', length: 200, nullable: true })
  pilotOrganisation!: string | null;

  @Column({ name: 'pilot_person', type: 'varchar', length: 200, nullable: true })
  pilotPerson!: string | null;

  /** JSON list of partner names. */
  @Column({ type: 'simple-json' })
  partners!: string[];

  @Column({ name: 'start_date', type: 'varchar', length: 10, nullable: true })
  startDate!: string | null;

  @Column({ name: 'due_date', type: 'varchar', length: 10, nullable: true })
  dueDate!: string | null;

  @Column({ name: 'end_date', type: 'varchar', length: 10, nullable: true })
  endDate!: string | null;

  @Column({ type: 'varchar', length: 20 })
  status!: ActionStatus;

  /** 0 to 100 %. */
  @Column({ type: 'integer', default: 0 })
  progress!: number;

  /** The action of the previous year's plan this one continues. */
  @Column({ name: 'copied_from_action_id', type: 'integer', nullable: true })
  copiedFromActionId!: number | null;

  @ManyToOne(() => PlanAction, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'copied_from_action_id' })
  copiedFromAction?: PlanAction | null;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;

  @Column({ name: 'created_by', type: 'varchar', length: 120 })
  createdBy!: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 30 })
  updatedAt!: string;

  @Column({ name: 'updated_by', type: 'varchar', length: 120 })
  updatedBy!: string;

  /** Optimistic lock: two people saving the same action, the second gets a 409 showing both versions. */
  @Column({ type: 'integer', default: 1 })
  version!: number;

  @Column({ name: 'is_demo', type: 'boolean', default: false })
  isDemo!: boolean;

  @OneToMany(() => PlanActionObjective, (l) => l.action)
  objectiveLinks?: PlanActionObjective[];

  @OneToMany(() => PlanActionIndicator, (l) => l.action)
  indicatorLinks?: PlanActionIndicator[];

  @OneToMany(() => PlanActionBudget, (b) => b.action)
  budgets?: PlanActionBudget[];

  @OneToMany(() => PlanActionNote, (n) => n.action)
  notes?: PlanActionNote[];
}

/** Regional objectives an action serves: objectives of the plan's strategy only (checked by the service). */
@Entity({ name: 'plan_action_objective' })
@Index('ix_plan_action_objective_objective', ['objectiveId'])
export class PlanActionObjective {
  @PrimaryColumn({ name: 'action_id', type: 'integer' })
  actionId!: number;

  @PrimaryColumn({ name: 'objective_id', type: 'integer' })
  objectiveId!: number;

  @ManyToOne(() => PlanAction, (a) => a.objectiveLinks, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'action_id' })
  action?: PlanAction;

  @ManyToOne(() => Objective, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'objective_id' })
  objective?: Objective;
}

/**
 * Indicators an action contributes to, by catalogue code. No foreign key: this library may not depend on the
 * indicators library, so the service checks codes against the catalogue table when they are written.
 */
@Entity({ name: 'plan_action_indicator' })
@Index('ix_plan_action_indicator_code', ['indicatorCode'])
export class PlanActionIndicator {
  @PrimaryColumn({ name: 'action_id', type: 'integer' })
  actionId!: number;

  @PrimaryColumn({ name: 'indicator_code', type: 'varchar', length: 60 })
  indicatorCode!: string;

  @ManyToOne(() => PlanAction, (a) => a.indicatorLinks, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'action_id' })
  action?: PlanAction;
}

/** One budget line of an action: a year and a funder, planned and actual amounts in euros. */
@Entity({ name: 'plan_action_budget' })
@Unique('uq_plan_action_budget_key', ['actionId', 'year', 'funder'])
export class PlanActionBudget {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'action_id', type: 'integer' })
  actionId!: number;

  @ManyToOne(() => PlanAction, (a) => a.budgets, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'action_id' })
  action?: PlanAction;

  @Column({ type: 'integer' })
  year!: number;

  /** Funder as people name it (État, conseil départemental, Région, FSE…): funders are not a closed list here. */
  @Column({ type: 'varchar', length: 120 })
  funder!: string;

  @Column({ type: 'double precision', nullable: true })
  planned!: number | null;

  @Column({ type: 'double precision', nullable: true })
  actual!: number | null;
}

/** A dated follow-up note on an action. */
@Entity({ name: 'plan_action_note' })
@Index('ix_plan_action_note_action', ['actionId'])
export class PlanActionNote {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'action_id', type: 'integer' })
  actionId!: number;

  @ManyToOne(() => PlanAction, (a) => a.notes, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'action_id' })
  action?: PlanAction;

  /** The date the note speaks of (`YYYY-MM-DD`), which may precede the day it was written. */
  @Column({ name: 'note_date', type: 'varchar', length: 10 })
  noteDate!: string;

  @Column({ type: 'text' })
  text!: string;

  @Column({ type: 'varchar', length: 120 })
  author!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;

  @Column({ name: 'is_demo', type: 'boolean', default: false })
  isDemo!: boolean;
}

/** One saved state of a plan: the whole plan and its actions as JSON, who saved it, when and why. */
@Entity({ name: 'action_plan_version' })
@Unique('uq_action_plan_version_number', ['planId', 'number'])
export class ActionPlanVersion {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'plan_id', type: 'integer' })
  planId!: number;

  @ManyToOne(() => ActionPlan, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'plan_id' })
  plan?: ActionPlan;

  @Column({ type: 'integer' })
  number!: number;

  /** JSON of a PlanSnapshot (see snapshot.ts). */
  @Column({ type: 'text' })
  snapshot!: string;

  @Column({ type: 'varchar', length: 120 })
  author!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;

  @Column({ type: 'varchar', length: 300 })
  reason!: string;

  @Column({ name: 'is_demo', type: 'boolean', default: false })
  isDemo!: boolean;
}
