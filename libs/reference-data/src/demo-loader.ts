import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ObservationStore, Target } from '@cap-iae/indicators';
import { AppStateService, inTransaction } from '@cap-iae/database';
import { readReferenceJson } from './repo-path';
import { DemoGenerator, DEMO_SEED } from './demo-generator';
import type { IndicatorFile, ReferenceValueFile } from './reference-files';
import { territoryCode } from '@cap-iae/shared';

export const DEMO_STATE_KEY = 'demo.loaded';

/** Loads the demonstration series once; values it would put where a reference value stands are skipped. */
@Injectable()
export class DemoLoader {
  private readonly logger = new Logger('Démonstration');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly store: ObservationStore,
    private readonly state: AppStateService,
  ) {}

  async isLoaded(): Promise<boolean> {
    return (await this.state.get(DEMO_STATE_KEY)) !== undefined;
  }

  async load(): Promise<{ observations: number; targets: number }> {
    const generator = new DemoGenerator(
      readReferenceJson<IndicatorFile[]>('indicators.json'),
      readReferenceJson<ReferenceValueFile[]>('reference-values.json'),
    ).generate();
    const provenance = { kind: 'demo' as const, ref: `demo-seed-${DEMO_SEED}`, isDemo: true };
    const { written } = await this.store.upsert(
      generator.observations.map((o) => ({ ...o, sourceLabel: 'Données de démonstration (générées)' })),
      provenance,
      { onConflict: 'skip', describe: (i) => `démonstration, valeur ${i + 1}` },
    );
    const now = new Date().toISOString();
    await inTransaction(this.dataSource, async (em) => {
      const rows = generator.targets.map((t) => ({
        indicatorCode: t.indicator,
        territoryCode:
          t.territory === '11' ? territoryCode('region', '11') : territoryCode('department', t.territory),
        year: t.year,
        dimensionKey: '',
        value: t.value,
        comment: 'Cible de démonstration',
        updatedBy: 'démonstration',
        updatedAt: now,
        isDemo: true,
      }));
      // Demo targets never replace a target somebody set.
      for (let i = 0; i < rows.length; i += 500) {
        await em
          .createQueryBuilder()
          .insert()
          .into(Target)
          .values(rows.slice(i, i + 500))
          .orIgnore()
          .execute();
      }
    });
    await this.state.set(DEMO_STATE_KEY, JSON.stringify({ seed: DEMO_SEED, at: now, observations: written }));
    this.logger.log(`${written} valeurs et ${generator.targets.length} cibles de démonstration chargées`);
    return { observations: written, targets: generator.targets.length };
  }
}
