import { InitialSchema1732000000000 } from './1732000000000-initial-schema';

/** The one migration history, in order. Listed explicitly so that it works the same compiled and under ts-jest. */
export const MIGRATIONS = [InitialSchema1732000000000];
