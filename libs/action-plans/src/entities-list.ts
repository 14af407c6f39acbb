import {
  ActionPlan,
  ActionPlanVersion,
  PlanAction,
  PlanActionBudget,
  PlanActionIndicator,
  PlanActionNote,
  PlanActionObjective,
} from './entities';

export const ACTION_PLAN_ENTITY_CLASSES = [
  ActionPlan,
  PlanAction,
  PlanActionObjective,
  PlanActionIndicator,
  PlanActionBudget,
  PlanActionNote,
  ActionPlanVersion,
];
