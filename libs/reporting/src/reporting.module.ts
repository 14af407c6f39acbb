import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ActionPlansModule } from '@cap-iae/action-plans';
import { FundingModule } from '@cap-iae/funding';
import { GovernanceModule } from '@cap-iae/governance';
import { IndicatorsModule } from '@cap-iae/indicators';
import { PluginHostModule } from '@cap-iae/plugin-host';
import { StrategyModule } from '@cap-iae/strategy';
import { TerritoriesModule } from '@cap-iae/territories';
import { BilanArchiveService } from './archive/bilan-archive.service';
import { BilanNarrativesService } from './archive/bilan-narratives.service';
import { BilanGenerator } from './generation/bilan-generator.service';
import { Bilan, BilanNarrative } from './reporting.entities';
import { BilanDataService } from './view-model/bilan-data.service';
import { BilanSectionsService } from './view-model/bilan-sections.service';

const SERVICES = [
  BilanDataService,
  BilanSectionsService,
  BilanArchiveService,
  BilanNarrativesService,
  BilanGenerator,
];

/**
 * Bilans PDF (COR-IAE, CDIAE): view-models over the domain's read models, charts rendered to SVG on the server,
 * Handlebars templates read from `templates/`, Chromium for the PDF, and the archive of what was generated.
 * Sits above every domain library; nothing below imports it.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([Bilan, BilanNarrative]),
    TerritoriesModule,
    StrategyModule,
    IndicatorsModule,
    PluginHostModule,
    ActionPlansModule,
    GovernanceModule,
    FundingModule,
  ],
  providers: SERVICES,
  exports: SERVICES,
})
export class ReportingModule {}
