import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DomainError, FieldIssue } from '@cap-iae/shared';
import { TerritoriesService } from '@cap-iae/territories';
import { RoleAssignment, User, UserSession } from './access.entities';
import { AuditService } from './audit.service';
import { generatePassword, hashPassword, passwordIssues, verifyPassword } from './password';
import { isRole, ROLE_LABELS, ROLE_SCOPE_LEVEL, RoleGrant, ROLES } from './roles';

export interface UserView {
  id: number;
  login: string;
  displayName: string;
  active: boolean;
  mustChangePassword: boolean;
  demo: boolean;
  roles: (RoleGrant & { label: string })[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface CreateUserInput {
  login: string;
  displayName: string;
  password?: string;
  roles: RoleGrant[];
  demo?: boolean;
}

const LOGIN_PATTERN = /^[a-z0-9._%+-]+(@[a-z0-9.-]+\.[a-z]{2,})?$/;

@Injectable()
export class AccountsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly territories: TerritoriesService,
    private readonly audit: AuditService,
  ) {}

  async list(): Promise<UserView[]> {
    const users = await this.dataSource
      .getRepository(User)
      .find({ relations: { roles: true }, order: { login: 'ASC' } });
    return users.map(toView);
  }

  async get(id: number): Promise<UserView> {
    return toView(await this.load(this.dataSource.manager, id));
  }

  async findByLogin(login: string): Promise<User | null> {
    return this.dataSource
      .getRepository(User)
      .findOne({ where: { login: login.trim().toLowerCase() }, relations: { roles: true } });
  }

  async grantsOf(userId: number): Promise<RoleGrant[]> {
    const rows = await this.dataSource.getRepository(RoleAssignment).find({ where: { userId } });
    return rows.map((r) => ({ role: r.role, territory: r.territoryCode }));
  }

  async deactivateDemoAccounts(): Promise<number> {
    const demo = await this.dataSource.getRepository(User).find({ where: { isDemo: true, active: true } });
    if (demo.length === 0) return 0;
    await this.dataSource.transaction(async (em) => {
      for (const u of demo) {
        await em
          .getRepository(User)
          .update(
            { id: u.id },
            { active: false, updatedAt: new Date().toISOString(), version: u.version + 1 },
          );
        await em.getRepository(UserSession).delete({ userId: u.id });
      }
    });
    await this.audit.record(
      demo.map((u) => ({
        action: 'désactivation (démonstration)',
        objectType: 'utilisateur',
        objectId: String(u.id),
        summary: u.login,
      })),
    );
    return demo.length;
  }

  /** Returns the password to show once when none was given (generated). */
  async create(input: CreateUserInput): Promise<{ user: UserView; password: string }> {
    const login = typeof input.login === 'string' ? input.login.trim().toLowerCase() : '';
    const issues: FieldIssue[] = [];
    if (!LOGIN_PATTERN.test(login) || login.length > 120)
      issues.push({ field: 'login', message: 'identifiant invalide (adresse électronique attendue)' });
    if (
      typeof input.displayName !== 'string' ||
      !input.displayName.trim() ||
      input.displayName.length > 120
    ) {
      issues.push({ field: 'displayName', message: 'nom obligatoire (120 caractères au plus)' });
    }
    const password = input.password ?? generatePassword();
    issues.push(...passwordIssues(password, login));
    issues.push(...(await this.roleIssues(input.roles)));
    if (issues.length === 0 && (await this.findByLogin(login)))
      issues.push({ field: 'login', message: 'cet identifiant est déjà utilisé' });
    if (issues.length) throw DomainError.validation(issues, "Le compte n'a pas été créé.");
    const now = new Date().toISOString();
    const hash = await hashPassword(password);
    const id = await this.dataSource.transaction(async (em) => {
      const user = await em.getRepository(User).save(
        em.getRepository(User).create({
          login,
          displayName: input.displayName.trim(),
          passwordHash: hash,
          active: true,
          mustChangePassword: input.password === undefined,
          isDemo: input.demo ?? false,
          oidcSubject: null,
          createdAt: now,
          updatedAt: now,
          version: 1,
        }),
      );
      await this.replaceRoles(em, user.id, input.roles);
      return user.id;
    });
    const view = await this.get(id);
    await this.audit.record({
      action: 'création',
      objectType: 'utilisateur',
      objectId: String(id),
      after: publicFields(view),
    });
    return { user: view, password };
  }

  async update(
    id: number,
    changes: { displayName?: string; active?: boolean; roles?: RoleGrant[]; version: number },
  ): Promise<UserView> {
    const issues: FieldIssue[] = [];
    if (changes.roles) issues.push(...(await this.roleIssues(changes.roles)));
    if (
      changes.displayName !== undefined &&
      (!changes.displayName.trim() || changes.displayName.length > 120)
    ) {
      issues.push({ field: 'displayName', message: 'nom obligatoire (120 caractères au plus)' });
    }
    if (issues.length) throw DomainError.validation(issues, "Le compte n'a pas été modifié.");
    const before = await this.get(id);
    await this.dataSource.transaction(async (em) => {
      const result = await em
        .createQueryBuilder()
        .update(User)
        .set({
          ...(changes.displayName !== undefined ? { displayName: changes.displayName.trim() } : {}),
          ...(changes.active !== undefined ? { active: changes.active } : {}),
          updatedAt: new Date().toISOString(),
          version: () => 'version + 1',
        })
        .where('id = :id AND version = :version', { id, version: changes.version })
        .execute();
      if (!result.affected) {
        throw DomainError.conflict(
          "Ce compte a été modifié par quelqu'un d'autre depuis que vous l'avez ouvert : rechargez-le pour voir ses données actuelles.",
        );
      }
      if (changes.roles) await this.replaceRoles(em, id, changes.roles);
      if (changes.active === false) await em.getRepository(UserSession).delete({ userId: id });
    });
    const after = await this.get(id);
    await this.audit.record({
      action: 'modification',
      objectType: 'utilisateur',
      objectId: String(id),
      before: publicFields(before),
      after: publicFields(after),
    });
    return after;
  }

  /** An administrator's reset: a new password shown once, every session closed, a change required at next login. */
  async resetPassword(id: number): Promise<string> {
    await this.load(this.dataSource.manager, id);
    const password = generatePassword();
    const hash = await hashPassword(password);
    await this.dataSource.transaction(async (em) => {
      await em
        .getRepository(User)
        .update(
          { id },
          { passwordHash: hash, mustChangePassword: true, updatedAt: new Date().toISOString() },
        );
      await em.getRepository(UserSession).delete({ userId: id });
    });
    await this.audit.record({
      action: 'réinitialisation du mot de passe',
      objectType: 'utilisateur',
      objectId: String(id),
    });
    return password;
  }

  async changePassword(id: number, current: string, next: string, keepSession?: string): Promise<void> {
    const user = await this.load(this.dataSource.manager, id);
    if (!(await verifyPassword(user.passwordHash, current))) {
      throw DomainError.validation(
        [{ field: 'currentPassword', message: 'mot de passe actuel incorrect' }],
        "Le mot de passe n'a pas été changé.",
      );
    }
    const issues = passwordIssues(next, user.login, 'newPassword');
    if (current === next) issues.push({ field: 'newPassword', message: "doit être différent de l'actuel" });
    if (issues.length) throw DomainError.validation(issues, "Le mot de passe n'a pas été changé.");
    const hash = await hashPassword(next);
    await this.dataSource.transaction(async (em) => {
      await em
        .getRepository(User)
        .update(
          { id },
          { passwordHash: hash, mustChangePassword: false, updatedAt: new Date().toISOString() },
        );
      // Other sessions may belong to whoever knew the old password.
      const qb = em.createQueryBuilder().delete().from(UserSession).where('user_id = :id', { id });
      if (keepSession) qb.andWhere('token_hash <> :keep', { keep: keepSession });
      await qb.execute();
    });
    await this.audit.record({
      action: 'changement du mot de passe',
      objectType: 'utilisateur',
      objectId: String(id),
    });
  }

  private async roleIssues(roles: unknown): Promise<FieldIssue[]> {
    if (!Array.isArray(roles)) return [{ field: 'roles', message: 'doit être une liste de rôles' }];
    // An account without a role has no territory, so no administrator's scope could be checked against it.
    if (roles.length === 0) return [{ field: 'roles', message: 'au moins un rôle est nécessaire' }];
    const issues: FieldIssue[] = [];
    const all = await this.territories.all();
    roles.forEach((g: { role?: unknown; territory?: unknown }, i) => {
      if (!isRole(g?.role)) {
        issues.push({ field: `roles[${i}].role`, message: `rôle inconnu (attendu : ${ROLES.join(', ')})` });
        return;
      }
      const t = typeof g.territory === 'string' ? all.get(g.territory) : undefined;
      if (!t) {
        issues.push({ field: `roles[${i}].territory`, message: 'territoire inconnu' });
        return;
      }
      const level = ROLE_SCOPE_LEVEL[g.role];
      if (level !== 'any' && t.level !== level) {
        issues.push({
          field: `roles[${i}].territory`,
          message: `le rôle « ${ROLE_LABELS[g.role]} » s'exerce sur ${level === 'region' ? 'une région' : 'un département'}`,
        });
      }
    });
    return issues;
  }

  private async replaceRoles(em: EntityManager, userId: number, roles: RoleGrant[]): Promise<void> {
    await em.getRepository(RoleAssignment).delete({ userId });
    const unique = new Map(roles.map((r) => [`${r.role}|${r.territory}`, r]));
    for (const r of unique.values()) {
      await em.getRepository(RoleAssignment).insert({ userId, role: r.role, territoryCode: r.territory });
    }
  }

  private async load(em: EntityManager, id: number): Promise<User> {
    const user = await em.getRepository(User).findOne({ where: { id }, relations: { roles: true } });
    if (!user) throw DomainError.notFound(`Compte introuvable : ${id}.`);
    return user;
  }
}

function toView(u: User): UserView {
  return {
    id: u.id,
    login: u.login,
    displayName: u.displayName,
    active: Boolean(u.active),
    mustChangePassword: Boolean(u.mustChangePassword),
    demo: Boolean(u.isDemo),
    roles: (u.roles ?? [])
      .map((r) => ({ role: r.role, territory: r.territoryCode, label: ROLE_LABELS[r.role] }))
      .sort((a, b) => a.role.localeCompare(b.role) || a.territory.localeCompare(b.territory)),
    version: u.version,
    createdAt: u.createdAt,
    updatedAt: u.updatedAt,
  };
}

/** What the audit trail keeps of an account: never the password hash. */
function publicFields(u: UserView) {
  return {
    login: u.login,
    displayName: u.displayName,
    active: u.active,
    roles: u.roles.map((r) => `${r.role}@${r.territory}`),
  };
}
