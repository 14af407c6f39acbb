/**
 * The audit trail as seen by domain libraries: they report what changed, the access library stores it (append-only)
 * with the actor and channel of the current request context.
 */
export interface AuditRecord {
  action: string;
  objectType: string;
  objectId: string;
  before?: unknown;
  after?: unknown;
  summary?: string;
}

export interface AuditSink {
  record(entries: AuditRecord | AuditRecord[]): Promise<void>;
}

export const AUDIT_SINK = Symbol('AUDIT_SINK');
