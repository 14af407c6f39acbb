import { DomainError, FieldIssue } from '@cap-iae/shared';

/** Query strings arrive as text: these helpers parse them and name the faulty parameter in French. */
export function listParam(raw: string | undefined): string[] | undefined {
  if (raw === undefined || raw === '') return undefined;
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function intParam(
  name: string,
  raw: string | undefined,
  min: number,
  max: number,
  issues: FieldIssue[],
): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    issues.push({ field: name, message: `doit être un entier entre ${min} et ${max}` });
    return undefined;
  }
  return n;
}

export function throwIfIssues(issues: FieldIssue[]): void {
  if (issues.length > 0) throw DomainError.validation(issues, 'Paramètres de requête invalides.');
}

export const MAX_PAGE_SIZE = 1000;
