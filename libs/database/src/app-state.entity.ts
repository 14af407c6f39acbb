import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Small facts about the installation itself: which reference data version is loaded, whether demo data was. */
@Entity({ name: 'app_state' })
export class AppState {
  @PrimaryColumn({ type: 'varchar', length: 80 })
  key!: string;

  @Column({ type: 'text' })
  value!: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 30 })
  updatedAt!: string;
}
