import type { ActionStatus, BudgetLine, PlanStatus } from './plan-model';

/** An objective of the plan's strategy, as an action links to it. */
export interface ObjectiveRef {
  id: number;
  /** As printed in the strategy: `1.1`, `3.4`. */
  number: string;
  title: string;
  axisNumber: number;
  axisTitle: string;
}

export interface NoteView {
  id: number;
  /** The day the note speaks of, `YYYY-MM-DD`. */
  date: string;
  author: string;
  text: string;
  createdAt: string;
}

export interface ActionView {
  id: number;
  planId: number;
  position: number;
  title: string;
  description: string | null;
  pilotOrganisation: string | null;
  pilotPerson: string | null;
  partners: string[];
  startDate: string | null;
  dueDate: string | null;
  endDate: string | null;
  status: ActionStatus;
  statusLabel: string;
  /** Derived: open status and planned end before today (Europe/Paris). */
  late: boolean;
  progress: number;
  /** Sorted by objective number. */
  objectives: ObjectiveRef[];
  indicators: string[];
  budgets: BudgetLine[];
  notes: NoteView[];
  copiedFromActionId: number | null;
  version: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
  demo: boolean;
}

export interface PlanHeader {
  id: number;
  department: { code: string; name: string };
  strategy: { code: string; title: string; startYear: number; endYear: number };
  year: number;
  status: PlanStatus;
  statusLabel: string;
  summary: string | null;
  /** The CDIAE's avis, once an administrator recorded it. */
  avis: { date: string; comment: string | null; recordedBy: string | null; recordedAt: string | null } | null;
  submittedAt: string | null;
  submittedBy: string | null;
  closedAt: string | null;
  closedBy: string | null;
  copiedFromPlanId: number | null;
  /** Number of the latest saved state (see versions). */
  revision: number;
  /** Optimistic lock of the plan's own fields and status. */
  version: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
  demo: boolean;
}

export interface PlanView extends PlanHeader {
  actions: ActionView[];
}

export interface PlanListItem extends PlanHeader {
  actionCount: number;
  lateCount: number;
}

export interface VersionMeta {
  number: number;
  author: string;
  createdAt: string;
  reason: string;
}
