import type { FetchRequest, SourceRecord } from '@cap-iae/plugin-sdk';

/** A period as an interval of quarters (`2021` = 2021-T1..2021-T4), so that years and quarters compare. */
function quarters(period: string): [number, number] | null {
  const m = /^(\d{4})(?:-T([1-4]))?$/.exec(period);
  if (!m) return null;
  const year = Number(m[1]) * 10;
  return m[2] ? [year + Number(m[2]), year + Number(m[2])] : [year + 1, year + 4];
}

/** Years covered by the request's period limits, or null when it sets none. */
export function requestedYears(request: FetchRequest): number[] | null {
  const from = request.periodFrom ?? request.periodTo;
  const to = request.periodTo ?? request.periodFrom;
  if (!from || !to) return null;
  const a = quarters(from);
  const b = quarters(to);
  if (!a || !b) return null;
  const years: number[] = [];
  for (let y = Math.floor(a[0] / 10); y <= Math.floor(b[1] / 10) && years.length < 100; y++) years.push(y);
  return years;
}

/** Whether a record falls within the limits the caller asked for (indicators, territories, periods). */
export function inRequest(record: SourceRecord, request: FetchRequest): boolean {
  if (request.indicators?.length && !request.indicators.includes(record.indicator)) return false;
  if (request.territories?.length && !request.territories.includes(record.territory)) return false;
  const span = quarters(record.period);
  const from = request.periodFrom ? quarters(request.periodFrom) : null;
  const to = request.periodTo ? quarters(request.periodTo) : null;
  // Overlap, not containment: a yearly value is kept when the caller asks for one of its quarters.
  if (span && from && span[1] < from[0]) return false;
  if (span && to && span[0] > to[1]) return false;
  return true;
}
