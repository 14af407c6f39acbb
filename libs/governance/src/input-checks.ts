import type { FieldIssue } from '@cap-iae/shared';

/**
 * Field checks shared by the services. Inputs come from JSON bodies and from HTML forms alike, so every value is
 * `unknown` here and each problem is reported with the field's name and a French sentence.
 */

export function text(
  value: unknown,
  field: string,
  issues: FieldIssue[],
  opts: { required?: boolean; max: number; what?: string },
): string | null {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    if (opts.required) issues.push({ field, message: `${opts.what ?? 'valeur'} obligatoire` });
    return null;
  }
  if (typeof value !== 'string') {
    issues.push({ field, message: 'doit être un texte' });
    return null;
  }
  const trimmed = value.trim();
  if (trimmed.length > opts.max) {
    issues.push({ field, message: `${opts.max} caractères au plus (${trimmed.length} saisis)` });
    return null;
  }
  return trimmed;
}

export function oneOf<T extends string>(
  value: unknown,
  allowed: readonly T[],
  labels: Record<T, string>,
  field: string,
  issues: FieldIssue[],
): T | undefined {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  issues.push({
    field,
    message: `valeur non admise (attendu : ${allowed.map((a) => `${a} = ${labels[a]}`).join(', ')})`,
  });
  return undefined;
}

/** An ISO calendar date `YYYY-MM-DD` between 1980 and 2100 that exists (no 31 June). */
export function isoDate(value: unknown, field: string, issues: FieldIssue[]): string | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value.trim())) {
    issues.push({ field, message: 'date obligatoire, au format AAAA-MM-JJ (ex. 2021-10-14)' });
    return undefined;
  }
  const v = value.trim();
  const d = new Date(`${v}T00:00:00Z`);
  const year = Number(v.slice(0, 4));
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== v || year < 1980 || year > 2100) {
    issues.push({ field, message: `date inexistante ou hors de 1980-2100 : « ${v} »` });
    return undefined;
  }
  return v;
}

export function version(value: unknown, issues: FieldIssue[]): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1) return value;
  issues.push({ field: 'version', message: 'version lue obligatoire (entier à partir de 1)' });
  return undefined;
}
