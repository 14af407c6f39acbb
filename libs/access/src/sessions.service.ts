import { Injectable, OnApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThan, MoreThan } from 'typeorm';
import { DomainError } from '@cap-iae/shared';
import { ApiToken, LoginAttempt, User, UserSession } from './access.entities';
import { AccountsService } from './accounts.service';
import { AuditService } from './audit.service';
import { dummyVerify, randomToken, sha256, verifyPassword } from './password';
import { Principal, PUBLIC } from './principal';

/** 20 failures a minute, per account and per address: the 21st attempt is refused before the password is checked. */
export const MAX_FAILURES_PER_MINUTE = 20;
const SESSION_HOURS = 10;
const IDLE_MINUTES = 120;
const TOKEN_PREFIX = 'capiae_';

export class ThrottledError extends DomainError {
  constructor() {
    super('RATE_LIMITED', 'Trop de tentatives de connexion : patientez une minute avant de réessayer.');
  }
}

@Injectable()
export class SessionsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private purgeTimer?: NodeJS.Timeout;

  /** Expired sessions and old login attempts are removed hourly; unref'd so that a CLI command still exits. */
  onApplicationBootstrap(): void {
    this.purgeTimer = setInterval(() => void this.purgeExpired().catch(() => undefined), 3_600_000);
    this.purgeTimer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.purgeTimer);
  }

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly accounts: AccountsService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Checks the credentials and opens a new session. The caller's previous session, if any, is closed first, so that a
   * session id planted before login is worthless after it (session fixation).
   */
  async login(
    login: string,
    password: string,
    ip: string,
    previousSessionToken?: string,
  ): Promise<{ token: string; principal: Principal }> {
    const normalised = String(login ?? '')
      .trim()
      .toLowerCase()
      .slice(0, 120);
    const since = new Date(Date.now() - 60_000).toISOString();
    const attempts = this.dataSource.getRepository(LoginAttempt);
    const [byLogin, byIp] = await Promise.all([
      attempts.count({ where: { login: normalised, success: false, at: MoreThan(since) } }),
      attempts.count({ where: { ip, success: false, at: MoreThan(since) } }),
    ]);
    if (byLogin >= MAX_FAILURES_PER_MINUTE || byIp >= MAX_FAILURES_PER_MINUTE) {
      await attempts.insert({ login: normalised, ip, at: new Date().toISOString(), success: false });
      throw new ThrottledError();
    }
    const user = await this.accounts.findByLogin(normalised);
    const ok =
      user && user.active
        ? await verifyPassword(user.passwordHash, String(password ?? ''))
        : await dummyVerify(String(password ?? ''));
    await attempts.insert({ login: normalised, ip, at: new Date().toISOString(), success: Boolean(ok) });
    if (!ok || !user) {
      throw new DomainError('UNAUTHENTICATED', 'Identifiant ou mot de passe incorrect.');
    }
    if (previousSessionToken) await this.logout(previousSessionToken);
    const token = randomToken();
    const now = new Date();
    await this.dataSource.getRepository(UserSession).insert({
      tokenHash: sha256(token),
      userId: user.id,
      csrfToken: randomToken(24),
      createdAt: now.toISOString(),
      lastSeenAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + SESSION_HOURS * 3_600_000).toISOString(),
    });
    const principal = (await this.resolveSession(token))!;
    return { token, principal };
  }

  async resolveSession(token: string): Promise<Principal | undefined> {
    const repo = this.dataSource.getRepository(UserSession);
    const session = await repo.findOne({ where: { tokenHash: sha256(token) } });
    if (!session) return undefined;
    const now = Date.now();
    if (Date.parse(session.expiresAt) < now || Date.parse(session.lastSeenAt) < now - IDLE_MINUTES * 60_000) {
      await repo.delete({ tokenHash: session.tokenHash });
      return undefined;
    }
    const user = await this.dataSource.getRepository(User).findOne({ where: { id: session.userId } });
    if (!user || !user.active) return undefined;
    // Touching the session at most once a minute keeps reads cheap.
    if (Date.parse(session.lastSeenAt) < now - 60_000) {
      await repo.update({ tokenHash: session.tokenHash }, { lastSeenAt: new Date(now).toISOString() });
    }
    return {
      kind: 'user',
      userId: user.id,
      login: user.login,
      displayName: user.displayName,
      grants: await this.accounts.grantsOf(user.id),
      sessionId: session.tokenHash,
      csrfToken: session.csrfToken,
      mustChangePassword: Boolean(user.mustChangePassword),
      demo: Boolean(user.isDemo),
    };
  }

  async logout(token: string): Promise<void> {
    await this.dataSource.getRepository(UserSession).delete({ tokenHash: sha256(token) });
  }

  async logoutEverywhere(userId: number): Promise<number> {
    const result = await this.dataSource.getRepository(UserSession).delete({ userId });
    await this.audit.record({
      action: 'déconnexion partout',
      objectType: 'utilisateur',
      objectId: String(userId),
    });
    return result.affected ?? 0;
  }

  async purgeExpired(): Promise<void> {
    await this.dataSource
      .getRepository(UserSession)
      .delete({ expiresAt: LessThan(new Date().toISOString()) });
    await this.dataSource
      .getRepository(LoginAttempt)
      .delete({ at: LessThan(new Date(Date.now() - 86_400_000).toISOString()) });
  }

  async resolveToken(token: string): Promise<Principal | undefined> {
    if (!token.startsWith(TOKEN_PREFIX)) return undefined;
    const row = await this.dataSource
      .getRepository(ApiToken)
      .findOne({ where: { tokenHash: sha256(token) } });
    if (!row || row.revokedAt) return undefined;
    const user = await this.dataSource.getRepository(User).findOne({ where: { id: row.userId } });
    if (!user || !user.active) return undefined;
    await this.dataSource
      .getRepository(ApiToken)
      .update({ id: row.id }, { lastUsedAt: new Date().toISOString() });
    return {
      kind: 'token',
      userId: user.id,
      login: user.login,
      displayName: user.displayName,
      grants: await this.accounts.grantsOf(user.id),
      tokenPrefix: row.prefix,
      demo: Boolean(user.isDemo),
    };
  }

  anonymous(): Principal {
    return PUBLIC;
  }
}

export interface TokenView {
  id: number;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** API tokens act with their owner's roles; only a hash is stored and the clear value is shown once. */
@Injectable()
export class TokensService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async create(userId: number, name: string): Promise<{ token: string; view: TokenView }> {
    if (typeof name !== 'string' || !name.trim() || name.length > 120) {
      throw DomainError.validation([{ field: 'name', message: 'nom obligatoire (120 caractères au plus)' }]);
    }
    const secret = randomToken(32);
    const token = `${TOKEN_PREFIX}${secret}`;
    const prefix = `${TOKEN_PREFIX}${secret.slice(0, 6)}`;
    const result = await this.dataSource.getRepository(ApiToken).insert({
      userId,
      name: name.trim(),
      prefix,
      tokenHash: sha256(token),
      createdAt: new Date().toISOString(),
      lastUsedAt: null,
      revokedAt: null,
    });
    const id = Number((result.identifiers[0] as { id: number }).id);
    await this.audit.record({
      action: 'création',
      objectType: 'jeton',
      objectId: String(id),
      after: { name: name.trim(), prefix },
    });
    return { token, view: (await this.list(userId)).find((t) => t.id === id)! };
  }

  async list(userId: number): Promise<TokenView[]> {
    const rows = await this.dataSource
      .getRepository(ApiToken)
      .find({ where: { userId }, order: { id: 'DESC' } });
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      prefix: r.prefix,
      createdAt: r.createdAt,
      lastUsedAt: r.lastUsedAt,
      revokedAt: r.revokedAt,
    }));
  }

  async revoke(userId: number, id: number): Promise<void> {
    const row = await this.dataSource.getRepository(ApiToken).findOne({ where: { id, userId } });
    if (!row) throw DomainError.notFound('Jeton introuvable.');
    if (row.revokedAt) return;
    await this.dataSource.getRepository(ApiToken).update({ id }, { revokedAt: new Date().toISOString() });
    await this.audit.record({
      action: 'révocation',
      objectType: 'jeton',
      objectId: String(id),
      before: { prefix: row.prefix },
    });
  }
}
