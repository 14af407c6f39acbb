import { randomUUID } from 'node:crypto';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { AccessPolicyService, Principal, PUBLIC, safeEqual, SessionsService } from '@cap-iae/access';
import { DomainError, updateContext } from '@cap-iae/shared';
import { ROUTE_POLICY, RoutePolicy, TerritorySource } from './access.decorator';
import { AppRequest, PRELOGIN_CSRF_COOKIE, SESSION_COOKIE } from './request-principal';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * One place for authentication, CSRF and authorisation: resolves who calls (session cookie, API token or public),
 * sets the request context the audit trail reads, and checks the route's declared policy server-side.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionsService,
    private readonly policy: AccessPolicyService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AppRequest>();
    const res = context.switchToHttp().getResponse<Response>();
    req.requestId ??= randomUUID();
    res.setHeader('X-Request-Id', req.requestId);

    const principal = await this.authenticate(req);
    req.principal = principal;
    updateContext({
      actor:
        principal.kind === 'token'
          ? `${principal.login} (jeton ${principal.tokenPrefix})`
          : (principal.login ?? 'public'),
      channel: principal.kind === 'token' ? 'api' : 'web',
      requestId: req.requestId,
      userId: principal.userId,
    });

    const route = this.reflector.getAllAndOverride<RoutePolicy | undefined>(ROUTE_POLICY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!route)
      throw new DomainError('FORBIDDEN', 'Cette adresse ne déclare pas qui peut y accéder : accès refusé.');

    // Logging in is judged as a public write whatever cookie comes with it: a planted session must not block it.
    if (!SAFE_METHODS.has(req.method)) {
      this.checkCsrf(req, route.resource === 'session' && route.action === 'open' ? PUBLIC : principal);
    }

    // A provisional password (set by an administrator) opens the account page and nothing else until it is changed.
    if (principal.mustChangePassword && !['account', 'session', 'reference'].includes(route.resource)) {
      throw new DomainError(
        'FORBIDDEN',
        'Votre mot de passe est provisoire : changez-le dans « Mon compte » avant de continuer.',
      );
    }

    const territories = territoriesFrom(req, route.territory);
    await this.policy.assert(principal, route.resource, route.action, territories);
    return true;
  }

  private async authenticate(req: AppRequest): Promise<Principal> {
    const header = req.headers.authorization;
    if (header?.startsWith('Bearer ')) {
      const principal = await this.sessions.resolveToken(header.slice(7).trim());
      if (!principal) throw new DomainError('UNAUTHENTICATED', "Jeton d'API inconnu ou révoqué.");
      return principal;
    }
    const cookies = req.cookies as Record<string, string> | undefined;
    const token = cookies?.[SESSION_COOKIE];
    if (token) {
      req.sessionToken = token;
      const principal = await this.sessions.resolveSession(token);
      if (principal) return principal;
    }
    return PUBLIC;
  }

  /**
   * Cookie sessions need a token the attacker's page cannot read: the session's CSRF token, in a header (API) or a
   * hidden field (forms). Before login, forms use a double-submit cookie. API tokens are not sent by browsers
   * on their own, so they need none.
   */
  private checkCsrf(req: AppRequest, principal: Principal): void {
    if (principal.kind === 'token') return;
    const body = req.body as Record<string, unknown> | undefined;
    // A multipart form (file upload) is read after the guard, so its token travels in the query string.
    const fromQuery =
      req.is('multipart/form-data') && typeof req.query._csrf === 'string' ? req.query._csrf : undefined;
    const sent =
      (req.headers['x-csrf-token'] as string | undefined) ??
      (typeof body?._csrf === 'string' ? body._csrf : undefined) ??
      fromQuery;
    if (principal.kind === 'user') {
      if (sent && principal.csrfToken && safeEqual(sent, principal.csrfToken)) return;
      throw new DomainError(
        'FORBIDDEN',
        'Jeton anti-falsification (CSRF) absent ou invalide : rechargez la page et recommencez.',
      );
    }
    // Public writes (logging in): a JSON body cannot be sent cross-site without a CORS preflight; a form must echo
    // the pre-login cookie.
    if (req.is('application/json')) return;
    const cookie = (req.cookies as Record<string, string> | undefined)?.[PRELOGIN_CSRF_COOKIE];
    if (sent && cookie && safeEqual(sent, cookie)) return;
    throw new DomainError(
      'FORBIDDEN',
      'Jeton anti-falsification (CSRF) absent ou invalide : rechargez la page et recommencez.',
    );
  }
}

export function territoriesFrom(req: AppRequest, source: TerritorySource): string[] | undefined {
  if (source === 'none' || source === 'object') return undefined;
  const list = (v: unknown): string[] =>
    typeof v === 'string'
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : Array.isArray(v)
        ? v.filter((x): x is string => typeof x === 'string')
        : [];
  const body = (req.body ?? {}) as Record<string, unknown>;
  if ('query' in source) {
    const found = list(req.query[source.query]);
    return found.length ? found : undefined;
  }
  if ('param' in source) return list(req.params[source.param]);
  if ('body' in source) return list(body[source.body]);
  const items = body[source.bodyList];
  // A malformed body is left to validation (400); an empty list touches no territory.
  if (!Array.isArray(items)) return [];
  return [
    ...new Set(
      items
        .map((i) => (i as Record<string, unknown> | null)?.[source.field])
        .filter((t): t is string => typeof t === 'string'),
    ),
  ];
}
