import type { FetchRequest, KnownValue } from '@cap-iae/plugin-sdk';

/** One (territory, period, dimension set) a value belongs to. */
export interface Combination {
  key: string;
  territory: string;
  period: string;
  dimensions: Record<string, string>;
}

/** Canonical dimension key, as the host writes it (`age_band=MOINS_26;sex=F`): two spellings of one set must meet. */
export function dimensionKey(dimensions: Record<string, string> | undefined): string {
  if (!dimensions) return '';
  return Object.keys(dimensions)
    .filter((name) => dimensions[name] !== undefined && dimensions[name] !== '')
    .sort()
    .map((name) => `${name}=${dimensions[name]}`)
    .join(';');
}

export function combinationOf(v: Pick<KnownValue, 'territory' | 'period' | 'dimensions'>): Combination {
  const dimensions: Record<string, string> = {};
  for (const [name, value] of Object.entries(v.dimensions ?? {}))
    if (value !== undefined && value !== '') dimensions[name] = value;
  return {
    key: `${v.territory}|${v.period}|${dimensionKey(dimensions)}`,
    territory: v.territory,
    period: v.period,
    dimensions,
  };
}

/** Sort order of the output: by territory, then period, then dimension key, so runs are reproducible. */
export function compareCombinations(a: Combination, b: Combination): number {
  return (
    cmp(a.territory, b.territory) ||
    cmp(a.period, b.period) ||
    cmp(dimensionKey(a.dimensions), dimensionKey(b.dimensions))
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function describeCombination(c: Combination): string {
  const dims = dimensionKey(c.dimensions);
  return `${c.territory}, ${c.period}${dims ? `, ${dims}` : ', total'}`;
}

/** Quarter span of a period (`2021` covers 2021-T1..T4), so that `2021-T3` falls within a range ending in `2021`. */
function span(period: string): [number, number] | undefined {
  const m = /^(\d{4})(?:-T([1-4]))?$/.exec(period);
  if (!m) return undefined;
  const year = Number(m[1]) * 4;
  return m[2] ? [year + Number(m[2]) - 1, year + Number(m[2]) - 1] : [year, year + 3];
}

/** Whether a record falls within what the caller asked for; limits the caller did not give let everything through. */
export function requested(
  request: FetchRequest,
  indicator: string,
  territory: string,
  period: string,
): boolean {
  if (request.indicators?.length && !request.indicators.includes(indicator)) return false;
  if (request.territories?.length && !request.territories.includes(territory)) return false;
  const p = span(period);
  const from = request.periodFrom ? span(request.periodFrom) : undefined;
  const to = request.periodTo ? span(request.periodTo) : undefined;
  if (p && from && p[0] < from[0]) return false;
  if (p && to && p[1] > to[1]) return false;
  return true;
}
