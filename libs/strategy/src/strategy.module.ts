import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Axis } from './axis.entity';
import { Objective } from './objective.entity';
import { NationalPact, PactEngagement, PactMeasure } from './pact.entity';
import { Strategy } from './strategy.entity';
import { StrategiesService } from './strategies.service';

@Module({
  imports: [TypeOrmModule.forFeature([Strategy, Axis, Objective, NationalPact, PactEngagement, PactMeasure])],
  providers: [StrategiesService],
  exports: [StrategiesService],
})
export class StrategyModule {}
