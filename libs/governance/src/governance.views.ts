import { DomainError, formatDateFr } from '@cap-iae/shared';
import {
  DECISION_KIND_LABELS,
  DecisionKind,
  INSTANCE_LEVEL_LABELS,
  InstanceLevel,
  MEETING_STATUS_LABELS,
  MeetingStatus,
  TARGET_TYPE_LABELS,
  TargetType,
} from './governance.constants';
import type { AgendaItem, InstanceType, Participant } from './governance.entities';

/**
 * Plain view-models: what the API returns, the pages render and the bilans read. Dates are ISO text, with a French
 * label next to them so that every output prints a meeting date the same way.
 */

export interface InstanceTypeView {
  id: number;
  code: string;
  label: string;
  level: InstanceLevel;
  levelLabel: string;
  description: string | null;
  active: boolean;
  version: number;
}

/** An instance as other objects cite it. */
export interface InstanceRef {
  id: number;
  name: string;
  typeCode: string;
  typeLabel: string;
  territory: string;
  territoryName: string;
}

export interface InstanceView extends InstanceRef {
  level: InstanceLevel;
  active: boolean;
  demo: boolean;
  version: number;
  meetingCount: number;
  /** Date of the latest meeting held, ISO; null when none was held yet. */
  lastHeld: string | null;
  /** Date of the next planned meeting, ISO; null when none is planned. */
  nextPlanned: string | null;
}

export interface TargetView {
  type: TargetType;
  typeLabel: string;
  /** Id of the action, plan or objective; SIRET of an SIAE. */
  ref: string;
  /** Label as it was when the link was made. */
  label: string;
}

export interface DecisionView {
  id: number;
  meetingId: number;
  position: number;
  kind: DecisionKind;
  kindLabel: string;
  text: string;
  targets: TargetView[];
  demo: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface MeetingView {
  id: number;
  instance: InstanceRef;
  /** ISO date `YYYY-MM-DD`. */
  date: string;
  /** « 14 octobre 2021 ». */
  dateLabel: string;
  title: string;
  status: MeetingStatus;
  statusLabel: string;
  participants: Participant[];
  agenda: AgendaItem[];
  minutes: string | null;
  decisionCount: number;
  demo: boolean;
  version: number;
  createdBy: string | null;
  createdAt: string;
  updatedBy: string | null;
  updatedAt: string;
}

export interface MeetingDetail extends MeetingView {
  decisions: DecisionView[];
}

/**
 * A meeting as the bilans list it (`GovernanceReadService.meetingsFor`): the instance, when, what was on the agenda,
 * who came (counted) and how many decisions or avis were recorded.
 */
export interface MeetingSummary {
  id: number;
  instance: InstanceRef;
  date: string;
  dateLabel: string;
  title: string;
  status: MeetingStatus;
  statusLabel: string;
  participantCount: number;
  /** Agenda item titles, in order. */
  agenda: string[];
  decisionCount: number;
  demo: boolean;
}

/** A decision or avis as the bilans list it (`GovernanceReadService.decisionsFor`), with its meeting and targets. */
export interface DecisionSummary {
  id: number;
  kind: DecisionKind;
  kindLabel: string;
  text: string;
  meeting: { id: number; date: string; dateLabel: string; title: string };
  instance: InstanceRef;
  targets: TargetView[];
  demo: boolean;
}

export function instanceTypeView(t: InstanceType): InstanceTypeView {
  return {
    id: t.id,
    code: t.code,
    label: t.label,
    level: t.level,
    levelLabel: INSTANCE_LEVEL_LABELS[t.level] ?? t.level,
    description: t.description,
    active: Boolean(t.active),
    version: t.version,
  };
}

export function targetView(type: TargetType, ref: string, label: string): TargetView {
  return { type, typeLabel: TARGET_TYPE_LABELS[type] ?? type, ref, label };
}

export function kindLabel(kind: DecisionKind): string {
  return DECISION_KIND_LABELS[kind] ?? kind;
}

export function statusLabel(status: MeetingStatus): string {
  return MEETING_STATUS_LABELS[status] ?? status;
}

/** Noon UTC, so that the date reads the same in Europe/Paris whatever the season. */
export function frenchDate(isoDate: string): string {
  return formatDateFr(new Date(`${isoDate}T12:00:00Z`));
}

/** Today in Europe/Paris as `YYYY-MM-DD`: a meeting « tenue » cannot be dated after it. */
export function todayInParis(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
}

/** JSON columns are written by this library only; a corrupt cell reads as an empty list rather than breaking a page. */
export function parseList<T>(text: string | null | undefined): T[] {
  if (!text) return [];
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? (v as T[]) : [];
  } catch {
    return [];
  }
}

/**
 * A stale edit: nothing was written. Carries the stored object so that the API answers with both versions and a
 * page shows them side by side.
 */
export class StaleVersionError<T extends { version: number }> extends DomainError {
  constructor(
    message: string,
    readonly current: T,
    readonly submittedVersion: number,
  ) {
    super('CONFLICT', message, [
      {
        field: 'version',
        message: `version envoyée : ${submittedVersion} ; version enregistrée : ${current.version}`,
      },
    ]);
  }
}

export function isStaleVersionError(e: unknown): e is StaleVersionError<{ version: number }> {
  return e instanceof StaleVersionError;
}
