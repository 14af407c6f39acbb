import type { Response } from 'express';
import type { AccessPolicyService, Principal } from '@cap-iae/access';
import { isStaleVersionError } from '@cap-iae/governance';
import type { FieldIssue } from '@cap-iae/shared';

/**
 * Keeps the items whose territory the principal may read. The policy is asked once per territory: lists hold many
 * meetings of few instances.
 */
export async function readable<T>(
  policy: AccessPolicyService,
  principal: Principal,
  items: T[],
  territoryOf: (item: T) => string,
): Promise<T[]> {
  const allowed = new Map<string, boolean>();
  const out: T[] = [];
  for (const item of items) {
    const t = territoryOf(item);
    if (!allowed.has(t)) allowed.set(t, await policy.allowed(principal, 'instance', 'read', [t]));
    if (allowed.get(t)) out.push(item);
  }
  return out;
}

export interface ConflictBody<T> {
  statusCode: 409;
  code: 'CONFLICT';
  message: string;
  errors: FieldIssue[];
  /** The stored version, which was kept. */
  current: T;
  /** What the caller sent, which was not written. */
  submitted: unknown;
}

/** Runs an edit; a stale version answers 409 with both versions (the stored one and the one sent). */
export async function withConflict<T, C>(
  res: Response,
  submitted: unknown,
  work: () => Promise<T>,
): Promise<T | ConflictBody<C>> {
  try {
    return await work();
  } catch (e) {
    if (!isStaleVersionError(e)) throw e;
    res.status(409);
    return {
      statusCode: 409,
      code: 'CONFLICT',
      message: e.message,
      errors: [...e.issues],
      current: e.current as C,
      submitted,
    };
  }
}

/** `YYYY-MM-DD` query parameters (period filters). */
export function dateParam(name: string, raw: string | undefined, issues: FieldIssue[]): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw) || Number.isNaN(new Date(`${raw}T00:00:00Z`).getTime())) {
    issues.push({ field: name, message: 'date au format AAAA-MM-JJ attendue' });
    return undefined;
  }
  return raw;
}
