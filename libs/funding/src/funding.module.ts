import { Module } from '@nestjs/common';
import { FundingDemoLoader } from './demo';

/** Funders, schemes and funding lines: filled in by the funding work (see docs/architecture.md). */
@Module({ providers: [FundingDemoLoader], exports: [FundingDemoLoader] })
export class FundingModule {}
