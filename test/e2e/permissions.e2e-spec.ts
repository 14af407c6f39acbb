import * as fs from 'node:fs';
import * as path from 'node:path';
import request from 'supertest';
import { Controller, ExecutionContext, Get } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  AccessPolicyService,
  AccountsService,
  isAllowed,
  RoleGrant,
  SessionsService,
  TokensService,
} from '@cap-iae/access';
import { AccessGuard } from '../../apps/server/src/access/access.guard';
import { TerritoriesService } from '@cap-iae/territories';
import { runInContext } from '@cap-iae/shared';
import { CONTROLLERS } from '../../apps/server/src/app.module';
import {
  policyExists,
  renderPermissionsDoc,
  routeCatalog,
  RouteEntry,
  servedRoutes,
} from '../../apps/server/src/access/route-catalog';
import { startTestApp, TestApp, TEST_PASSWORD } from '../support/test-app';

const routes = routeCatalog(CONTROLLERS);

/** The callers tried on every route: the public and each role with a typical territory. */
const PRINCIPALS: { name: string; grants: RoleGrant[] }[] = [
  { name: 'public', grants: [] },
  { name: 'administrateur 11', grants: [{ role: 'admin', territory: 'REG-11' }] },
  { name: 'membre COR-IAE 11', grants: [{ role: 'cor_member', territory: 'REG-11' }] },
  { name: 'secrétaire CDIAE 93', grants: [{ role: 'cdiae_secretary', territory: 'DEP-93' }] },
  { name: 'conseil départemental 77', grants: [{ role: 'departmental_council', territory: 'DEP-77' }] },
  { name: 'gestionnaire de données 93', grants: [{ role: 'data_manager', territory: 'DEP-93' }] },
];
const TERRITORIES = ['DEP-93', 'DEP-75', 'REG-11', 'DEP-13'];

const SAMPLE_PARAMS: Record<string, string> = { code: 'SIAE_NB', id: '999999' };

function buildRequest(route: RouteEntry, territory: string) {
  let url = route.path.replace(/:(\w+)/g, (_, name: string) => SAMPLE_PARAMS[name] ?? 'x');
  if (route.path === '/api/v1/territories/:code') url = `/api/v1/territories/${territory}`;
  if (route.path === '/api/v1/strategies/:code') url = '/api/v1/strategies/IDF-2021-2022';
  const query: Record<string, string> = {};
  let body: Record<string, unknown> = {};
  const source = route.policy?.territory;
  if (source && typeof source === 'object') {
    if ('query' in source) query[source.query] = territory;
    if ('body' in source) body = { [source.body]: territory };
    if ('bodyList' in source) body = { [source.bodyList]: [{ [source.field]: territory }] };
  }
  return { url, query, body };
}

describe(`permissions (${process.env.TEST_DB ?? 'sqlite'})`, () => {
  let t: TestApp;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    t = await startTestApp();
    // API tokens rather than sessions, so that routes such as « log out everywhere » do not end the caller.
    for (const [i, p] of PRINCIPALS.entries()) {
      if (!p.grants.length) continue;
      const token = await runInContext({ actor: 'test', channel: 'system' }, async () => {
        const { user } = await t.app.get(AccountsService).create({
          login: `matrice${i}@test.cap-iae.fr`,
          displayName: p.name,
          password: TEST_PASSWORD,
          roles: p.grants,
        });
        return (await t.app.get(TokensService).create(user.id, 'matrice')).token;
      });
      tokens.set(p.name, token);
    }
  });
  afterAll(() => t.close());

  it('finds a declared, existing policy on every route the app serves', () => {
    const missing = routes
      .filter((r) => !r.policy || !policyExists(r.policy))
      .map((r) => `${r.method} ${r.path}`);
    expect(missing).toEqual([]);
    const known = new Set(routes.map((r) => `${r.method} ${r.path}`));
    const served = servedRoutes(t.app)
      .filter((r) => !r.path.startsWith('/api/docs'))
      .map((r) => `${r.method} ${r.path}`)
      .filter((r) => !known.has(r));
    expect(served).toEqual([]);
    expect(routes.length).toBeGreaterThan(20);
  });

  it('fails closed on a route that forgets its policy, and the catalog reports it', async () => {
    @Controller('api/v1/oubli')
    class ForgetfulController {
      @Get()
      handler(): string {
        return 'ne devrait pas répondre';
      }
    }
    expect(routeCatalog([ForgetfulController]).filter((r) => !r.policy)).toHaveLength(1);
    const guard = new AccessGuard(
      new Reflector(),
      t.app.get(SessionsService),
      t.app.get(AccessPolicyService),
    );
    const req = { method: 'GET', headers: {}, cookies: {}, query: {}, params: {}, body: {} };
    const context = {
      switchToHttp: () => ({ getRequest: () => req, getResponse: () => ({ setHeader: () => undefined }) }),
      // eslint-disable-next-line @typescript-eslint/unbound-method -- the guard reads metadata from the function only
      getHandler: () => ForgetfulController.prototype.handler,
      getClass: () => ForgetfulController,
    } as unknown as ExecutionContext;
    await expect(guard.canActivate(context)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('allows and denies every route × role × territory exactly as the policy table says', async () => {
    const territories = await t.app.get(TerritoriesService).all();
    const parentOf = (c: string) => territories.get(c)?.parentCode;
    const mismatches: string[] = [];
    let tried = 0;
    for (const route of routes) {
      for (const principal of PRINCIPALS) {
        for (const territory of TERRITORIES) {
          const { url, query, body } = buildRequest(route, territory);
          let req = request(t.app.getHttpServer())
            [route.method.toLowerCase() as 'get'](url)
            .query(query)
            .set('Accept', 'application/json');
          const token = tokens.get(principal.name);
          if (token) req = req.set('Authorization', `Bearer ${token}`);
          const res = route.method === 'GET' || route.method === 'DELETE' ? await req : await req.send(body);
          // A refusal by the guard, as opposed to a handler's own 401 (a failed login form) or 400.
          const code = (res.body as { code?: string } | undefined)?.code;
          const denied =
            (res.status === 401 || res.status === 403) &&
            (code === 'UNAUTHENTICATED' || code === 'FORBIDDEN');
          const source = route.policy!.territory;
          const scoped = typeof source === 'object';
          const expected = isAllowed(
            principal.grants,
            route.policy!.resource,
            route.policy!.action,
            scoped ? [territory] : undefined,
            parentOf,
          );
          if (denied === expected)
            mismatches.push(
              `${principal.name} ${route.method} ${route.path} (${territory}) → ${res.status}, attendu ${expected ? 'autorisé' : 'refusé'}`,
            );
          tried += 1;
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(tried).toBe(routes.length * PRINCIPALS.length * TERRITORIES.length);
  });

  it('keeps docs/permissions.md generated from the table', () => {
    const file = path.resolve(__dirname, '..', '..', 'docs', 'permissions.md');
    expect(fs.readFileSync(file, 'utf8')).toBe(renderPermissionsDoc(routes));
  });
});
