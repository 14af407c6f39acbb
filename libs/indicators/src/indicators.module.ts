import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TerritoriesModule } from '@cap-iae/territories';
import { Indicator } from './indicator.entity';
import { Observation } from './observation.entity';
import { Target } from './target.entity';
import { IndicatorCatalogService } from './indicator-catalog.service';
import { IndicatorsService } from './indicators.service';
import { ObservationQueryService } from './observation-query.service';
import { ObservationStore } from './observation-store.service';
import { TargetsService } from './targets.service';
import { ObservationValidationService } from './observation-validation.service';

@Module({
  imports: [TypeOrmModule.forFeature([Indicator, Observation, Target]), TerritoriesModule],
  providers: [
    IndicatorCatalogService,
    IndicatorsService,
    ObservationQueryService,
    ObservationStore,
    TargetsService,
    ObservationValidationService,
  ],
  exports: [
    IndicatorCatalogService,
    IndicatorsService,
    ObservationQueryService,
    ObservationStore,
    TargetsService,
    ObservationValidationService,
  ],
})
export class IndicatorsModule {}
