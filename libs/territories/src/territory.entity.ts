import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { TerritoryLevel } from '@cap-iae/shared';

@Entity({ name: 'territory' })
export class Territory {
  /** `REG-11`, `DEP-93`, `FR`: see TerritoryCode in the shared kernel. */
  @PrimaryColumn({ type: 'varchar', length: 20 })
  code!: string;

  @Index('ix_territory_level')
  @Column({ type: 'varchar', length: 20 })
  level!: TerritoryLevel;

  /** The official code alone (INSEE COG code for régions and départements). */
  @Column({ name: 'official_code', type: 'varchar', length: 10 })
  officialCode!: string;

  @Column({ type: 'varchar', length: 120 })
  name!: string;

  @Index('ix_territory_parent')
  @Column({ name: 'parent_code', type: 'varchar', length: 20, nullable: true })
  parentCode!: string | null;

  @ManyToOne(() => Territory, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'parent_code' })
  parent?: Territory | null;
}
