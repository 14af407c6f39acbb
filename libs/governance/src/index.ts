import type { EntitySchema } from 'typeorm';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM takes entity classes as constructors
type EntitySchemaOrClass = Function | EntitySchema;
export * from './governance.module';
export * from './demo';

export const GOVERNANCE_ENTITIES: EntitySchemaOrClass[] = [];
