import request from 'supertest';
import { Caller, countRows, startTestApp, TestApp } from '../support/test-app';

interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  errors: { field: string; message: string }[];
}

const good = {
  indicator: 'SIAE_NB',
  territory: 'DEP-93',
  period: '2021',
  dimensions: { siae_type: 'ACI' },
  value: 31,
};

describe(`write endpoints reject bad input and write nothing (${process.env.TEST_DB ?? 'sqlite'})`, () => {
  let t: TestApp;
  let admin: Caller;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.as([{ role: 'admin', territory: 'REG-11' }]);
  });
  afterAll(() => t.close());

  async function expectRejected(
    path: string,
    method: 'post' | 'put',
    body: unknown,
    field: string,
    table: string,
  ) {
    const before = await countRows(t.dataSource, table);
    const res = await admin[method](path)
      .send(body as object)
      .expect(400);
    const err = res.body as ErrorBody;
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.errors.map((e) => e.field)).toContain(field);
    // French, and never the English defaults of the validation library.
    for (const e of err.errors) expect(e.message).not.toMatch(/should|must|property/i);
    expect(err.message).toMatch(/[éàè]|invalide|erreur/);
    expect(await countRows(t.dataSource, table)).toBe(before);
    return err;
  }

  describe('POST /api/v1/observations', () => {
    const post = (records: unknown[], field: string) =>
      expectRejected('/api/v1/observations', 'post', { records }, field, 'observation');

    it('rejects an unknown field', async () => {
      const err = await post([good, { ...good, territory: 'DEP-92', colour: 'red' }], 'records[1].colour');
      expect(err.errors.find((e) => e.field === 'records[1].colour')?.message).toBe('champ inconnu');
    });
    it('rejects a wrong type', async () => {
      const err = await post([{ ...good, value: 'trente' }], 'records[0].value');
      expect(err.errors[0].message).toBe('doit être un nombre');
    });
    it('rejects an unknown indicator', async () => {
      const err = await post([good, { ...good, indicator: 'NOPE' }], 'records[1].indicator');
      expect(err.errors[0].message).toContain('indicateur inconnu');
    });
    it('rejects an unknown territory', async () => {
      const err = await post([{ ...good, territory: 'DEP-00' }], 'records[0].territory');
      expect(err.errors[0].message).toContain('territoire inconnu');
    });
    it('rejects a period out of range', async () => {
      const err = await post([{ ...good, period: '2150' }], 'records[0].period');
      expect(err.errors[0].message).toContain('entre 1980 et 2100');
      await post([{ ...good, period: '21' }], 'records[0].period');
    });
    it('rejects a dimension the indicator does not allow, and a rate above 100 %', async () => {
      await post([{ ...good, dimensions: { sex: 'F' } }], 'records[0].dimensions.sex');
      await post(
        [{ indicator: 'PART_FEMMES', territory: 'DEP-93', period: '2021', value: 140 }],
        'records[0].value',
      );
      await post(
        [{ indicator: 'PART_FEMMES', territory: 'DEP-93', period: '2021', numerator: 10 }],
        'records[0].denominator',
      );
    });
    it('rejects a body that is not JSON, in French', async () => {
      const res = await admin
        .post('/api/v1/observations')
        .set('Content-Type', 'application/json')
        .send('{"records": [')
        .expect(400);
      expect(res.body.message).toContain('JSON');
    });
    it('writes a valid set, reads it back, and a second identical write changes nothing', async () => {
      const records = [
        good,
        { indicator: 'PART_FEMMES', territory: 'DEP-93', period: '2021', numerator: 410, denominator: 1000 },
      ];
      const first = await admin.post('/api/v1/observations').send({ records }).expect(200);
      expect(first.body).toEqual({ received: 2, written: 2 });
      const again = await admin.post('/api/v1/observations').send({ records }).expect(200);
      expect(again.body).toEqual({ received: 2, written: 0 });
      const res = await admin
        .get('/api/v1/observations')
        .query({ indicator: 'PART_FEMMES', territory: 'DEP-93', includeProvisional: 'true' })
        .expect(200);
      expect(res.body.items[0]).toMatchObject({
        value: 41,
        numerator: 410,
        denominator: 1000,
        status: 'provisional',
        provenance: { kind: 'user' },
      });
    });
  });

  describe('PUT /api/v1/targets', () => {
    const put = (body: unknown, field: string) =>
      expectRejected('/api/v1/targets', 'put', body, field, 'target');
    const target = { indicator: 'SIAE_NB', territory: 'REG-11', year: 2022, value: 480 };

    it('rejects unknown fields, wrong types, unknown codes and years out of range', async () => {
      await put({ ...target, extra: 1 }, 'extra');
      await put({ ...target, value: '480' }, 'value');
      await put({ ...target, indicator: 'NOPE' }, 'indicator');
      await put({ ...target, territory: 'REG-99' }, 'territory');
      await put({ ...target, year: 1900 }, 'year');
      await put({ ...target, dimensions: { siae_type: 'XYZ' } }, 'dimensions.siae_type');
    });
    it('creates then replaces a target on its natural key', async () => {
      await admin.put('/api/v1/targets').send(target).expect(201);
      await admin
        .put('/api/v1/targets')
        .send({ ...target, value: 490 })
        .expect(200);
      const res = await http()
        .get('/api/v1/targets')
        .query({ indicator: 'SIAE_NB', territory: 'REG-11' })
        .expect(200);
      expect(res.body).toHaveLength(1);
      expect(res.body[0]).toMatchObject({ year: 2022, value: 490, demo: false });
    });
  });

  describe('GET filters', () => {
    it('answers 400 naming the faulty query parameter', async () => {
      const res = await http()
        .get('/api/v1/observations')
        .query({ period: '20x1', pageSize: '5000' })
        .expect(400);
      expect((res.body as ErrorBody).errors.map((e) => e.field).sort()).toEqual(['pageSize', 'period']);
      const unknown = await http().get('/api/v1/observations').query({ strategy: 'NOPE' }).expect(404);
      expect(unknown.body.message).toContain('Stratégie inconnue');
    });
    it('paginates', async () => {
      const page = await http()
        .get('/api/v1/observations')
        .query({ territory: 'REG-11', pageSize: '5', page: '2' })
        .expect(200);
      expect(page.body.items).toHaveLength(5);
      expect(page.body.total).toBeGreaterThan(10);
      expect(page.body.page).toBe(2);
    });
  });
});
