import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule, loadConfig } from '@cap-iae/config';
import { DatabaseModule } from '@cap-iae/database';
import { TERRITORY_ENTITIES, TerritoriesModule } from '@cap-iae/territories';
import { STRATEGY_ENTITIES, StrategyModule } from '@cap-iae/strategy';
import { INDICATOR_ENTITIES, IndicatorsModule } from '@cap-iae/indicators';
import { ReferenceDataModule } from '@cap-iae/reference-data';
import { ACCESS_ENTITIES, AccessModule } from '@cap-iae/access';
import { PLUGIN_HOST_ENTITIES, PluginHostModule } from '@cap-iae/plugin-host';
import { ACTION_PLAN_ENTITIES, ActionPlansModule } from '@cap-iae/action-plans';
import { GOVERNANCE_ENTITIES, GovernanceModule } from '@cap-iae/governance';
import { FUNDING_ENTITIES, FundingModule } from '@cap-iae/funding';
import { REPORTING_ENTITIES, ReportingModule } from '@cap-iae/reporting';
import { ObservationAuditor } from './observation-auditor';
import { Bootstrapper } from './bootstrapper';

export const ALL_ENTITIES = [
  ...TERRITORY_ENTITIES,
  ...STRATEGY_ENTITIES,
  ...INDICATOR_ENTITIES,
  ...ACCESS_ENTITIES,
  ...PLUGIN_HOST_ENTITIES,
  ...ACTION_PLAN_ENTITIES,
  ...GOVERNANCE_ENTITIES,
  ...FUNDING_ENTITIES,
  ...REPORTING_ENTITIES,
];

/** Every domain module without any transport: the server adds HTTP on top, the CLI adds commands. */
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig = loadConfig()): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(ALL_ENTITIES),
        TerritoriesModule,
        StrategyModule,
        IndicatorsModule,
        ReferenceDataModule,
        AccessModule,
        PluginHostModule,
        ActionPlansModule,
        GovernanceModule,
        FundingModule,
        ReportingModule,
      ],
      providers: [Bootstrapper, ObservationAuditor],
      exports: [
        TerritoriesModule,
        StrategyModule,
        IndicatorsModule,
        ReferenceDataModule,
        AccessModule,
        PluginHostModule,
        ActionPlansModule,
        GovernanceModule,
        FundingModule,
        ReportingModule,
        Bootstrapper,
      ],
    };
  }
}
