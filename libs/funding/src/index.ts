import type { EntitySchema } from 'typeorm';
import { Funder, FundingLine, FundingScheme } from './funding.entities';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM takes entity classes as constructors
type EntitySchemaOrClass = Function | EntitySchema;
export * from './funding.module';
export * from './demo';
export * from './funding.entities';
export * from './reference';
export * from './views';
export * from './shares';
export * from './aide-au-poste';
export * from './conference';
export * from './conference.service';
export * from './funders.service';
export * from './funding-lines.service';
export * from './tables';
export * from './exports';

export const FUNDING_ENTITIES: EntitySchemaOrClass[] = [Funder, FundingScheme, FundingLine];
