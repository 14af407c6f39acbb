import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { AccessGuard } from './access/access.guard';
import { AccessController } from './api/access.controller';
import { AccountPagesController } from './pages/account-pages.controller';
import { AdminPagesController } from './pages/admin-pages.controller';
import { PageRenderer } from './pages/page-renderer';
import { EntryPagesController } from './pages/entry-pages.controller';
import { SourcesController } from './sources/sources.controller';
import { SourcesPagesController } from './sources/sources-pages.controller';
import { AppConfig, loadConfig } from '@cap-iae/config';
import { CoreModule } from '@cap-iae/core';
import { DomainErrorFilter } from './http/domain-error.filter';
import { frenchValidationPipe } from './http/french-validation';
import { ReferenceController } from './api/reference.controller';
import { IndicatorsController } from './api/indicators.controller';
import { ProgressController } from './api/progress.controller';
import { HealthController } from './api/health.controller';
import { PlansController } from './plans/plans.controller';
import { PlansPagesController } from './plans/plans-pages.controller';
import { DashboardController } from './dashboard/dashboard.controller';
import { FundingController } from './funding/funding.controller';
import { FundingPagesController } from './funding/funding-pages.controller';
import { GovernanceController } from './governance/governance.controller';
import { GovernancePagesController } from './governance/governance-pages.controller';
import { BILANS_CONTROLLERS } from './reporting';

/** Every controller the app serves: the route catalog (permissions test, docs/permissions.md) reads this list. */
export const CONTROLLERS = [
  DashboardController,
  HealthController,
  ReferenceController,
  IndicatorsController,
  ProgressController,
  AccessController,
  AccountPagesController,
  AdminPagesController,
  SourcesController,
  SourcesPagesController,
  EntryPagesController,
  PlansController,
  PlansPagesController,
  FundingController,
  FundingPagesController,
  GovernanceController,
  GovernancePagesController,
  ...BILANS_CONTROLLERS,
];

@Module({})
export class AppModule {
  static forRoot(config: AppConfig = loadConfig()): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(config)],
      controllers: CONTROLLERS,
      providers: [
        PageRenderer,
        { provide: APP_FILTER, useClass: DomainErrorFilter },
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_PIPE, useFactory: frenchValidationPipe },
      ],
    };
  }
}
