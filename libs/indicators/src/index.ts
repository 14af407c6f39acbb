export * from './indicator.entity';
export * from './observation.entity';
export * from './target.entity';
export * from './observation-input';
export * from './observation-validator';
export * from './observation-writer';
export * from './indicator-catalog.service';
export * from './indicators.service';
export * from './observation-query.service';
export * from './observation-store.service';
export * from './targets.service';
export * from './observation-validation.service';
export * from './indicators.module';

import { Indicator } from './indicator.entity';
import { Observation } from './observation.entity';
import { Target } from './target.entity';
export const INDICATOR_ENTITIES = [Indicator, Observation, Target];
