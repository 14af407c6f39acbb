import { Column, Entity, JoinTable, ManyToMany, PrimaryColumn } from 'typeorm';
import { Objective } from '@cap-iae/strategy';

export const UNITS = ['count', 'percent', 'euro', 'fte', 'hours'] as const;
export type IndicatorUnit = (typeof UNITS)[number];
export const UNIT_LABELS: Record<IndicatorUnit, string> = {
  count: 'nombre',
  percent: '%',
  euro: '€',
  fte: 'ETP',
  hours: 'heures',
};

export const DIRECTIONS = ['up', 'down'] as const;
export type IndicatorDirection = (typeof DIRECTIONS)[number];
export const DIRECTION_LABELS: Record<IndicatorDirection, string> = {
  up: 'hausse souhaitée',
  down: 'baisse souhaitée',
};

/**
 * How a value for a larger territory is obtained from smaller ones: counts add up; a rate is recomputed from summed
 * numerators and denominators (never an average of rates); `none` cannot be rolled up.
 */
export const AGGREGATIONS = ['sum', 'ratio', 'none'] as const;
export type IndicatorAggregation = (typeof AGGREGATIONS)[number];
export const AGGREGATION_LABELS: Record<IndicatorAggregation, string> = {
  sum: 'somme',
  ratio: 'ratio numérateur / dénominateur',
  none: 'aucune',
};

@Entity({ name: 'indicator' })
export class Indicator {
  @PrimaryColumn({ type: 'varchar', length: 60 })
  code!: string;

  @Column({ type: 'varchar', length: 300 })
  label!: string;

  @Column({ type: 'text' })
  definition!: string;

  @Column({ type: 'varchar', length: 20 })
  unit!: IndicatorUnit;

  @Column({ type: 'varchar', length: 10 })
  direction!: IndicatorDirection;

  @Column({ type: 'varchar', length: 10 })
  aggregation!: IndicatorAggregation;

  @Column({ type: 'integer', default: 0 })
  decimals!: number;

  /** Names of the dimensions this indicator may be broken down by (see DIMENSIONS in the shared kernel). */
  @Column({ type: 'simple-json' })
  dimensions!: string[];

  @ManyToMany(() => Objective)
  @JoinTable({
    name: 'indicator_objective',
    joinColumn: { name: 'indicator_code', referencedColumnName: 'code' },
    inverseJoinColumn: { name: 'objective_id', referencedColumnName: 'id' },
  })
  objectives?: Objective[];
}
