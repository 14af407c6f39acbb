/**
 * Vocabulary of the governance library. Instance *types* are data (table `instance_type`), because the Pacte
 * d'ambition (measure 22) replaces CDIAE and CTA by comités territoriaux de l'inclusion dans l'emploi: only the
 * closed lists below (levels, meeting statuses, kinds of decision, kinds of target) live in code.
 */

/** Territory levels an instance type may sit at; values are those of `TerritoryLevel` (libs/shared). */
export const INSTANCE_LEVELS = ['region', 'department', 'employment_area'] as const;
export type InstanceLevel = (typeof INSTANCE_LEVELS)[number];
export const INSTANCE_LEVEL_LABELS: Record<InstanceLevel, string> = {
  region: 'Région',
  department: 'Département',
  employment_area: "Bassin d'emploi",
};

/**
 * Codes of the types created by the migration. Bilans select instances by these codes (the COR-IAE bilan lists
 * COR-IAE meetings, the CDIAE bilan the CDIAE's); the codes never change once created, the labels may.
 */
export const SEEDED_INSTANCE_TYPES = {
  corIae: 'COR_IAE',
  cdiae: 'CDIAE',
  cta: 'CTA',
  fundersConference: 'CONF_FINANCEURS',
  territorialInclusionCommittee: 'CTIE',
  regionalInclusionCommittee: 'CRIE',
} as const;

export const MEETING_STATUSES = ['planned', 'held', 'cancelled'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];
export const MEETING_STATUS_LABELS: Record<MeetingStatus, string> = {
  planned: 'prévue',
  held: 'tenue',
  cancelled: 'annulée',
};

export const DECISION_KINDS = [
  'decision',
  'favourable_opinion',
  'unfavourable_opinion',
  'reserved_opinion',
  'recommendation',
] as const;
export type DecisionKind = (typeof DECISION_KINDS)[number];
export const DECISION_KIND_LABELS: Record<DecisionKind, string> = {
  decision: 'Décision',
  favourable_opinion: 'Avis favorable',
  unfavourable_opinion: 'Avis défavorable',
  reserved_opinion: 'Avis réservé',
  recommendation: 'Recommandation',
};

/**
 * What a decision may be about. `ref` is an id for actions, plans and objectives, a SIRET for an SIAE. Actions and
 * plans belong to libs/action-plans: they are referred to by id with a label snapshot, so that a decision keeps
 * reading right even if the action is renamed or removed later.
 */
export const TARGET_TYPES = ['action', 'plan', 'objective', 'siae'] as const;
export type TargetType = (typeof TARGET_TYPES)[number];
export const TARGET_TYPE_LABELS: Record<TargetType, string> = {
  action: "Action d'un plan d'actions",
  plan: "Plan d'actions",
  objective: 'Objectif de la stratégie',
  siae: 'SIAE',
};

export const LIMITS = {
  participants: 200,
  agendaItems: 100,
  targets: 50,
  minutes: 100_000,
  decisionText: 10_000,
  description: 2_000,
} as const;
