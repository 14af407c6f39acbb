import { startTestApp, TestApp } from '../support/test-app';

describe(`territorial scope and validation of values (${process.env.TEST_DB ?? 'sqlite'})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const value = (territory: string, v = 10) => ({
    indicator: 'SIAE_NB',
    territory,
    period: '2022',
    dimensions: { siae_type: 'EI' },
    value: v,
  });

  it('lets a secrétaire CDIAE of 93 change nothing of 75', async () => {
    const secretary = await t.as([{ role: 'cdiae_secretary', territory: 'DEP-93' }]);
    await secretary
      .post('/api/v1/observations')
      .send({ records: [value('DEP-75')] })
      .expect(403);
    await secretary
      .put('/api/v1/targets')
      .send({ indicator: 'SIAE_NB', territory: 'DEP-75', year: 2022, value: 5 })
      .expect(403);
    await secretary
      .post('/api/v1/users')
      .send({ login: 'x@y.fr', displayName: 'x', roles: [{ role: 'cor_member', territory: 'REG-11' }] })
      .expect(403);
  });

  it('keeps a data manager of 93 inside 93, even inside one mixed request', async () => {
    const manager = await t.as([{ role: 'data_manager', territory: 'DEP-93' }]);
    await manager
      .post('/api/v1/observations')
      .send({ records: [value('DEP-93')] })
      .expect(200);
    const mixed = await manager
      .post('/api/v1/observations')
      .send({ records: [value('DEP-93', 11), value('DEP-75')] })
      .expect(403);
    expect(mixed.body.message).toContain('DEP-75');
  });

  it('shows the public validated values only, and provisional ones to whom the roles allow', async () => {
    const admin = await t.as([{ role: 'admin', territory: 'REG-11' }]);
    await admin
      .post('/api/v1/observations')
      .send({ records: [value('DEP-78', 42)] })
      .expect(200);
    const query = { indicator: 'SIAE_NB', territory: 'DEP-78', period: '2022' };
    const pub = await t.http().get('/api/v1/observations').query(query).expect(200);
    expect(pub.body.items).toEqual([]);
    await t
      .http()
      .get('/api/v1/observations')
      .query({ ...query, includeProvisional: 'true' })
      .expect(401);
    const council77 = await t.as([{ role: 'departmental_council', territory: 'DEP-77' }]);
    await council77
      .get('/api/v1/observations')
      .query({ ...query, includeProvisional: 'true' })
      .expect(403);
    const cor = await t.as([{ role: 'cor_member', territory: 'REG-11' }]);
    const seen = await cor
      .get('/api/v1/observations')
      .query({ ...query, includeProvisional: 'true' })
      .expect(200);
    expect(seen.body.items).toHaveLength(1);
    expect(seen.body.items[0]).toMatchObject({ value: 42, status: 'provisional' });
  });

  it('validates values one by one or by import run, keeping who and when', async () => {
    const manager = await t.as([{ role: 'data_manager', territory: 'REG-11' }], 'valideur@test.cap-iae.fr');
    const council = await t.as([{ role: 'departmental_council', territory: 'DEP-77' }]);
    await council
      .post('/api/v1/observations/validation')
      .send({
        keys: [
          { indicator: 'SIAE_NB', territory: 'DEP-78', period: '2022', dimensions: { siae_type: 'EI' } },
        ],
      })
      .expect(403);
    const one = await manager
      .post('/api/v1/observations/validation')
      .send({
        keys: [
          { indicator: 'SIAE_NB', territory: 'DEP-78', period: '2022', dimensions: { siae_type: 'EI' } },
        ],
      })
      .expect(200);
    expect(one.body).toEqual({ validated: 1 });
    const pub = await t
      .http()
      .get('/api/v1/observations')
      .query({ indicator: 'SIAE_NB', territory: 'DEP-78', period: '2022' })
      .expect(200);
    expect(pub.body.items[0]).toMatchObject({
      value: 42,
      status: 'validated',
      validatedBy: 'valideur@test.cap-iae.fr',
    });

    await manager
      .post('/api/v1/observations')
      .send({ records: [value('DEP-91', 3), value('DEP-92', 4)] })
      .expect(200);
    const run = await manager
      .post('/api/v1/observations/validation')
      .send({ provenanceRef: 'saisie:valideur@test.cap-iae.fr' })
      .expect(200);
    expect(run.body).toEqual({ validated: 2 });
    const missing = await manager
      .post('/api/v1/observations/validation')
      .send({ keys: [{ indicator: 'SIAE_NB', territory: 'DEP-91', period: '1999' }] })
      .expect(400);
    expect(missing.body.errors[0].field).toBe('keys[0]');
  });

  it('shows the history of an object, and exports it as a neutralised CSV', async () => {
    const admin = await t.as([{ role: 'admin', territory: 'REG-11' }]);
    await admin
      .put('/api/v1/targets')
      .send({
        indicator: 'SIAE_NB',
        territory: 'DEP-93',
        year: 2021,
        value: 50,
        comment: '=HYPERLINK("http://x")',
      })
      .expect(201);
    await admin
      .put('/api/v1/targets')
      .send({ indicator: 'SIAE_NB', territory: 'DEP-93', year: 2021, value: 55 })
      .expect(200);
    const history = await admin
      .get('/api/v1/audit')
      .query({ objectType: 'cible', objectId: 'SIAE_NB|DEP-93|2021|' })
      .expect(200);
    expect(history.body.items.map((e: { action: string }) => e.action)).toEqual(['modification', 'création']);
    expect(history.body.items[0]).toMatchObject({
      before: { value: 50 },
      after: { value: 55 },
      channel: 'web',
    });
    expect(history.body.items[0].actor).toMatch(/@test\.cap-iae\.fr$/);
    const csv = await admin.get('/api/v1/audit.csv').query({ objectType: 'cible' }).expect(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.text).toContain('date;auteur;canal;action');
    expect(csv.text).not.toMatch(/;"?=HYPERLINK/);
    await t.http().get('/api/v1/audit').expect(401);
    const council = await t.as([{ role: 'departmental_council', territory: 'DEP-77' }]);
    await council.get('/api/v1/audit').expect(403);
  });
});
