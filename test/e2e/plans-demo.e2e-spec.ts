import { PlanDemoLoader } from '@cap-iae/action-plans';
import { runInContext } from '@cap-iae/shared';
import { countRows, startTestApp, TestApp } from '../support/test-app';

describe(`plans d'actions — démonstration (${process.env.TEST_DB ?? 'sqlite'})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ demo: true });
  });
  afterAll(() => t.close());

  it('loads plausible plans for the eight départements of Île-de-France, once, marked as demo', async () => {
    const plans: {
      department_code: string;
      year: number;
      status: string;
      avis_date: string | null;
      is_demo: unknown;
    }[] = await t.dataSource.query(
      'SELECT department_code, year, status, avis_date, is_demo FROM action_plan ORDER BY year, department_code',
    );
    expect(plans).toHaveLength(16);
    expect(new Set(plans.map((p) => p.department_code)).size).toBe(8);
    const y2021 = plans.filter((p) => p.year === 2021);
    expect(y2021.every((p) => p.status === 'validated' && /^2021-\d\d-\d\d$/.test(p.avis_date ?? ''))).toBe(
      true,
    );
    const y2022 = new Set(plans.filter((p) => p.year === 2022).map((p) => p.status));
    expect([...y2022].sort()).toEqual(['draft', 'submitted']);
    expect(plans.every((p) => Boolean(p.is_demo))).toBe(true);

    const perPlan: { plan_id: number; n: string | number }[] = await t.dataSource.query(
      'SELECT plan_id, COUNT(*) AS n FROM plan_action GROUP BY plan_id',
    );
    expect(perPlan).toHaveLength(16);
    for (const p of perPlan) {
      expect(Number(p.n)).toBeGreaterThanOrEqual(6);
      expect(Number(p.n)).toBeLessThanOrEqual(12);
    }
    const notDemo: { n: string | number }[] = await t.dataSource.query(
      `SELECT COUNT(*) AS n FROM plan_action WHERE is_demo = ${t.db.kind === 'postgres' ? 'false' : '0'}`,
    );
    expect(Number(notDemo[0].n)).toBe(0);
    expect(await countRows(t.dataSource, 'plan_action_objective')).toBeGreaterThan(perPlan.length * 6);
    expect(await countRows(t.dataSource, 'action_plan_version')).toBe(16 + 8 * 2 + 4);

    // Pilots from the départements' own networks, and a few late actions on the regional roll-up.
    const pilots: { pilot_organisation: string }[] = await t.dataSource.query(
      'SELECT DISTINCT pilot_organisation FROM plan_action',
    );
    const names = pilots.map((p) => p.pilot_organisation);
    expect(names).toEqual(
      expect.arrayContaining(['Sinacté', "Inser'éco 93", 'Voie 95', 'UD DREETS Essonne']),
    );
    const cor = await t.as([{ role: 'cor_member', territory: 'REG-11' }]);
    const rollup = await cor
      .get('/api/v1/plans/rollup?region=REG-11&strategy=IDF-2021-2022&year=2021')
      .expect(200);
    expect(rollup.body.totals.plans.validated).toBe(8);
    expect(rollup.body.totals.late).toBeGreaterThan(0);
    expect(rollup.body.totals.late).toBeLessThan(rollup.body.totals.actions / 2);

    // Idempotent: a second load creates nothing.
    const before = await countRows(t.dataSource, 'plan_action');
    expect(
      await runInContext({ actor: 'test', channel: 'system' }, () => t.app.get(PlanDemoLoader).load()),
    ).toBe(0);
    expect(await countRows(t.dataSource, 'plan_action')).toBe(before);
  });
});
