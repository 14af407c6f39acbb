import { Module } from '@nestjs/common';
import { PlanDemoLoader } from './demo';

/** Plans d'actions départementaux: filled in by the action-plans work (see docs/architecture.md). */
@Module({ providers: [PlanDemoLoader], exports: [PlanDemoLoader] })
export class ActionPlansModule {}
