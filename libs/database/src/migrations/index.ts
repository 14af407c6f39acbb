import { InitialSchema1732000000000 } from './1732000000000-initial-schema';
import { Access1732100000000 } from './1732100000000-access';
import { Sources1732200000000 } from './1732200000000-sources';
import { ProgressOverride1732300000000 } from './1732300000000-progress-override';

/** The one migration history, in order. Listed explicitly so that it works the same compiled and under ts-jest. */
export const MIGRATIONS = [
  InitialSchema1732000000000,
  Access1732100000000,
  Sources1732200000000,
  ProgressOverride1732300000000,
];
