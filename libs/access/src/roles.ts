/** Roles are held with a territory scope; a user may hold several. The public (no login) has no role. */
export const ROLES = [
  'admin',
  'cor_member',
  'cdiae_secretary',
  'departmental_council',
  'data_manager',
] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Administrateur',
  cor_member: 'Membre du COR-IAE',
  cdiae_secretary: 'Secrétaire du CDIAE',
  departmental_council: 'Conseil départemental',
  data_manager: 'Gestionnaire de données',
};

/** Which level of territory each role is given for: a CDIAE or a conseil départemental is one département. */
export const ROLE_SCOPE_LEVEL: Record<Role, 'region' | 'department' | 'any'> = {
  admin: 'region',
  cor_member: 'region',
  cdiae_secretary: 'department',
  departmental_council: 'department',
  data_manager: 'any',
};

export interface RoleGrant {
  role: Role;
  territory: string;
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
