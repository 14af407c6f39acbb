import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TerritoriesModule } from '@cap-iae/territories';
import { StrategyModule } from '@cap-iae/strategy';
import { PlanDemoLoader } from './demo';
import { ACTION_PLAN_ENTITY_CLASSES } from './entities-list';
import { PlanReadService } from './plan-read.service';
import { PlansService } from './plans.service';

/** Plans d'actions départementaux: plans, workflow, actions, versions, files and the regional roll-up. */
@Module({
  imports: [TypeOrmModule.forFeature(ACTION_PLAN_ENTITY_CLASSES), TerritoriesModule, StrategyModule],
  providers: [PlansService, PlanReadService, PlanDemoLoader],
  exports: [PlansService, PlanReadService, PlanDemoLoader],
})
export class ActionPlansModule {}
