import ExcelJS from 'exceljs';
import type { Response } from 'superagent';
import { Caller, countRows, startTestApp, TestApp, TEST_PASSWORD } from '../support/test-app';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function binary(res: Response, done: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

/** Every cell of every sheet, as comparable text (dates as ISO days). */
async function cells(data: Buffer): Promise<Record<string, string[][]>> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(data as unknown as ArrayBuffer);
  const out: Record<string, string[][]> = {};
  for (const ws of wb.worksheets) {
    const rows: string[][] = [];
    ws.eachRow({ includeEmpty: true }, (row) => {
      const values: string[] = [];
      for (let c = 1; c <= ws.columnCount; c++) {
        const v = row.getCell(c).value;
        values.push(
          v instanceof Date
            ? v.toISOString().slice(0, 10)
            : v === null || v === undefined
              ? ''
              : JSON.stringify(v),
        );
      }
      rows.push(values);
    });
    out[ws.name] = rows;
  }
  return out;
}

async function workbook(sheets: Record<string, unknown[][]>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) {
    const ws = wb.addWorksheet(name);
    for (const r of rows) ws.addRow(r);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe(`plans d'actions — XLSX et CSV (${process.env.TEST_DB ?? 'sqlite'})`, () => {
  let t: TestApp;
  let sec: Caller;
  const objective = new Map<string, number>();

  beforeAll(async () => {
    t = await startTestApp();
    sec = await t.as([{ role: 'cdiae_secretary', territory: 'DEP-93' }], 'fichiers93@test.cap-iae.fr');
    const s = await t.http().get('/api/v1/strategies/IDF-2021-2022').expect(200);
    for (const axis of s.body.axes) for (const o of axis.objectives) objective.set(o.number, o.id);
  });
  afterAll(() => t.close());

  const exportXlsx = async (id: number) =>
    (await sec.get(`/api/v1/plans/${id}/export.xlsx`).buffer(true).parse(binary).expect(200)).body as Buffer;
  const importXlsx = (id: number, data: Buffer) =>
    sec.post(`/api/v1/plans/${id}/import?filename=plan.xlsx`).set('Content-Type', XLSX).send(data);

  async function plan(department: string, year: number): Promise<number> {
    return (await sec.post('/api/v1/plans').send({ department, strategy: 'IDF-2021-2022', year }).expect(201))
      .body.id as number;
  }

  let source: number;

  it('exports a plan, imports it into a new draft, exports again: the same file, cell by cell', async () => {
    source = await plan('DEP-93', 2022);
    const actions = [
      {
        title: "Organiser un forum de l'IAE avec les entreprises du territoire",
        description: '=SOMME(A1:A9) n’est pas une formule ici\nDeuxième ligne ; avec un point-virgule',
        pilotOrganisation: "Inser'éco 93",
        pilotPerson: 'Chargée de développement',
        partners: ['France Travail', 'CCI Seine-Saint-Denis'],
        startDate: '2022-02-01',
        dueDate: '2022-10-15',
        endDate: '2022-10-20',
        status: 'done',
        progress: 100,
        objectiveIds: [objective.get('3.5'), objective.get('1.2')],
        indicators: ['CONTRATS_PASSERELLES_NB', 'TX_PMSMP'],
        budgets: [
          { year: 2022, funder: 'État', planned: 12000.5, actual: 11800 },
          { year: 2022, funder: 'FSE', planned: 3000 },
          { year: 2023, funder: 'Conseil départemental', planned: null, actual: 500 },
        ],
      },
      {
        title: 'Mettre en place un comité de suivi des parcours avec France Travail',
        pilotOrganisation: 'UD DREETS Seine-Saint-Denis',
        startDate: '2022-01-10',
        dueDate: '2022-03-31',
        status: 'in_progress',
        progress: 35,
        objectiveIds: [objective.get('3.2')],
      },
      {
        title: 'Réaliser un diagnostic partagé par bassin',
        pilotPerson: 'Référente IAE',
        status: 'planned',
        objectiveIds: [objective.get('1.1')],
        indicators: ['SIAE_NB'],
      },
    ];
    for (const a of actions) await sec.post(`/api/v1/plans/${source}/actions`).send(a).expect(201);
    const first = await exportXlsx(source);

    const target = await plan('DEP-93', 2021);
    const imported = await importXlsx(target, first).expect(200);
    expect(imported.body).toMatchObject({ created: 3, updated: 0, deleted: 0 });
    const second = await exportXlsx(target);
    const a = await cells(first);
    const b = await cells(second);
    expect(Object.keys(a)).toEqual(['Actions', 'Budget']);
    expect(a.Actions).toHaveLength(4);
    expect(a.Budget).toHaveLength(4);
    expect(b).toEqual(a);

    const strip = (p: { actions: Record<string, unknown>[] }) =>
      p.actions.map(
        ({
          title,
          description,
          pilotOrganisation,
          pilotPerson,
          partners,
          startDate,
          dueDate,
          endDate,
          status,
          progress,
          objectives,
          indicators,
          budgets,
        }) => ({
          title,
          description,
          pilotOrganisation,
          pilotPerson,
          partners,
          startDate,
          dueDate,
          endDate,
          status,
          progress,
          objectives,
          indicators,
          budgets,
        }),
      );
    const fromSource = (await sec.get(`/api/v1/plans/${source}`).expect(200)).body;
    const fromTarget = (await sec.get(`/api/v1/plans/${target}`).expect(200)).body;
    expect(strip(fromTarget)).toEqual(strip(fromSource));

    // Importing the same file again recognises the actions by their intitulé: nothing created, notes kept.
    const actionId = fromTarget.actions[1].id as number;
    await sec
      .post(`/api/v1/plans/${target}/actions/${actionId}/notes`)
      .send({ text: 'À garder' })
      .expect(201);
    const again = await importXlsx(target, first).expect(200);
    expect(again.body).toMatchObject({ created: 0, updated: 3, deleted: 0 });
    const kept = (await sec.get(`/api/v1/plans/${target}/actions/${actionId}`).expect(200)).body;
    expect(kept.notes.map((n: { text: string }) => n.text)).toEqual(['À garder']);
    const versions = (await sec.get(`/api/v1/plans/${target}/versions`).expect(200)).body;
    expect(versions[0].reason).toBe(
      'import du fichier « plan.xlsx » (0 créées, 3 mises à jour, 0 supprimées)',
    );
  });

  it('writes nothing from a file with several bad rows, and names each one: sheet, line, column, reason', async () => {
    // The draft of 2021 from the round trip, with its three actions.
    const id = (await sec.get('/api/v1/plans?department=DEP-93&year=2021').expect(200)).body[0].id as number;
    const before = {
      actions: await countRows(t.dataSource, 'plan_action'),
      budgets: await countRows(t.dataSource, 'plan_action_budget'),
      versions: await countRows(t.dataSource, 'action_plan_version'),
      snapshot: (await sec.get(`/api/v1/plans/${id}`).expect(200)).body,
    };
    const bad = await workbook({
      Actions: [
        [
          'Intitulé',
          'Description',
          'Objectifs',
          'Pilote (structure)',
          'Pilote (personne)',
          'Partenaires',
          'Début',
          'Fin prévue',
          'Fin réelle',
          'Statut',
          'Avancement (%)',
          'Indicateurs',
        ],
        [
          'Action correcte',
          '',
          '1.1',
          'UD DREETS',
          '',
          '',
          '01/02/2021',
          '30/06/2021',
          '',
          'en cours',
          20,
          '',
        ],
        ['Objectif inconnu', '', '7.7', 'UD DREETS', '', '', '', '', '', 'à venir', 0, ''],
        ['Date impossible', '', '1.2', 'Sinacté', '', '', '', '31/02/2021', '', 'à venir', 0, ''],
        ['', '', '3.1', '', '', '', '', '', '', 'finie', 150, 'INCONNU'],
      ],
      Budget: [
        ['Action', 'Année', 'Financeur', 'Prévisionnel (€)', 'Réalisé (€)'],
        ['Action correcte', 2021, 'État', 'douze mille', ''],
        ['Action absente', 2021, 'FSE', 100, ''],
      ],
    });
    const res = await importXlsx(id, bad).expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.message).toContain('rien n’a été enregistré');
    expect(res.body.rejections).toEqual([
      {
        sheet: 'Actions',
        line: 3,
        column: 'Objectifs',
        reason: 'objectif « 7.7 » inconnu dans la stratégie IDF-2021-2022',
      },
      {
        sheet: 'Actions',
        line: 4,
        column: 'Fin prévue',
        reason: 'date invalide « 31/02/2021 » (attendu JJ/MM/AAAA)',
      },
      {
        sheet: 'Actions',
        line: 5,
        column: 'Statut',
        reason: 'statut inconnu « finie » (attendu : à venir, en cours, réalisée, suspendue, abandonnée)',
      },
      { sheet: 'Actions', line: 5, column: 'Avancement (%)', reason: 'nombre entier de 0 à 100 attendu' },
      { sheet: 'Actions', line: 5, column: 'Intitulé', reason: 'intitulé obligatoire' },
      {
        sheet: 'Actions',
        line: 5,
        column: 'Pilote (structure)',
        reason: 'indiquez la structure pilote ou la personne pilote',
      },
      { sheet: 'Actions', line: 5, column: 'Indicateurs', reason: 'indicateur inconnu « INCONNU »' },
      {
        sheet: 'Budget',
        line: 2,
        column: 'Prévisionnel (€)',
        reason: 'nombre attendu, trouvé « douze mille »',
      },
      {
        sheet: 'Budget',
        line: 3,
        column: 'Action',
        reason: 'aucune action « Action absente » dans la feuille « Actions »',
      },
    ]);
    expect(res.body.errors[0]).toEqual({
      field: 'feuille « Actions », ligne 3, colonne « Objectifs »',
      message: 'objectif « 7.7 » inconnu dans la stratégie IDF-2021-2022',
    });
    expect(await countRows(t.dataSource, 'plan_action')).toBe(before.actions);
    expect(await countRows(t.dataSource, 'plan_action_budget')).toBe(before.budgets);
    expect(await countRows(t.dataSource, 'action_plan_version')).toBe(before.versions);
    expect((await sec.get(`/api/v1/plans/${id}`).expect(200)).body).toEqual(before.snapshot);

    const notXlsx = await importXlsx(id, Buffer.from('Intitulé;Objectifs\nA;1.1\n')).expect(400);
    expect(notXlsx.body.rejections[0].reason).toContain('fichier illisible');
    await sec.post(`/api/v1/plans/${id}/import`).set('Content-Type', 'text/csv').send('a;b').expect(400);
  });

  it('imports through the page form (multipart), and lists rejected rows there too', async () => {
    const page = await t.http().get('/connexion').set('Accept', 'text/html').expect(200);
    const csrfCookie = (page.headers['set-cookie'] as unknown as string[])
      .find((c) => c.startsWith('capiae_csrf='))!
      .split(';')[0];
    const login = await t
      .http()
      .post('/connexion')
      .set('Cookie', csrfCookie)
      .type('form')
      .send({
        _csrf: /name="_csrf" value="([^"]+)"/.exec(page.text)![1],
        login: 'fichiers93@test.cap-iae.fr',
        password: TEST_PASSWORD,
      })
      .expect(303);
    const session = (login.headers['set-cookie'] as unknown as string[])
      .find((c) => c.startsWith('capiae_session='))!
      .split(';')[0];
    const list = await t
      .http()
      .get('/plans?departement=DEP-93&annee=2021')
      .set('Cookie', session)
      .set('Accept', 'text/html')
      .expect(200);
    const id = Number(/href="\/plans\/(\d+)">Seine-Saint-Denis/.exec(list.text)![1]);
    const planPage = await t
      .http()
      .get(`/plans/${id}`)
      .set('Cookie', session)
      .set('Accept', 'text/html')
      .expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(planPage.text)![1];
    expect(planPage.text).toContain(`action="/plans/${id}/import?_csrf=`);
    const upload = (data: Buffer) =>
      t
        .http()
        .post(`/plans/${id}/import?_csrf=${csrf}`)
        .set('Cookie', session)
        .set('Accept', 'text/html')
        .attach('fichier', data, 'plan-93.xlsx');
    const good = await upload(await exportXlsx(source)).expect(200);
    expect(good.text).toContain('Import réussi : 0 actions créées, 3 mises à jour, 0 supprimées.');
    const bad = await upload(
      await workbook({
        Actions: [
          ['Intitulé', 'Objectifs', 'Pilote (structure)'],
          ['Sans objectif', '', 'UD DREETS'],
        ],
      }),
    ).expect(400);
    expect(bad.text).toContain('Lignes rejetées : rien n’a été importé');
    expect(bad.text).toMatch(
      /<td>Actions<\/td><td>2<\/td><td>Objectifs<\/td><td>au moins un objectif régional est attendu/,
    );
  });

  it('exports the actions as CSV: semicolons, UTF-8 with BOM, formulas neutralised', async () => {
    const res = await sec.get(`/api/v1/plans/${source}/export.csv`).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toContain('plan-actions-DEP-93-IDF-2021-2022-2022.csv');
    const text = res.text;
    expect(text.startsWith('\ufeffIntitulé;Description;Objectifs;')).toBe(true);
    expect(text).toContain(`"'=SOMME(A1:A9) n’est pas une formule ici`);
    expect(text).toContain('1.2; 3.5');
    expect(text).toContain('15000,5');
    expect(text.split('\r\n')).toHaveLength(5);
  });

  it('refuses to import into a plan that is no longer a draft', async () => {
    await sec.post(`/api/v1/plans/${source}/submit`).send({}).expect(200);
    const res = await importXlsx(source, await exportXlsx(source)).expect(422);
    expect(res.body.message).toContain('seul un plan en brouillon');
  });
});
