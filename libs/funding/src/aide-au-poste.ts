import * as fs from 'node:fs';
import { repoPath } from '@cap-iae/shared';

/** One base amount of the State's aide au poste (libs/reference-data/data/aide-au-poste.json, `baseAmounts`). */
export interface AidePosteBase {
  siaeType: string;
  year: number;
  amountPerEtp: number;
  modulationMaxPercent: number | null;
  source: string;
  sourceRef: string;
  note: string | null;
}

let cache: AidePosteBase[] | undefined;

/**
 * The reference bases are read from the reference-data file itself (not copied here) so that a corrected or
 * added year reaches the conférence des financeurs without a code change.
 */
export function aidePosteBases(): AidePosteBase[] {
  cache ??= (
    JSON.parse(fs.readFileSync(repoPath('libs', 'reference-data', 'data', 'aide-au-poste.json'), 'utf8')) as {
      baseAmounts: AidePosteBase[];
    }
  ).baseAmounts;
  return cache;
}

/**
 * The base to compare a year's € per ETP with: that year's when the sources give it, else the latest earlier year,
 * else the earliest one known (the documents give 2019 only). The year is returned so that pages can say which.
 */
export function aidePosteBaseFor(siaeType: string, year: number): AidePosteBase | null {
  const forType = aidePosteBases()
    .filter((b) => b.siaeType === siaeType)
    .sort((a, b) => a.year - b.year);
  if (forType.length === 0) return null;
  const earlier = forType.filter((b) => b.year <= year);
  return earlier.length ? earlier[earlier.length - 1] : forType[0];
}
