import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TerritoriesModule } from '@cap-iae/territories';
import { ConferenceService } from './conference.service';
import { FundersService } from './funders.service';
import { FundingLinesService } from './funding-lines.service';
import { Funder, FundingLine, FundingScheme } from './funding.entities';
import { FundingReferenceSeeder } from './reference';
import { FundingDemoLoader } from './demo';

/** Funders, schemes and funding lines, and the conférence des financeurs read side (see docs/funding.md). */
@Module({
  imports: [TypeOrmModule.forFeature([Funder, FundingScheme, FundingLine]), TerritoriesModule],
  providers: [
    FundingReferenceSeeder,
    FundersService,
    FundingLinesService,
    ConferenceService,
    FundingDemoLoader,
  ],
  exports: [
    FundingReferenceSeeder,
    FundersService,
    FundingLinesService,
    ConferenceService,
    FundingDemoLoader,
  ],
})
export class FundingModule {}
