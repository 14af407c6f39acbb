import type { EntitySchema } from 'typeorm';
import { ACTION_PLAN_ENTITY_CLASSES } from './entities-list';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM takes entity classes as constructors
type EntitySchemaOrClass = Function | EntitySchema;
export * from './action-plans.module';
export * from './demo';
export * from './entities';
export * from './errors';
export * from './plan-model';
export * from './plan-read.service';
export * from './plans.service';
export * from './snapshot';
export * from './views';
export * from './xlsx';

export const ACTION_PLAN_ENTITIES: EntitySchemaOrClass[] = [...ACTION_PLAN_ENTITY_CLASSES];
