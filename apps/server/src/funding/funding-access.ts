import { AccessPolicyService, Principal } from '@cap-iae/access';
import { FundingEditor } from '@cap-iae/funding';
import { DomainError } from '@cap-iae/shared';
import { TerritoriesService, TerritoryView } from '@cap-iae/territories';

/**
 * What the policy table cannot say about funding: a conseil départemental writes only the lines of its own funder.
 * The table lets `departmental_council` write on its département; this turns the caller's roles into the
 * `FundingEditor` the funding service checks each line's funder against.
 *
 * A plain class built by each funding controller from services the core exports, so that the app module only
 * lists controllers.
 */
export class FundingAccess {
  constructor(
    readonly policyService: AccessPolicyService,
    private readonly territories: TerritoriesService,
  ) {}

  private get policy(): AccessPolicyService {
    return this.policyService;
  }

  /**
   * Unrestricted when some role other than conseil départemental may write funding on `territory` (an
   * administrator); otherwise restricted to the conseils départementaux of the caller's département grants.
   */
  async editor(principal: Principal, territory: string): Promise<FundingEditor> {
    const others: Principal = {
      ...principal,
      grants: principal.grants.filter((g) => g.role !== 'departmental_council'),
    };
    const unrestricted =
      others.grants.length > 0 && (await this.policy.allowed(others, 'funding', 'write', [territory]));
    return {
      login: principal.login ?? null,
      councilTerritories: unrestricted
        ? null
        : principal.grants.filter((g) => g.role === 'departmental_council').map((g) => g.territory),
    };
  }

  /** Funders and schemes are a shared catalogue: administrators only (the policy has no finer action for it). */
  assertAdmin(principal: Principal): void {
    if (principal.grants.some((g) => g.role === 'admin')) return;
    throw new DomainError(
      'FORBIDDEN',
      'Seul un administrateur peut modifier le référentiel des financeurs et des dispositifs.',
    );
  }

  /** Territories whose funding this caller may read, among `candidates`. */
  async readable(principal: Principal, candidates: readonly string[]): Promise<string[]> {
    const out: string[] = [];
    for (const c of candidates) if (await this.policy.allowed(principal, 'funding', 'read', [c])) out.push(c);
    return out;
  }

  async departments(): Promise<TerritoryView[]> {
    return (await this.territories.list({ level: 'department' })).sort((a, b) =>
      a.code.localeCompare(b.code),
    );
  }

  /** Département codes behind a list of codes: a région stands for its départements. */
  async expand(codes: readonly string[]): Promise<string[]> {
    const all = await this.territories.all();
    const out = new Set<string>();
    for (const code of codes) {
      const t = all.get(code);
      if (t?.level === 'region')
        for (const d of await this.territories.list({ level: 'department', parent: code })) out.add(d.code);
      else out.add(code);
    }
    return [...out];
  }

  /** The département a caller most likely came for: the first of its grants, or the first of its région. */
  async defaultDepartment(principal: Principal): Promise<string | undefined> {
    const all = await this.territories.all();
    for (const g of principal.grants) {
      const t = all.get(g.territory);
      const candidates =
        t?.level === 'department'
          ? [t.code]
          : (await this.territories.list({ level: 'department', parent: g.territory }))
              .map((d) => d.code)
              .sort();
      const [first] = await this.readable(principal, candidates);
      if (first) return first;
    }
    return undefined;
  }
}
