import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { Territory } from '@cap-iae/territories';
import { Indicator } from './indicator.entity';

@Entity({ name: 'target' })
@Unique('uq_target_key', ['indicatorCode', 'territoryCode', 'year', 'dimensionKey'])
export class Target {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'indicator_code', type: 'varchar', length: 60 })
  indicatorCode!: string;

  @ManyToOne(() => Indicator, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'indicator_code' })
  indicator?: Indicator;

  @Index('ix_target_territory')
  @Column({ name: 'territory_code', type: 'varchar', length: 20 })
  territoryCode!: string;

  @ManyToOne(() => Territory, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'territory_code' })
  territory?: Territory;

  @Column({ type: 'integer' })
  year!: number;

  /** Canonical dimension key, '' for the total. */
  @Column({ name: 'dimension_key', type: 'varchar', length: 200, default: '' })
  dimensionKey!: string;

  @Column({ type: 'double precision' })
  value!: number;

  @Column({ type: 'text', nullable: true })
  comment!: string | null;

  @Column({ name: 'updated_by', type: 'varchar', length: 120, nullable: true })
  updatedBy!: string | null;

  @Column({ name: 'updated_at', type: 'varchar', length: 30 })
  updatedAt!: string;

  @Column({ name: 'is_demo', type: 'boolean', default: false })
  isDemo!: boolean;
}
