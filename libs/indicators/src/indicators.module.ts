import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TerritoriesModule } from '@cap-iae/territories';
import { StrategyModule } from '@cap-iae/strategy';
import { Indicator } from './indicator.entity';
import { Observation } from './observation.entity';
import { Target } from './target.entity';
import { IndicatorCatalogService } from './indicator-catalog.service';
import { IndicatorsService } from './indicators.service';
import { ObservationQueryService } from './observation-query.service';
import { ObservationStore } from './observation-store.service';
import { TargetsService } from './targets.service';
import { ObservationValidationService } from './observation-validation.service';
import { ProgressOverride } from './progress-override.entity';
import { RollupService } from './rollup.service';
import { ProgressOverridesService } from './progress-overrides.service';
import { ProgressService } from './progress.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([Indicator, Observation, Target, ProgressOverride]),
    TerritoriesModule,
    StrategyModule,
  ],
  providers: [
    IndicatorCatalogService,
    IndicatorsService,
    ObservationQueryService,
    ObservationStore,
    TargetsService,
    ObservationValidationService,
    RollupService,
    ProgressOverridesService,
    ProgressService,
  ],
  exports: [
    IndicatorCatalogService,
    IndicatorsService,
    ObservationQueryService,
    ObservationStore,
    TargetsService,
    ObservationValidationService,
    RollupService,
    ProgressOverridesService,
    ProgressService,
  ],
})
export class IndicatorsModule {}
