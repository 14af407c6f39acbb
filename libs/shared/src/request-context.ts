import { AsyncLocalStorage } from 'node:async_hooks';

export type Channel = 'web' | 'api' | 'cli' | 'source' | 'system';

/** Who is acting, through which channel: set at the edge (HTTP guard, CLI, scheduler), read by the audit trail. */
export interface RequestContext {
  actor: string;
  channel: Channel;
  requestId?: string;
  userId?: number;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runInContext<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

export function enterContext(context: RequestContext): void {
  storage.enterWith(context);
}

/**
 * Fills in the context opened for this request (the HTTP edge opens it before routing, and learns who calls only
 * later, in the guard). Outside any context, opens one for the rest of the current execution.
 */
export function updateContext(patch: Partial<RequestContext>): void {
  const store = storage.getStore();
  if (store) Object.assign(store, patch);
  else storage.enterWith({ actor: 'système', channel: 'system', ...patch });
}

export function currentContext(): RequestContext {
  return storage.getStore() ?? { actor: 'système', channel: 'system' };
}
