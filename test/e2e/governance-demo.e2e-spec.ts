import { GovernanceDemoLoader, GovernanceReadService, InstancesService } from '@cap-iae/governance';
import { countRows, startTestApp, TestApp } from '../support/test-app';

const DEPARTMENTS = ['DEP-75', 'DEP-77', 'DEP-78', 'DEP-91', 'DEP-92', 'DEP-93', 'DEP-94', 'DEP-95'];

describe(`governance demo data (${process.env.TEST_DB ?? 'sqlite'})`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ demo: true });
  });
  afterAll(() => t.close());

  it('gives Île-de-France a COR-IAE and, per département, a CDIAE, a CTA and a conférence des financeurs', async () => {
    const instances = await t.app.get(InstancesService).list();
    expect(instances.every((i) => i.demo)).toBe(true);
    const byType = (code: string) => instances.filter((i) => i.typeCode === code);
    expect(byType('COR_IAE').map((i) => [i.territory, i.name, i.meetingCount])).toEqual([
      ['REG-11', "COR-IAE d'Île-de-France", 4],
    ]);
    for (const code of ['CDIAE', 'CTA', 'CONF_FINANCEURS'])
      expect(
        byType(code)
          .map((i) => i.territory)
          .sort(),
      ).toEqual(DEPARTMENTS);
    expect(byType('CDIAE').every((i) => i.meetingCount === 6)).toBe(true);
    expect(byType('CTA').every((i) => i.meetingCount === 4)).toBe(true);
    expect(byType('CONF_FINANCEURS').every((i) => i.meetingCount === 2)).toBe(true);
    expect(instances.find((i) => i.territory === 'DEP-93' && i.typeCode === 'CDIAE')?.name).toBe(
      'CDIAE de la Seine-Saint-Denis',
    );
  });

  it('writes plausible French meetings with the departmental networks, and decisions linked to objectives', async () => {
    const read = t.app.get(GovernanceReadService);
    const held = await read.meetingsFor('REG-11', '2021-01-01', '2022-12-31', { statuses: ['held'] });
    expect(held.length).toBeGreaterThan(90);
    const cor2021 = await read.meetingsFor('REG-11', '2021-01-01', '2021-12-31', { typeCodes: ['COR_IAE'] });
    expect(cor2021).toHaveLength(2);
    expect(cor2021[0].agenda).toContain('Présentation des chiffres de la DREETS');
    const cdiae93 = await read.meetingsFor('DEP-93', '2022-01-01', '2022-12-31', { typeCodes: ['CDIAE'] });
    expect(cdiae93).toHaveLength(3);
    expect(cdiae93[0].agenda).toEqual(
      expect.arrayContaining(["Bilan du plan d'actions 2021", 'Avis sur les conventionnements ACI']),
    );
    const rows: { participants: string }[] = await t.dataSource.query(
      `SELECT participants FROM meeting WHERE id = ${cdiae93[0].id}`,
    );
    const participants = JSON.parse(rows[0].participants) as { organisation: string }[];
    expect(participants.map((p) => p.organisation)).toEqual(
      expect.arrayContaining([
        'UD DREETS 93',
        "Inser'éco 93",
        'Conseil départemental de la Seine-Saint-Denis',
      ]),
    );

    const decisions = await read.decisionsFor('REG-11', 2021);
    expect(decisions.length).toBeGreaterThan(20);
    const targets = decisions.flatMap((d) => d.targets);
    expect(targets.some((x) => x.type === 'objective' && x.label.startsWith('Objectif '))).toBe(true);
    expect(targets.filter((x) => x.type === 'siae').every((x) => /^\d{14}$/.test(x.ref))).toBe(true);
    expect(decisions.some((d) => d.kind === 'favourable_opinion')).toBe(true);
    // The plans' demo data run first: decisions of the CDIAE cite their actions.
    expect(targets.some((x) => x.type === 'action' && x.label.includes("(plan d'actions 2021,"))).toBe(true);
    expect(decisions.every((d) => d.demo)).toBe(true);
  });

  it('loads only once, everything marked as demonstration', async () => {
    const before = await countRows(t.dataSource, 'meeting');
    expect(await t.app.get(GovernanceDemoLoader).load()).toBe(0);
    expect(await countRows(t.dataSource, 'meeting')).toBe(before);
    const demo: { n: number | string }[] = await t.dataSource.query(
      'SELECT COUNT(*) AS n FROM meeting WHERE is_demo = true',
    );
    expect(Number(demo[0].n)).toBe(before);
  });

  it('shows the demo meetings to the demo conseil départemental 77, not those of other départements', async () => {
    const login = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ login: 'cd77@demo.cap-iae.fr', password: 'Demo-CapIAE-2026' })
      .expect(200);
    const cookie = (login.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
    const list = await t.http().get('/api/v1/meetings').set('Cookie', cookie).expect(200);
    const territories = new Set(
      (list.body as { instance: { territory: string } }[]).map((m) => m.instance.territory),
    );
    expect([...territories]).toEqual(['DEP-77']);
    const html = await t
      .http()
      .get('/instances')
      .set('Cookie', cookie)
      .set('Accept', 'text/html')
      .expect(200);
    expect(html.text).toContain('CDIAE de Seine-et-Marne');
    expect(html.text).not.toContain('CDIAE des Yvelines');
  });
});
