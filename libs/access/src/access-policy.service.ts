import { Injectable } from '@nestjs/common';
import { DomainError } from '@cap-iae/shared';
import { TerritoriesService } from '@cap-iae/territories';
import { isAllowed, Resource } from './policy';
import type { Principal } from './principal';

/** Server-side enforcement of the policy table; services call `assert` when the territory comes from the object. */
@Injectable()
export class AccessPolicyService {
  constructor(private readonly territories: TerritoriesService) {}

  async allowed(
    principal: Principal,
    resource: Resource,
    action: string,
    territories?: readonly string[],
  ): Promise<boolean> {
    const all = await this.territories.all();
    // Unknown codes are not a permission question: validation answers them with a 400 naming the field.
    const known = territories?.filter((t) => all.has(t));
    return isAllowed(
      principal.grants,
      resource,
      action,
      known?.length ? known : undefined,
      (c) => all.get(c)?.parentCode,
    );
  }

  async assert(
    principal: Principal,
    resource: Resource,
    action: string,
    territories?: readonly string[],
  ): Promise<void> {
    if (await this.allowed(principal, resource, action, territories)) return;
    if (principal.kind === 'public')
      throw new DomainError('UNAUTHENTICATED', 'Connectez-vous pour effectuer cette action.');
    throw new DomainError(
      'FORBIDDEN',
      territories?.length
        ? `Vos rôles ne vous permettent pas cette action sur ${territories.length > 1 ? 'ces territoires' : 'ce territoire'} (${territories.slice(0, 5).join(', ')}).`
        : 'Vos rôles ne vous permettent pas cette action.',
    );
  }
}
