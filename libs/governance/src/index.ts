import type { EntitySchema } from 'typeorm';
import { Decision, DecisionTarget, GovernanceInstance, InstanceType, Meeting } from './governance.entities';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM takes entity classes as constructors
type EntitySchemaOrClass = Function | EntitySchema;
export * from './governance.module';
export * from './demo';
export * from './governance.constants';
export * from './governance.entities';
export * from './governance.views';
export * from './instance-types.service';
export * from './instances.service';
export * from './meetings.service';
export * from './target-resolver';
export * from './governance-read.service';
export { formatSiret, isValidSiret, normaliseSiret } from './siret';

export const GOVERNANCE_ENTITIES: EntitySchemaOrClass[] = [
  InstanceType,
  GovernanceInstance,
  Meeting,
  Decision,
  DecisionTarget,
];
