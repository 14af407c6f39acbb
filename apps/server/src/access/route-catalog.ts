import { INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { POLICY, ROLE_LABELS, ROLES, ruleFor } from '@cap-iae/access';
import { ROUTE_POLICY, RoutePolicy, TerritorySource } from './access.decorator';

export interface RouteEntry {
  method: string;
  path: string;
  controller: string;
  handler: string;
  policy?: RoutePolicy;
}

function join(...parts: string[]): string {
  const p = parts
    .flatMap((x) => x.split('/'))
    .filter(Boolean)
    .join('/');
  return `/${p}`;
}

/** Every route of the given controllers with its declared policy, read from the same metadata Nest routes by. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export function routeCatalog(controllers: Function[]): RouteEntry[] {
  const routes: RouteEntry[] = [];
  for (const controller of controllers) {
    const base = (Reflect.getMetadata(PATH_METADATA, controller) as string | undefined) ?? '';
    const classPolicy = Reflect.getMetadata(ROUTE_POLICY, controller) as RoutePolicy | undefined;
    const proto = controller.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(proto)) {
      const handler = proto[name];
      if (name === 'constructor' || typeof handler !== 'function') continue;
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (path === undefined || method === undefined) continue;
      routes.push({
        method: RequestMethod[method],
        path: join(base, path),
        controller: controller.name,
        handler: name,
        policy: (Reflect.getMetadata(ROUTE_POLICY, handler) as RoutePolicy | undefined) ?? classPolicy,
      });
    }
  }
  return routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}

interface ExpressLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

/** What Express actually serves, to catch a route registered outside the controllers the catalog knows. */
export function servedRoutes(app: INestApplication): { method: string; path: string }[] {
  const express = app.getHttpAdapter().getInstance() as {
    _router?: { stack: ExpressLayer[] };
    router?: { stack: ExpressLayer[] };
  };
  const stack = (express.router ?? express._router)?.stack ?? [];
  return stack
    .filter((l): l is Required<ExpressLayer> => Boolean(l.route))
    .flatMap((l) =>
      Object.keys(l.route.methods).map((m) => ({ method: m.toUpperCase(), path: l.route.path })),
    );
}

function territoryText(t: TerritorySource): string {
  if (t === 'none') return '—';
  if (t === 'object') return "celui de l'objet";
  if ('query' in t) return `paramètre \`${t.query}\``;
  if ('param' in t) return `chemin \`:${t.param}\``;
  if ('body' in t) return `corps \`${t.body}\``;
  return `corps \`${t.bodyList}[].${t.field}\``;
}

const REACH_TEXT = { scope: 'son territoire', region: 'sa région', anywhere: 'partout' } as const;

/** docs/permissions.md, generated from the policy table and the router (a test keeps the file current). */
export function renderPermissionsDoc(routes: RouteEntry[]): string {
  const lines = [
    '# Permissions',
    '',
    '<!-- Generated from libs/access/src/policy.ts and the router by `npm run docs:permissions`; a test fails when this file is stale. -->',
    '',
    'Every route declares a policy (resource, action, where the territory is read). The global guard checks it',
    "server-side; a route that declares none is refused, and the permission test fails. A role's territory covers",
    'the territories inside it (a région covers its départements).',
    '',
    '## Policy table',
    '',
    `| ressource | action | description | public | ${ROLES.map((r) => ROLE_LABELS[r]).join(' | ')} |`,
    `|---|---|---|---|${ROLES.map(() => '---').join('|')}|`,
  ];
  for (const [resource, actions] of Object.entries(POLICY)) {
    for (const [action, rule] of Object.entries(
      actions as Record<
        string,
        { public?: boolean; roles: Record<string, keyof typeof REACH_TEXT>; description: string }
      >,
    )) {
      lines.push(
        `| ${resource} | ${action} | ${rule.description} | ${rule.public ? 'oui' : 'non'} | ${ROLES.map((r) => (rule.public ? 'oui' : rule.roles[r] ? REACH_TEXT[rule.roles[r]] : 'non')).join(' | ')} |`,
      );
    }
  }
  lines.push(
    '',
    '## Routes',
    '',
    '| méthode | chemin | ressource | action | territoire vérifié |',
    '|---|---|---|---|---|',
  );
  for (const r of routes) {
    const p = r.policy;
    lines.push(
      `| ${r.method} | \`${r.path}\` | ${p?.resource ?? '**aucune**'} | ${p?.action ?? '**aucune**'} | ${p ? territoryText(p.territory) : '—'} |`,
    );
  }
  lines.push('');
  return lines.join('\n');
}

export function policyExists(policy: RoutePolicy): boolean {
  return ruleFor(policy.resource, policy.action) !== undefined;
}
