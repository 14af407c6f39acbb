import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@cap-iae/config';
import { AppStateService, runMigrations, withInstallationLock } from '@cap-iae/database';
import { DemoLoader, ReferenceSeeder } from '@cap-iae/reference-data';
import { repoPath } from '@cap-iae/shared';
import { DemoAccountsLoader, SessionsService } from '@cap-iae/access';
import { PlanDemoLoader } from '@cap-iae/action-plans';
import { GovernanceDemoLoader } from '@cap-iae/governance';
import { FundingDemoLoader } from '@cap-iae/funding';

const REFERENCE_STATE_KEY = 'reference.hash';
const REFERENCE_FILES = ['strategies.json', 'pacte.json', 'indicators.json', 'reference-values.json'];

export interface PrepareReport {
  migrations: string[];
  reference: 'loaded' | 'unchanged';
  demo: 'loaded' | 'already' | 'disabled';
}

/**
 * Brings a database to a usable state: schema migrations, reference data when its files changed, demo data once.
 * Run by `npm start` before serving and by `cap-iae setup`.
 */
@Injectable()
export class Bootstrapper {
  private readonly logger = new Logger('Préparation');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly state: AppStateService,
    private readonly seeder: ReferenceSeeder,
    private readonly demo: DemoLoader,
    private readonly demoAccounts: DemoAccountsLoader,
    private readonly sessions: SessionsService,
    private readonly planDemo: PlanDemoLoader,
    private readonly governanceDemo: GovernanceDemoLoader,
    private readonly fundingDemo: FundingDemoLoader,
  ) {}

  prepare(options: { demo?: boolean } = {}): Promise<PrepareReport> {
    // Instances starting together on one PostgreSQL database take turns: the second finds everything done.
    return withInstallationLock(this.dataSource, () => this.prepareLocked(options));
  }

  private async prepareLocked(options: { demo?: boolean }): Promise<PrepareReport> {
    const applied = await runMigrations(this.dataSource);
    if (applied.length > 0)
      this.logger.log(`Migrations appliquées : ${applied.map((m) => m.name).join(', ')}`);

    const hash = referenceHash();
    let reference: PrepareReport['reference'] = 'unchanged';
    if ((await this.state.get(REFERENCE_STATE_KEY)) !== hash) {
      await this.seeder.run();
      await this.state.set(REFERENCE_STATE_KEY, hash);
      reference = 'loaded';
    }

    let demo: PrepareReport['demo'] = 'disabled';
    await this.sessions.purgeExpired();
    if (!(options.demo ?? this.config.demo)) await this.demoAccounts.disableAll();
    if (options.demo ?? this.config.demo) {
      if (await this.demo.isLoaded()) demo = 'already';
      else {
        await this.demo.load();
        demo = 'loaded';
      }
      // Each loader is idempotent: a demo database created before a library existed gets that library's data too.
      // Plans first: meetings and decisions of the demo refer to their actions.
      await this.planDemo.load();
      await this.governanceDemo.load();
      await this.fundingDemo.load();
      await this.demoAccounts.ensure();
    }
    return { migrations: applied.map((m) => m.name), reference, demo };
  }
}

function referenceHash(): string {
  const h = createHash('sha256');
  for (const f of REFERENCE_FILES) h.update(fs.readFileSync(repoPath('libs', 'reference-data', 'data', f)));
  return h.digest('hex');
}
