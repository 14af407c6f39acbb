import request from 'supertest';
import { DataSource } from 'typeorm';
import { Caller, startTestApp, TestApp, TEST_PASSWORD } from '../support/test-app';

/** Every text cell of every table, to look for a secret stored in clear. */
async function allText(ds: DataSource): Promise<string> {
  const tables = [
    'app_user',
    'role_assignment',
    'user_session',
    'api_token',
    'login_attempt',
    'audit_entry',
    'observation',
    'target',
    'app_state',
  ];
  const parts: string[] = [];
  for (const table of tables) parts.push(JSON.stringify(await ds.query(`SELECT * FROM ${table}`)));
  return parts.join('\n');
}

function cookieOf(res: request.Response): string | undefined {
  const set = res.headers['set-cookie'] as unknown as string[] | undefined;
  return set?.find((c) => c.startsWith('capiae_session='));
}

describe(`security (${process.env.TEST_DB ?? 'sqlite'})`, () => {
  let t: TestApp;
  let logs: string;
  const restore: (() => void)[] = [];

  beforeAll(async () => {
    logs = '';
    // Everything the app writes to its logs during this file, at the most verbose level.
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write.bind(stream);
      stream.write = (chunk: string | Uint8Array, ...rest: unknown[]) => {
        logs += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
        return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
      };
      restore.push(() => (stream.write = original));
    }
    t = await startTestApp({ config: { logLevel: 'debug', trustProxy: 1 } });
  });
  afterAll(async () => {
    restore.forEach((r) => r());
    await t.close();
  });

  it('never keeps passwords or API tokens in clear, in the database or the logs', async () => {
    const admin = await t.as([{ role: 'admin', territory: 'REG-11' }], 'secret@test.cap-iae.fr');
    const created = await admin.post('/api/v1/account/tokens').send({ name: 'export nocturne' }).expect(201);
    const token = created.body.token as string;
    expect(token).toMatch(/^capiae_/);
    await request(t.app.getHttpServer())
      .get('/api/v1/account')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    await request(t.app.getHttpServer())
      .post('/api/v1/auth/login')
      .send({ login: 'secret@test.cap-iae.fr', password: 'Mauvais-Mot-2026' })
      .expect(401);
    const listed = await admin.get('/api/v1/account/tokens').expect(200);
    expect(JSON.stringify(listed.body)).not.toContain(token);
    const dump = await allText(t.dataSource);
    for (const secret of [TEST_PASSWORD, 'Mauvais-Mot-2026', token, token.slice(7)]) {
      expect(dump).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
    expect(dump).toContain('$argon2id$');
  });

  it('gives a new session id at login and kills the one presented before (session fixation)', async () => {
    const first = await t.as([{ role: 'cor_member', territory: 'REG-11' }], 'fixation@test.cap-iae.fr');
    const planted = first.cookie;
    const res = await request(t.app.getHttpServer())
      .post('/api/v1/auth/login')
      .set('Cookie', planted)
      .send({ login: 'fixation@test.cap-iae.fr', password: TEST_PASSWORD })
      .expect(200);
    const fresh = cookieOf(res)!.split(';')[0];
    expect(fresh).not.toBe(planted);
    await request(t.app.getHttpServer()).get('/api/v1/account').set('Cookie', planted).expect(401);
    await request(t.app.getHttpServer()).get('/api/v1/account').set('Cookie', fresh).expect(200);
  });

  it('sets the session cookie HttpOnly, SameSite=Lax, and Secure behind HTTPS', async () => {
    await t.as([{ role: 'cor_member', territory: 'REG-11' }], 'cookie@test.cap-iae.fr');
    const plain = await request(t.app.getHttpServer())
      .post('/api/v1/auth/login')
      .send({ login: 'cookie@test.cap-iae.fr', password: TEST_PASSWORD })
      .expect(200);
    expect(cookieOf(plain)).toMatch(/HttpOnly/);
    expect(cookieOf(plain)).toMatch(/SameSite=Lax/);
    expect(cookieOf(plain)).not.toMatch(/Secure/);
    const https = await request(t.app.getHttpServer())
      .post('/api/v1/auth/login')
      .set('X-Forwarded-Proto', 'https')
      .send({ login: 'cookie@test.cap-iae.fr', password: TEST_PASSWORD })
      .expect(200);
    expect(cookieOf(https)).toMatch(/Secure/);
  });

  it('refuses a session write without the CSRF token, or with a wrong one', async () => {
    const admin = await t.as([{ role: 'admin', territory: 'REG-11' }]);
    const target = { indicator: 'SIAE_NB', territory: 'DEP-93', year: 2022, value: 60 };
    const without = await request(t.app.getHttpServer())
      .put('/api/v1/targets')
      .set('Cookie', admin.cookie)
      .send(target)
      .expect(403);
    expect(without.body.message).toContain('CSRF');
    await request(t.app.getHttpServer())
      .put('/api/v1/targets')
      .set('Cookie', admin.cookie)
      .set('X-CSRF-Token', 'faux')
      .send(target)
      .expect(403);
    await admin.put('/api/v1/targets').send(target).expect(201);
    // A form posted from another site carries no pre-login CSRF cookie.
    await request(t.app.getHttpServer())
      .post('/api/v1/auth/login')
      .type('form')
      .send({ login: 'x', password: 'y' })
      .expect(403);
  });

  it('refuses the 21st failed login within a minute, per account and per address', async () => {
    await t.as([{ role: 'cor_member', territory: 'REG-11' }], 'force@test.cap-iae.fr');
    const attempt = (login: string, password: string, ip: string) =>
      request(t.app.getHttpServer())
        .post('/api/v1/auth/login')
        .set('X-Forwarded-For', ip)
        .send({ login, password });
    for (let i = 0; i < 20; i++)
      expect((await attempt('force@test.cap-iae.fr', `Faux-${i}-Essai!`, `10.0.0.${i}`)).status).toBe(401);
    const blocked = await attempt('force@test.cap-iae.fr', TEST_PASSWORD, '10.0.1.1');
    expect(blocked.status).toBe(429);
    expect(blocked.body.message).toContain('Trop de tentatives');
    for (let i = 0; i < 20; i++)
      expect((await attempt(`inconnu${i}@test.cap-iae.fr`, 'Faux-Essai-2026!', '10.0.2.2')).status).toBe(401);
    expect((await attempt('autre@test.cap-iae.fr', 'Faux-Essai-2026!', '10.0.2.2')).status).toBe(429);
  });

  it('lets an administrator reset a password: shown once, sessions closed, change required', async () => {
    const admin = await t.as([{ role: 'admin', territory: 'REG-11' }]);
    const victim = await t.as([{ role: 'cdiae_secretary', territory: 'DEP-93' }], 'oubli@test.cap-iae.fr');
    const users = await admin.get('/api/v1/users').expect(200);
    const id = (users.body as { id: number; login: string }[]).find(
      (u) => u.login === 'oubli@test.cap-iae.fr',
    )!.id;
    const reset = await admin.post(`/api/v1/users/${id}/password-reset`).expect(200);
    await victim.get('/api/v1/account').expect(401);
    const login = await request(t.app.getHttpServer())
      .post('/api/v1/auth/login')
      .send({ login: 'oubli@test.cap-iae.fr', password: reset.body.temporaryPassword })
      .expect(200);
    expect(login.body.mustChangePassword).toBe(true);
    // Until changed, the provisional password opens the account and nothing else.
    const cookie = (login.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
    const blocked = await request(t.app.getHttpServer())
      .get('/api/v1/observations')
      .query({ territory: 'DEP-93', includeProvisional: 'true' })
      .set('Cookie', cookie)
      .expect(403);
    expect(blocked.body.message).toContain('mot de passe est provisoire');
    await request(t.app.getHttpServer()).get('/api/v1/account').set('Cookie', cookie).expect(200);
    expect(await allText(t.dataSource)).not.toContain(reset.body.temporaryPassword);
  });

  it('revokes API tokens and logs out everywhere', async () => {
    const user: Caller = await t.as([{ role: 'data_manager', territory: 'DEP-93' }]);
    const { body } = await user.post('/api/v1/account/tokens').send({ name: 'script' }).expect(201);
    const bearer = () =>
      request(t.app.getHttpServer()).get('/api/v1/account').set('Authorization', `Bearer ${body.token}`);
    await bearer().expect(200);
    await user.delete(`/api/v1/account/tokens/${body.id}`).expect(204);
    await bearer().expect(401);
    await user.post('/api/v1/account/logout-everywhere').expect(200);
    await user.get('/api/v1/account').expect(401);
  });

  it('refuses a stale edit of an account (optimistic lock) instead of overwriting it', async () => {
    const admin = await t.as([{ role: 'admin', territory: 'REG-11' }]);
    const created = await admin
      .post('/api/v1/users')
      .send({
        login: 'verrou@test.cap-iae.fr',
        displayName: 'Verrou',
        roles: [{ role: 'cor_member', territory: 'REG-11' }],
      })
      .expect(201);
    const { id, version } = created.body as { id: number; version: number };
    const roleless = await admin
      .post('/api/v1/users')
      .send({ login: 'sansrole@test.cap-iae.fr', displayName: 'Sans rôle', roles: [] })
      .expect(400);
    expect(roleless.body.errors).toEqual([{ field: 'roles', message: 'au moins un rôle est nécessaire' }]);
    await admin.patch(`/api/v1/users/${id}`).send({ displayName: 'Premier', version }).expect(200);
    const stale = await admin
      .patch(`/api/v1/users/${id}`)
      .send({ displayName: 'Second', version })
      .expect(409);
    expect(stale.body.message).toContain('modifié par quelqu');
    expect((await admin.get(`/api/v1/users/${id}`).expect(200)).body.displayName).toBe('Premier');
  });
});
