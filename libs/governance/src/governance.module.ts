import { Module } from '@nestjs/common';
import { GovernanceDemoLoader } from './demo';

/** Instances, meetings and decisions: filled in by the governance work (see docs/architecture.md). */
@Module({ providers: [GovernanceDemoLoader], exports: [GovernanceDemoLoader] })
export class GovernanceModule {}
