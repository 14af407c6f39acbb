import request from 'supertest';
import { Bootstrapper } from '@cap-iae/core';
import { ReferenceSeeder, readReferenceJson, StrategyFile } from '@cap-iae/reference-data';
import { countRows, startTestApp, TestApp } from '../support/test-app';

describe(`reference data through the API (${process.env.TEST_DB ?? 'sqlite'})`, () => {
  let t: TestApp;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('lists both Île-de-France strategies with the titles of the documents', async () => {
    const res = await http().get('/api/v1/strategies').expect(200);
    const files = readReferenceJson<StrategyFile[]>('strategies.json');
    const summary = (res.body as { code: string; axes: { objectives: unknown[] }[] }[]).map((s) => [
      s.code,
      s.axes.length,
      s.axes.reduce((n, a) => n + a.objectives.length, 0),
    ]);
    expect(summary).toEqual([
      ['IDF-2018-2020', 4, 10],
      ['IDF-2021-2022', 4, 13],
    ]);
    const body = res.body as { axes: { title: string; objectives: { number: string; title: string }[] }[] }[];
    body.forEach((strategy, i) => {
      strategy.axes.forEach((axis, j) => {
        expect(axis.title).toBe(files[i].axes[j].title);
        expect(axis.objectives.map((o) => [o.number, o.title])).toEqual(
          files[i].axes[j].objectives.map((o) => [o.number, o.title]),
        );
      });
    });
    expect(body[0].axes[0].title).toBe('Adapter l’offre d’insertion aux territoires et aux publics');
  });

  it('returns the 2016 SIAE by type of région 11 as the 2018-2020 strategy prints them', async () => {
    const res = await http()
      .get('/api/v1/observations')
      .query({ indicator: 'SIAE_NB', territory: 'REG-11', period: '2016', dimensions: 'siae_type' })
      .expect(200);
    const byType = Object.fromEntries(
      (res.body.items as { dimensions: { siae_type: string }; value: number; status: string }[]).map((o) => [
        o.dimensions.siae_type,
        o.value,
      ]),
    );
    expect(byType).toEqual({ ACI: 153, AI: 69, EI: 154, ETTI: 23 });
    const salaries = await http()
      .get('/api/v1/observations')
      .query({ indicator: 'SAL_INSERTION_NB', territory: 'REG-11', period: '2016', dimensions: 'siae_type' })
      .expect(200);
    expect(
      Object.fromEntries(
        (salaries.body.items as { dimensions: { siae_type: string }; value: number }[]).map((o) => [
          o.dimensions.siae_type,
          o.value,
        ]),
      ),
    ).toEqual({ ACI: 6333, AI: 13560, EI: 4181, ETTI: 3370 });
  });

  it('keeps a doubtful printed total with its flag and its source', async () => {
    const res = await http()
      .get('/api/v1/observations')
      .query({ indicator: 'SIAE_NB', territory: 'REG-11', period: '2016', dimensions: 'total' })
      .expect(200);
    expect(res.body.items).toHaveLength(1);
    const total = res.body.items[0] as {
      value: number;
      doubtful: boolean;
      note: string;
      source: string;
      status: string;
      provenance: { kind: string };
    };
    expect(total.value).toBe(400);
    expect(total.doubtful).toBe(true);
    expect(total.note).toContain('399');
    expect(total.status).toBe('validated');
    expect(total.provenance.kind).toBe('reference');
    expect(total.source).toMatch(/2018-2020/);
  });

  it('covers every French région and département', async () => {
    const regions = await http().get('/api/v1/territories').query({ level: 'region' }).expect(200);
    const departments = await http().get('/api/v1/territories').query({ level: 'department' }).expect(200);
    expect(regions.body).toHaveLength(18);
    expect(departments.body).toHaveLength(101);
    const idf = await http().get('/api/v1/territories').query({ parent: 'REG-11' }).expect(200);
    expect((idf.body as { officialCode: string }[]).map((d) => d.officialCode).sort()).toEqual([
      '75',
      '77',
      '78',
      '91',
      '92',
      '93',
      '94',
      '95',
    ]);
    await http().get('/api/v1/territories/DEP-2A').expect(200);
    const missing = await http().get('/api/v1/territories/DEP-00').expect(404);
    expect(missing.body.message).toContain('Territoire inconnu');
  });

  it('links indicators to objectives across both strategies and exposes the Pacte', async () => {
    const res = await http().get('/api/v1/indicators/SIAE_NB').expect(200);
    const strategies = new Set((res.body.objectives as { strategy: string }[]).map((o) => o.strategy));
    expect(strategies).toEqual(new Set(['IDF-2018-2020', 'IDF-2021-2022']));
    const all = await http().get('/api/v1/indicators').expect(200);
    expect((all.body as unknown[]).length).toBeGreaterThanOrEqual(25);
    const pacts = await http().get('/api/v1/pacts').expect(200);
    const pact = pacts.body[0] as { engagements: { measures: unknown[] }[] };
    expect(pact.engagements).toHaveLength(5);
    expect(pact.engagements.reduce((n, e) => n + e.measures.length, 0)).toBe(30);
  });

  it('loads reference data idempotently', async () => {
    const tables = [
      'territory',
      'strategy',
      'axis',
      'objective',
      'pact_measure',
      'objective_pact_measure',
      'indicator',
      'indicator_objective',
      'observation',
    ];
    const before = await Promise.all(tables.map((x) => countRows(t.dataSource, x)));
    const report = await t.app.get(ReferenceSeeder).run();
    expect(report.referenceValuesWritten).toBe(0);
    await t.app.get(Bootstrapper).prepare({ demo: false });
    expect(await Promise.all(tables.map((x) => countRows(t.dataSource, x)))).toEqual(before);
  });
});
