import type { AccessPolicyService, Principal } from '@cap-iae/access';
import type { PlanStatus, PlansService } from '@cap-iae/action-plans';

export type PlanAction = 'read' | 'write' | 'submit' | 'validate' | 'close';

/**
 * Reading a plan needs `plan.read` on its département, except a draft which needs `plan.readDraft`: a draft is the
 * département's working copy. Other actions are checked as such on the plan's département.
 */
export function policyAction(action: PlanAction, status: PlanStatus): string {
  return action === 'read' && status === 'draft' ? 'readDraft' : action;
}

export async function mayOnPlan(
  policy: AccessPolicyService,
  principal: Principal,
  facts: { department: string; status: PlanStatus },
  action: PlanAction,
): Promise<boolean> {
  return policy.allowed(principal, 'plan', policyAction(action, facts.status), [facts.department]);
}

/** Loads the plan's département and status (404 when unknown) and asserts the caller's right on it (403). */
export async function assertOnPlan(
  policy: AccessPolicyService,
  plans: PlansService,
  principal: Principal,
  planId: number,
  action: PlanAction,
): Promise<{ department: string; status: PlanStatus }> {
  const facts = await plans.accessFacts(planId);
  await policy.assert(principal, 'plan', policyAction(action, facts.status), [facts.department]);
  return facts;
}
