import type { RoleGrant } from './roles';

/** Who is calling: a person through a session, a machine through an API token, or the public. */
export interface Principal {
  kind: 'user' | 'token' | 'public';
  userId?: number;
  login?: string;
  displayName?: string;
  grants: RoleGrant[];
  sessionId?: string;
  csrfToken?: string;
  mustChangePassword?: boolean;
  tokenPrefix?: string;
  demo?: boolean;
}

export const PUBLIC: Principal = { kind: 'public', grants: [] };
