/** The two bilans of the yearly cycle (docs/bilans.md): the région's COR-IAE and each département's CDIAE. */
export const BILAN_KINDS = ['cor-iae', 'cdiae'] as const;
export type BilanKind = (typeof BILAN_KINDS)[number];
export const BILAN_KIND_LABELS: Record<BilanKind, string> = {
  'cor-iae': 'Bilan COR-IAE',
  cdiae: 'Bilan CDIAE',
};
/** The territory level each kind is drawn up for. */
export const BILAN_KIND_LEVELS: Record<BilanKind, 'region' | 'department'> = {
  'cor-iae': 'region',
  cdiae: 'department',
};

export function isBilanKind(value: unknown): value is BilanKind {
  return typeof value === 'string' && (BILAN_KINDS as readonly string[]).includes(value);
}

export const BILAN_STATUSES = ['pending', 'running', 'ready', 'failed'] as const;
export type BilanStatus = (typeof BILAN_STATUSES)[number];
export const BILAN_STATUS_LABELS: Record<BilanStatus, string> = {
  pending: 'en attente',
  running: 'en cours',
  ready: 'prêt',
  failed: 'échec',
};
