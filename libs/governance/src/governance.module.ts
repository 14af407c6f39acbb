import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { StrategyModule } from '@cap-iae/strategy';
import { TerritoriesModule } from '@cap-iae/territories';
import { GovernanceDemoLoader } from './demo';
import { Decision, DecisionTarget, GovernanceInstance, InstanceType, Meeting } from './governance.entities';
import { GovernanceReadService } from './governance-read.service';
import { InstanceTypesService } from './instance-types.service';
import { InstancesService } from './instances.service';
import { MeetingsService } from './meetings.service';
import { TargetResolver } from './target-resolver';

const SERVICES = [
  InstanceTypesService,
  InstancesService,
  MeetingsService,
  TargetResolver,
  GovernanceReadService,
  GovernanceDemoLoader,
];

/**
 * Instances (COR-IAE, CDIAE, CTA, conférences des financeurs and whatever types an administrator adds), their
 * meetings, and the decisions and avis taken there. Access checks stay at the edge (apps/server), as for every lib.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([InstanceType, GovernanceInstance, Meeting, Decision, DecisionTarget]),
    TerritoriesModule,
    StrategyModule,
  ],
  providers: SERVICES,
  exports: SERVICES,
})
export class GovernanceModule {}
