export * from './territory.entity';
export * from './territories.service';
export * from './territories.module';

import { Territory } from './territory.entity';
export const TERRITORY_ENTITIES = [Territory];
