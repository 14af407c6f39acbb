import { startTestApp, TestApp } from '../support/test-app';

const IDF = ['DEP-75', 'DEP-77', 'DEP-78', 'DEP-91', 'DEP-92', 'DEP-93', 'DEP-94', 'DEP-95'];

interface ObservationItem {
  territory: string;
  value: number;
  numerator: number | null;
  denominator: number | null;
}

interface ProgressItem {
  indicator: { code: string };
  computedStatus: string;
  status: string;
  override: { status: string; justification: string; setBy: string } | null;
  baseline: { year: number; value: number } | null;
  target: { year: number; value: number } | null;
  latest: { year: number; value: number } | null;
  expected: number | null;
  explanation: string;
}

interface ProgressBody {
  summary: Record<string, number>;
  objectives: { number: string; indicators: ProgressItem[] }[];
}

describe(`roll-up and progress (${process.env.TEST_DB ?? 'sqlite'})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ demo: true });
  });
  afterAll(() => t.close());

  /** The départements' validated values, read through the public API like any client would. */
  async function departmentValues(indicator: string, period: string): Promise<ObservationItem[]> {
    const res = await t
      .http()
      .get('/api/v1/observations')
      .query({ indicator, period, territory: IDF.join(','), dimensions: 'total' })
      .expect(200);
    const items = (res.body as { items: ObservationItem[] }).items;
    expect(items.map((i) => i.territory).sort()).toEqual(IDF);
    return items;
  }

  function itemOf(body: ProgressBody, code: string): ProgressItem {
    const found = body.objectives.flatMap((o) => o.indicators).find((i) => i.indicator.code === code);
    if (!found) throw new Error(`indicateur absent du rapport : ${code}`);
    return found;
  }

  it('rolls a count up to the sum of the eight départements', async () => {
    const deps = await departmentValues('SIAE_NB', '2019');
    const sum = deps.reduce((s, d) => s + d.value, 0);
    const res = await t
      .http()
      .get('/api/v1/rollup')
      .query({ indicator: 'SIAE_NB', region: 'REG-11', period: '2019' })
      .expect(200);
    expect(res.body).toMatchObject({
      region: { code: 'REG-11', name: 'Île-de-France' },
      period: '2019',
      status: 'validated',
      complete: true,
      coverage: { reported: 8, expected: 8, missing: [], label: '8 départements sur 8' },
      computed: { value: sum, method: 'sum', status: 'validated' },
      consistency: { consistent: true, warning: null },
      warnings: [],
    });
    expect(res.body.value).toBe(sum);
    expect(res.body.parts).toHaveLength(8);
    expect(res.body.parts.find((p: { territory: string }) => p.territory === 'DEP-93')).toMatchObject({
      name: 'Seine-Saint-Denis',
      used: true,
    });
  });

  it('recomputes a rate from the départements’ numerators and denominators', async () => {
    const deps = await departmentValues('TX_SORTIES_DYNAMIQUES', '2020');
    const num = deps.reduce((s, d) => s + d.numerator!, 0);
    const den = deps.reduce((s, d) => s + d.denominator!, 0);
    const res = await t
      .http()
      .get('/api/v1/rollup')
      .query({ indicator: 'TX_SORTIES_DYNAMIQUES', region: 'REG-11', period: '2020' })
      .expect(200);
    expect(res.body.computed.method).toBe('ratio');
    expect(res.body.computed.numerator).toBeCloseTo(num, 6);
    expect(res.body.computed.denominator).toBeCloseTo(den, 6);
    expect(res.body.computed.value).toBeCloseTo((num / den) * 100, 9);
  });

  it('never averages rates: départements of very different sizes give the rate of the whole', async () => {
    const admin = await t.as([{ role: 'admin', territory: 'REG-11' }]);
    // 2014 precedes the demo series: the région has no value of its own, only these eight.
    const parts: [string, number, number][] = [
      ['DEP-75', 900, 1000],
      ['DEP-77', 10, 100],
      ['DEP-78', 10, 100],
      ['DEP-91', 10, 100],
      ['DEP-92', 10, 100],
      ['DEP-93', 10, 100],
      ['DEP-94', 10, 100],
      ['DEP-95', 10, 100],
    ];
    await admin
      .post('/api/v1/observations')
      .send({
        records: parts.map(([territory, numerator, denominator]) => ({
          indicator: 'TX_SORTIES_DYNAMIQUES',
          territory,
          period: '2014',
          numerator,
          denominator,
        })),
      })
      .expect(200);
    const res = await admin
      .get('/api/v1/rollup')
      .query({
        indicator: 'TX_SORTIES_DYNAMIQUES',
        region: 'REG-11',
        period: '2014',
        includeProvisional: 'true',
      })
      .expect(200);
    const recomputed = (970 / 1700) * 100; // 57,06 %
    const meanOfRates = (90 + 7 * 10) / 8; // 20 %
    expect(res.body).toMatchObject({
      method: 'ratio',
      status: 'provisional',
      complete: true,
      provenance: expect.stringContaining('ratio recomputé') as string,
      direct: null,
      computed: { numerator: 970, denominator: 1700 },
    });
    expect(res.body.value).toBeCloseTo(recomputed, 9);
    expect(Math.abs(res.body.value - meanOfRates)).toBeGreaterThan(30);
    expect(res.body.formattedValue).toBe('57,1\u00a0%');

    // Provisional values stay private: the public sees nothing for 2014, and may not ask for them.
    const pub = await t
      .http()
      .get('/api/v1/rollup')
      .query({ indicator: 'TX_SORTIES_DYNAMIQUES', region: 'REG-11', period: '2014' })
      .expect(200);
    expect(pub.body).toMatchObject({ value: null, method: null, coverage: { reported: 0, expected: 8 } });
    await t
      .http()
      .get('/api/v1/rollup')
      .query({
        indicator: 'TX_SORTIES_DYNAMIQUES',
        region: 'REG-11',
        period: '2014',
        includeProvisional: 'true',
      })
      .expect(401);
    const council = await t.as([{ role: 'departmental_council', territory: 'DEP-77' }]);
    await council
      .get('/api/v1/rollup')
      .query({
        indicator: 'TX_SORTIES_DYNAMIQUES',
        region: 'REG-11',
        period: '2014',
        includeProvisional: 'true',
      })
      .expect(403);
  });

  it('warns when a direct regional value disagrees with its départements', async () => {
    const admin = await t.as([{ role: 'admin', territory: 'REG-11' }]);
    const deps = await departmentValues('SIAE_NB', '2018');
    const sum = deps.reduce((s, d) => s + d.value, 0);
    await admin
      .post('/api/v1/observations')
      .send({ records: [{ indicator: 'SIAE_NB', territory: 'REG-11', period: '2018', value: sum + 60 }] })
      .expect(200);
    const res = await admin
      .get('/api/v1/rollup')
      .query({ indicator: 'SIAE_NB', region: 'REG-11', period: '2018', includeProvisional: 'true' })
      .expect(200);
    expect(res.body).toMatchObject({
      value: sum + 60,
      method: 'direct',
      status: 'provisional',
      direct: { value: sum + 60, status: 'provisional', provenance: { kind: 'user' } },
      computed: { value: sum, method: 'sum' },
      consistency: { regional: sum + 60, computed: sum, difference: 60, consistent: false },
    });
    expect(res.body.consistency.warning).toMatch(/^Incohérence : la valeur régionale/);
    expect(res.body.warnings).toEqual([res.body.consistency.warning]);

    // The same question from the public only sees validated values: the sum of the départements.
    const pub = await t
      .http()
      .get('/api/v1/rollup')
      .query({ indicator: 'SIAE_NB', region: 'REG-11', period: '2018' })
      .expect(200);
    expect(pub.body).toMatchObject({
      value: sum,
      method: 'sum',
      status: 'validated',
      direct: null,
      warnings: [],
    });
  });

  it('names every faulty parameter of a roll-up in French', async () => {
    const res = await t
      .http()
      .get('/api/v1/rollup')
      .query({ indicator: 'INCONNU', region: 'DEP-93', period: '21', dimensions: 'siae_type' })
      .expect(400);
    const fields = (res.body.errors as { field: string }[]).map((e) => e.field).sort();
    expect(fields).toEqual(['dimensions', 'indicator', 'period', 'region']);
    const ok = await t
      .http()
      .get('/api/v1/rollup')
      .query({ indicator: 'SIAE_NB', region: 'REG-11', period: '2019', dimensions: 'siae_type=ACI' })
      .expect(200);
    expect(ok.body.dimensions).toEqual({ siae_type: 'ACI' });
  });

  describe('progress against targets', () => {
    // Constructed on Seine-Saint-Denis for the 2021-2022 strategy: baseline 2020, target 2022, assessed in 2021.
    const cases = [
      // indicator, baseline 2020, value 2021, target 2022 → expected status
      { indicator: 'SIAE_NB', baseline: 100, latest: 121, target: 120, status: 'atteint' },
      { indicator: 'ETP_INSERTION', baseline: 100, latest: 109, target: 120, status: 'en_bonne_voie' },
      { indicator: 'SORTIES_NB', baseline: 100, latest: 104, target: 120, status: 'en_retard' },
    ];

    beforeAll(async () => {
      const admin = await t.as([{ role: 'admin', territory: 'REG-11' }]);
      const records: Record<string, unknown>[] = cases.flatMap((c) => [
        { indicator: c.indicator, territory: 'DEP-93', period: '2020', value: c.baseline },
        { indicator: c.indicator, territory: 'DEP-93', period: '2021', value: c.latest },
      ]);
      // A rate where a fall is wanted: 20 % → 14 %, 17,3 % in 2021 (2,7 points of the 3 expected = 90 %).
      for (const [period, numerator] of [
        ['2020', 200],
        ['2021', 173],
      ] as const) {
        records.push({
          indicator: 'TX_SORTIES_SANS_SOLUTION',
          territory: 'DEP-93',
          period,
          numerator,
          denominator: 1000,
        });
      }
      await admin.post('/api/v1/observations').send({ records }).expect(200);
      for (const c of cases) {
        await admin
          .put('/api/v1/targets')
          .send({ indicator: c.indicator, territory: 'DEP-93', year: 2022, value: c.target })
          .expect(200);
      }
      await admin
        .put('/api/v1/targets')
        .send({ indicator: 'TX_SORTIES_SANS_SOLUTION', territory: 'DEP-93', year: 2022, value: 14 })
        .expect(200);
    });

    it('computes atteint, en bonne voie, en retard and non renseigné with the documented method', async () => {
      const admin = await t.as([{ role: 'admin', territory: 'REG-11' }]);
      const res = await admin
        .get('/api/v1/progress')
        .query({ strategy: 'IDF-2021-2022', territory: 'DEP-93', year: '2021', includeProvisional: 'true' })
        .expect(200);
      const body = res.body as ProgressBody;
      for (const c of cases) {
        const item = itemOf(body, c.indicator);
        expect(item).toMatchObject({
          computedStatus: c.status,
          status: c.status,
          baseline: { year: 2020, value: c.baseline },
          latest: { year: 2021, value: c.latest },
          target: { year: 2022, value: c.target },
          override: null,
        });
      }
      expect(itemOf(body, 'ETP_INSERTION')).toMatchObject({ expected: 110 });
      expect(itemOf(body, 'ETP_INSERTION').explanation).toContain('90\u00a0% de la progression attendue');
      expect(itemOf(body, 'TX_SORTIES_SANS_SOLUTION')).toMatchObject({
        status: 'en_bonne_voie',
        expected: 17,
        baseline: { value: 20 },
      });
      expect(itemOf(body, 'TX_SORTIES_SANS_SOLUTION').latest?.value).toBeCloseTo(17.3, 9);
      // Demo targets exist for rates in percent and counts only: a ratio of counts has none in a département.
      expect(itemOf(body, 'SAL_PAR_PERMANENT')).toMatchObject({ status: 'non_renseigne', target: null });
      const objective = body.objectives.find((o) => o.number === '3.5')!;
      expect(objective.indicators.map((i) => i.indicator.code)).toEqual(
        expect.arrayContaining(['SORTIES_NB', 'TX_SORTIES_SANS_SOLUTION']),
      );
      expect(Object.values(body.summary).reduce((a, b) => a + b, 0)).toBeGreaterThan(10);
    });

    it('gives the région its rolled-up values and the public its validated ones', async () => {
      const res = await t
        .http()
        .get('/api/v1/progress')
        .query({ strategy: 'IDF-2021-2022', territory: 'REG-11', year: '2021' })
        .expect(200);
      const item = itemOf(res.body as ProgressBody, 'ETP_CONVENTIONNES');
      expect(item.baseline?.year).toBe(2020);
      expect(item.latest?.year).toBe(2021);
      expect(item.target?.year).toBe(2022);
      expect(['atteint', 'en_bonne_voie', 'en_retard']).toContain(item.status);
      await t
        .http()
        .get('/api/v1/progress')
        .query({ strategy: 'IDF-2021-2022', territory: 'DEP-13', year: '2021' })
        .expect(400);
      await t.http().get('/api/v1/progress').query({ strategy: 'INCONNUE', territory: 'REG-11' }).expect(404);
    });

    it('lets an administrateur override a status with a justification, shown in progress and audited', async () => {
      const admin = await t.as([{ role: 'admin', territory: 'REG-11' }], 'arbitre@test.cap-iae.fr');
      const cor = await t.as([{ role: 'cor_member', territory: 'REG-11' }]);
      const body = {
        indicator: 'SORTIES_NB',
        territory: 'DEP-93',
        year: 2021,
        status: 'en_bonne_voie',
        justification:
          'Les sorties de décembre 2021 manquent dans la source : le bilan complet montre le rythme tenu.',
      };
      await cor.put('/api/v1/progress/override').send(body).expect(403);
      await admin
        .put('/api/v1/progress/override')
        .send({ ...body, justification: undefined })
        .expect(400);
      const short = await admin
        .put('/api/v1/progress/override')
        .send({ ...body, justification: '   bref    ' })
        .expect(400);
      expect(short.body.errors[0]).toMatchObject({ field: 'justification' });
      expect(short.body.errors[0].message).toContain('au moins 10 caractères');
      await admin
        .put('/api/v1/progress/override')
        .send({ ...body, status: 'excellent' })
        .expect(400);

      const created = await admin.put('/api/v1/progress/override').send(body).expect(201);
      expect(created.body).toMatchObject({ status: 'en_bonne_voie', setBy: 'arbitre@test.cap-iae.fr' });
      await admin
        .put('/api/v1/progress/override')
        .send({ ...body, status: 'atteint', justification: 'Cible révisée en COR-IAE du 12 mai 2022.' })
        .expect(200);

      const progress = await t
        .http()
        .get('/api/v1/progress')
        .query({ strategy: 'IDF-2021-2022', territory: 'DEP-93', year: '2021' })
        .expect(200);
      const item = itemOf(progress.body as ProgressBody, 'SORTIES_NB');
      expect(item.status).toBe('atteint');
      expect(item.override).toMatchObject({
        status: 'atteint',
        justification: 'Cible révisée en COR-IAE du 12 mai 2022.',
        setBy: 'arbitre@test.cap-iae.fr',
      });
      expect(item.explanation).toContain('Statut forcé');

      await cor
        .delete('/api/v1/progress/override')
        .query({ indicator: 'SORTIES_NB', territory: 'DEP-93', year: 2021 })
        .expect(403);
      await admin
        .delete('/api/v1/progress/override')
        .query({ indicator: 'SORTIES_NB', territory: 'DEP-93', year: 2021 })
        .expect(204);
      await admin
        .delete('/api/v1/progress/override')
        .query({ indicator: 'SORTIES_NB', territory: 'DEP-93', year: 2021 })
        .expect(404);
      const after = await admin
        .get('/api/v1/progress')
        .query({ strategy: 'IDF-2021-2022', territory: 'DEP-93', year: '2021', includeProvisional: 'true' })
        .expect(200);
      expect(itemOf(after.body as ProgressBody, 'SORTIES_NB')).toMatchObject({
        status: 'en_retard',
        override: null,
      });

      const audit = await admin
        .get('/api/v1/audit')
        .query({ objectType: 'statut d’avancement', objectId: 'SORTIES_NB|DEP-93|2021' })
        .expect(200);
      const entries = (
        audit.body as { items: { action: string; actor: string; before: unknown; after: unknown }[] }
      ).items;
      expect(entries.map((e) => e.action)).toEqual(['suppression', 'modification', 'création']);
      expect(entries.every((e) => e.actor === 'arbitre@test.cap-iae.fr')).toBe(true);
      expect(entries[1]).toMatchObject({
        before: { status: 'en_bonne_voie' },
        after: { status: 'atteint', justification: 'Cible révisée en COR-IAE du 12 mai 2022.' },
      });
    });
  });
});
