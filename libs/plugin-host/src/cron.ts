/**
 * Five-field cron (minute hour day-of-month month day-of-week) in the server's local time zone — set TZ=Europe/Paris
 * on the server so that « 0 3 * * 1 » means Monday 3 a.m. in France. Supports *, lists, ranges and steps.
 */
function field(spec: string, min: number, max: number): Set<number> {
  const values = new Set<number>();
  for (const part of spec.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText ? Number(stepText) : 1;
    const [from, to] =
      range === '*'
        ? [min, max]
        : range.includes('-')
          ? range.split('-').map(Number)
          : [Number(range), stepText ? max : Number(range)];
    for (let v = from; v <= to; v += step) if (v >= min && v <= max) values.add(v);
  }
  return values;
}

/** Whether the expression ever fires (fields within their ranges and at least one real date). */
export function cronOccurs(expression: string): boolean {
  const [m, h, dom, mon, dow] = expression.trim().split(/\s+/);
  const inRange = (spec: string, min: number, max: number) =>
    spec.split(',').every((part) =>
      part
        .split('/')[0]
        .split('-')
        .every((v) => v === '*' || (Number(v) >= min && Number(v) <= max)),
    );
  if (
    !inRange(m, 0, 59) ||
    !inRange(h, 0, 23) ||
    !inRange(dom, 1, 31) ||
    !inRange(mon, 1, 12) ||
    !inRange(dow, 0, 7)
  ) {
    return false;
  }
  try {
    nextCronTime(expression, new Date());
    return true;
  } catch {
    return false;
  }
}

export function nextCronTime(expression: string, after: Date): Date {
  const [m, h, dom, mon, dow] = expression.trim().split(/\s+/);
  const minutes = field(m, 0, 59);
  const hours = field(h, 0, 23);
  const days = field(dom, 1, 31);
  const months = field(mon, 1, 12);
  const weekdays = new Set([...field(dow, 0, 7)].map((d) => d % 7));
  // Standard cron: when both day fields are restricted, either may match.
  const anyDay = dom === '*' || dow === '*';
  const dayMatches = (d: Date) =>
    anyDay
      ? days.has(d.getDate()) && weekdays.has(d.getDay())
      : days.has(d.getDate()) || weekdays.has(d.getDay());
  const t = new Date(after.getTime());
  t.setSeconds(0, 0);
  t.setMinutes(t.getMinutes() + 1);
  const limit = after.getTime() + 4 * 366 * 86_400_000;
  while (t.getTime() < limit) {
    if (!months.has(t.getMonth() + 1)) {
      t.setMonth(t.getMonth() + 1, 1);
      t.setHours(0, 0, 0, 0);
      continue;
    }
    if (!dayMatches(t)) {
      t.setDate(t.getDate() + 1);
      t.setHours(0, 0, 0, 0);
      continue;
    }
    if (!hours.has(t.getHours())) {
      t.setHours(t.getHours() + 1, 0, 0, 0);
      continue;
    }
    if (!minutes.has(t.getMinutes())) {
      t.setMinutes(t.getMinutes() + 1, 0, 0);
      continue;
    }
    return t;
  }
  throw new Error(`expression cron sans occurrence : ${expression}`);
}
