import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AccountsService, RoleGrant } from '@cap-iae/access';
import type { AppConfig } from '@cap-iae/config';
import { runInContext } from '@cap-iae/shared';
import { createApp } from '../../apps/server/src/create-app';
import { createTestDatabase, testConfig, TestDatabase } from './test-database';

export const TEST_PASSWORD = 'Essai-Cap-IAE-2026';

export interface Caller {
  get(path: string): request.Test;
  post(path: string): request.Test;
  put(path: string): request.Test;
  patch(path: string): request.Test;
  delete(path: string): request.Test;
  csrf: string;
  cookie: string;
}

export interface TestApp {
  app: NestExpressApplication;
  db: TestDatabase;
  dataSource: DataSource;
  http(): ReturnType<typeof request>;
  /** Creates an account with these roles, logs it in through the API, and returns a client carrying its session. */
  as(grants: RoleGrant[], login?: string): Promise<Caller>;
  close(): Promise<void>;
}

let counter = 0;

/**
 * Boots the real HTTP app (same wiring as `npm start`) on a fresh database, prepared with reference data.
 * Every successful write request made during the file must leave an audit entry carrying its request id: this is
 * checked when the app closes, for every e2e file, so no test has to remember it.
 */
export async function startTestApp(
  options: { demo?: boolean; checkAudit?: boolean; config?: Partial<AppConfig> } = {},
): Promise<TestApp> {
  const db = await createTestDatabase();
  const app = await createApp(testConfig(db.config, { demo: options.demo ?? false, ...options.config }));
  const writes: { method: string; path: string; requestId: string }[] = [];
  app.use((req: Request, res: Response, next: NextFunction) => {
    res.on('finish', () => {
      const id = res.getHeader('X-Request-Id');
      if (
        !['GET', 'HEAD', 'OPTIONS'].includes(req.method) &&
        res.statusCode < 400 &&
        typeof id === 'string'
      ) {
        writes.push({ method: req.method, path: req.originalUrl, requestId: id });
      }
    });
    next();
  });
  await app.init();
  const dataSource = app.get(DataSource);
  const http = () => request(app.getHttpServer());
  return {
    app,
    db,
    dataSource,
    http,
    as: async (grants, login) => {
      const name = login ?? `essai${++counter}@test.cap-iae.fr`;
      await runInContext({ actor: 'test', channel: 'system' }, () =>
        app.get(AccountsService).create({
          login: name,
          displayName: `Compte d'essai ${counter}`,
          password: TEST_PASSWORD,
          roles: grants,
        }),
      );
      const res = await http()
        .post('/api/v1/auth/login')
        .send({ login: name, password: TEST_PASSWORD })
        .expect(200);
      const cookie = (res.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
      const csrf = (res.body as { csrfToken: string }).csrfToken;
      const wrap = (t: request.Test) => t.set('Cookie', cookie).set('X-CSRF-Token', csrf);
      return {
        csrf,
        cookie,
        get: (p) => wrap(http().get(p)),
        post: (p) => wrap(http().post(p)),
        put: (p) => wrap(http().put(p)),
        patch: (p) => wrap(http().patch(p)),
        delete: (p) => wrap(http().delete(p)),
      };
    },
    close: async () => {
      try {
        if (options.checkAudit ?? true) await expectAudited(dataSource, writes);
      } finally {
        await app.close();
        await db.drop();
      }
    },
  };
}

async function expectAudited(
  ds: DataSource,
  writes: { method: string; path: string; requestId: string }[],
): Promise<void> {
  if (writes.length === 0) return;
  const rows: { request_id: string }[] = await ds.query(
    'SELECT DISTINCT request_id FROM audit_entry WHERE request_id IS NOT NULL',
  );
  const audited = new Set(rows.map((r) => r.request_id));
  const missing = writes.filter((w) => !audited.has(w.requestId)).map((w) => `${w.method} ${w.path}`);
  if (missing.length) throw new Error(`Écritures sans entrée d'historique : ${missing.join(', ')}`);
}

export async function countRows(ds: DataSource, table: string): Promise<number> {
  const rows: { n: string | number }[] = await ds.query(`SELECT COUNT(*) AS n FROM ${table}`);
  return Number(rows[0].n);
}
