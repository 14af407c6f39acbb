import { InitialSchema1732000000000 } from './1732000000000-initial-schema';
import { Access1732100000000 } from './1732100000000-access';
import { Sources1732200000000 } from './1732200000000-sources';
import { ProgressOverride1732300000000 } from './1732300000000-progress-override';
import { ActionPlans1732400000000 } from './1732400000000-action-plans';
import { Governance1732500000000 } from './1732500000000-governance';
import { Funding1732600000000 } from './1732600000000-funding';
import { Reporting1732700000000 } from './1732700000000-reporting';
import { BilanHeartbeat1732800000000 } from './1732800000000-bilan-heartbeat';

/** The one migration history, in order. Listed explicitly so that it works the same compiled and under ts-jest. */
export const MIGRATIONS = [
  InitialSchema1732000000000,
  Access1732100000000,
  Sources1732200000000,
  ProgressOverride1732300000000,
  ActionPlans1732400000000,
  Governance1732500000000,
  Funding1732600000000,
  Reporting1732700000000,
  BilanHeartbeat1732800000000,
];
