export * from './strategy.entity';
export * from './axis.entity';
export * from './objective.entity';
export * from './pact.entity';
export * from './strategies.service';
export * from './strategy.module';

import { Axis } from './axis.entity';
import { Objective } from './objective.entity';
import { NationalPact, PactEngagement, PactMeasure } from './pact.entity';
import { Strategy } from './strategy.entity';
export const STRATEGY_ENTITIES = [Strategy, Axis, Objective, NationalPact, PactEngagement, PactMeasure];
