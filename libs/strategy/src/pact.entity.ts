import { Column, Entity, JoinColumn, ManyToOne, OneToMany, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** A national frame that regional objectives can be linked to (the 2019 Pacte d'ambition pour l'IAE). */
@Entity({ name: 'national_pact' })
@Unique('uq_national_pact_code', ['code'])
export class NationalPact {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 40 })
  code!: string;

  @Column({ type: 'varchar', length: 300 })
  title!: string;

  @Column({ type: 'integer' })
  year!: number;

  @Column({ type: 'varchar', length: 500, nullable: true })
  source!: string | null;

  @OneToMany(() => PactEngagement, (e) => e.pact)
  engagements?: PactEngagement[];
}

@Entity({ name: 'pact_engagement' })
@Unique('uq_pact_engagement_number', ['pactId', 'number'])
export class PactEngagement {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'pact_id', type: 'integer' })
  pactId!: number;

  @ManyToOne(() => NationalPact, (p) => p.engagements, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'pact_id' })
  pact?: NationalPact;

  @Column({ type: 'integer' })
  number!: number;

  @Column({ type: 'varchar', length: 400 })
  title!: string;

  @OneToMany(() => PactMeasure, (m) => m.engagement)
  measures?: PactMeasure[];
}

@Entity({ name: 'pact_measure' })
@Unique('uq_pact_measure_number', ['engagementId', 'number'])
export class PactMeasure {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'engagement_id', type: 'integer' })
  engagementId!: number;

  @ManyToOne(() => PactEngagement, (e) => e.measures, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'engagement_id' })
  engagement?: PactEngagement;

  /** Measures are numbered 1 to 30 across the whole pact, not within their engagement. */
  @Column({ type: 'integer' })
  number!: number;

  @Column({ type: 'varchar', length: 600 })
  title!: string;
}
