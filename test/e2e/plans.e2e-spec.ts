import { Caller, countRows, startTestApp, TestApp } from '../support/test-app';

/** Plans d'actions through the API: workflow rules, actions, versions and diff, copy, concurrency, permissions. */
describe(`plans d'actions — API (${process.env.TEST_DB ?? 'sqlite'})`, () => {
  let t: TestApp;
  let sec93: Caller;
  let admin: Caller;
  let cor: Caller;
  let cd77: Caller;
  let sec92: Caller;
  let sec92bis: Caller;
  let sec95: Caller;
  let sec95bis: Caller;
  let draft93: number;
  const objective = new Map<string, number>();
  const oldObjective = new Map<string, number>();

  beforeAll(async () => {
    t = await startTestApp();
    sec93 = await t.as([{ role: 'cdiae_secretary', territory: 'DEP-93' }], 'sec93@test.cap-iae.fr');
    admin = await t.as([{ role: 'admin', territory: 'REG-11' }], 'admin@test.cap-iae.fr');
    cor = await t.as([{ role: 'cor_member', territory: 'REG-11' }], 'cor@test.cap-iae.fr');
    cd77 = await t.as([{ role: 'departmental_council', territory: 'DEP-77' }], 'cd77@test.cap-iae.fr');
    sec92 = await t.as([{ role: 'cdiae_secretary', territory: 'DEP-92' }], 'sec92@test.cap-iae.fr');
    sec92bis = await t.as([{ role: 'cdiae_secretary', territory: 'DEP-92' }], 'sec92bis@test.cap-iae.fr');
    sec95 = await t.as([{ role: 'cdiae_secretary', territory: 'DEP-95' }], 'sec95@test.cap-iae.fr');
    sec95bis = await t.as([{ role: 'cdiae_secretary', territory: 'DEP-95' }], 'sec95bis@test.cap-iae.fr');
    for (const [code, map] of [
      ['IDF-2021-2022', objective],
      ['IDF-2018-2020', oldObjective],
    ] as const) {
      const s = await t.http().get(`/api/v1/strategies/${code}`).expect(200);
      for (const axis of s.body.axes) for (const o of axis.objectives) map.set(o.number, o.id);
    }
  });
  afterAll(() => t.close());

  const action = (title: string, extra: Record<string, unknown> = {}) => ({
    title,
    pilotOrganisation: "Inser'éco 93",
    partners: ['France Travail'],
    startDate: '2022-01-10',
    dueDate: '2022-06-30',
    status: 'in_progress',
    progress: 40,
    objectiveIds: [objective.get('3.2')],
    indicators: ['TX_SORTIES_DYNAMIQUES'],
    budgets: [{ year: 2022, funder: 'État', planned: 12000, actual: null }],
    ...extra,
  });

  async function createPlan(caller: Caller, department: string, year: number): Promise<number> {
    const res = await caller
      .post('/api/v1/plans')
      .send({ department, strategy: 'IDF-2021-2022', year })
      .expect(201);
    return res.body.id as number;
  }

  async function validatedPlan(department: string, year: number): Promise<number> {
    const id = await createPlan(admin, department, year);
    await admin.post(`/api/v1/plans/${id}/actions`).send(action('Action validée')).expect(201);
    await admin.post(`/api/v1/plans/${id}/submit`).send({}).expect(200);
    await admin
      .post(`/api/v1/plans/${id}/validation`)
      .send({ avisDate: `${year}-04-12` })
      .expect(200);
    return id;
  }

  it('creates a draft, checks its key, and checks every field of an action in French', async () => {
    const created = await sec93
      .post('/api/v1/plans')
      .send({ department: 'DEP-93', strategy: 'IDF-2021-2022', year: 2022, summary: 'Priorités 2022' })
      .expect(201);
    expect(created.body).toMatchObject({
      department: { code: 'DEP-93', name: 'Seine-Saint-Denis' },
      strategy: { code: 'IDF-2021-2022' },
      year: 2022,
      status: 'draft',
      statusLabel: 'brouillon',
      revision: 1,
      version: 1,
      actions: [],
    });
    const id = created.body.id as number;
    draft93 = id;
    const again = await sec93
      .post('/api/v1/plans')
      .send({ department: 'DEP-93', strategy: 'IDF-2021-2022', year: 2022 })
      .expect(409);
    expect(again.body.message).toContain(`plan n° ${id}`);
    const outside = await sec93
      .post('/api/v1/plans')
      .send({ department: 'DEP-93', strategy: 'IDF-2021-2022', year: 2024 })
      .expect(400);
    expect(outside.body.errors).toEqual([
      { field: 'year', message: 'la stratégie IDF-2021-2022 couvre 2021 à 2022' },
    ]);
    await sec93
      .post('/api/v1/plans')
      .send({ department: 'DEP-75', strategy: 'IDF-2021-2022', year: 2022 })
      .expect(403);

    const bad = await sec93
      .post(`/api/v1/plans/${id}/actions`)
      .send(
        action('', {
          pilotOrganisation: '',
          startDate: '2022-07-01',
          dueDate: '2022-02-30',
          endDate: '2022-06-01',
          progress: 150,
          objectiveIds: [oldObjective.get('1.1')],
          indicators: ['INCONNU'],
          budgets: [
            { year: 2022, funder: 'État', planned: -5 },
            { year: 2022, funder: '' },
          ],
        }),
      )
      .expect(400);
    const fields = (bad.body.errors as { field: string; message: string }[]).map((e) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'title',
        'pilotOrganisation',
        'dueDate',
        'endDate',
        'progress',
        'objectiveIds[0]',
        'indicators[0]',
        'budgets[0].planned',
        'budgets[1].funder',
      ]),
    );
    expect(bad.body.errors).toContainEqual({
      field: 'objectiveIds[0]',
      message: `l'objectif ${oldObjective.get('1.1')} n'appartient pas à la stratégie du plan`,
    });
    expect(bad.body.errors).toContainEqual({
      field: 'indicators[0]',
      message: 'indicateur inconnu « INCONNU »',
    });
    expect(await countRows(t.dataSource, 'plan_action')).toBe(0);

    const late = await sec93
      .post(`/api/v1/plans/${id}/actions`)
      .send(action('Comité de suivi des parcours'))
      .expect(201);
    expect(late.body).toMatchObject({
      status: 'in_progress',
      statusLabel: 'en cours',
      late: true,
      progress: 40,
      objectives: [{ number: '3.2', axisNumber: 3 }],
      indicators: ['TX_SORTIES_DYNAMIQUES'],
      budgets: [{ year: 2022, funder: 'État', planned: 12000, actual: null }],
      version: 1,
    });
    const done = await sec93
      .post(`/api/v1/plans/${id}/actions`)
      .send(action('Forum IAE', { status: 'done', endDate: '2022-05-02', progress: 100 }))
      .expect(201);
    expect(done.body.late).toBe(false);
    const undated = await sec93
      .post(`/api/v1/plans/${id}/actions`)
      .send(action('Sans échéance', { dueDate: null, pilotOrganisation: null, pilotPerson: 'Référente IAE' }))
      .expect(201);
    expect(undated.body.late).toBe(false);
  });

  it('follows the workflow: only a draft is edited, submit needs an action, the avis needs a date', async () => {
    const id = await createPlan(sec93, 'DEP-93', 2021);
    const empty = await sec93.post(`/api/v1/plans/${id}/submit`).send({}).expect(422);
    expect(empty.body.message).toBe('Un plan sans action ne peut pas être soumis au CDIAE.');
    const a = await sec93.post(`/api/v1/plans/${id}/actions`).send(action('Diagnostic partagé')).expect(201);
    await cd77.post(`/api/v1/plans/${id}/submit`).send({}).expect(403);
    const stale = await sec93.post(`/api/v1/plans/${id}/submit`).send({ version: 99 }).expect(409);
    expect(stale.body).toMatchObject({
      code: 'CONFLICT',
      current: { status: 'draft' },
      yours: { version: 99 },
    });
    const submitted = await sec93.post(`/api/v1/plans/${id}/submit`).send({ version: 1 }).expect(200);
    expect(submitted.body).toMatchObject({
      status: 'submitted',
      submittedBy: 'sec93@test.cap-iae.fr',
      version: 2,
    });

    const locked = await sec93
      .put(`/api/v1/plans/${id}/actions/${a.body.id as number}`)
      .send({ ...action('Changement tardif'), version: 1 })
      .expect(422);
    expect(locked.body.message).toBe(
      'Ce plan est soumis au CDIAE : seul un plan en brouillon peut être modifié.',
    );
    await sec93.post(`/api/v1/plans/${id}/actions`).send(action('Ajout tardif')).expect(422);
    await sec93.post(`/api/v1/plans/${id}/submit`).send({}).expect(422);

    await sec93.post(`/api/v1/plans/${id}/validation`).send({ avisDate: '2021-04-01' }).expect(403);
    const noDate = await admin.post(`/api/v1/plans/${id}/validation`).send({ avisDate: '' }).expect(400);
    expect(noDate.body.errors).toEqual([
      { field: 'avisDate', message: "la date de l'avis du CDIAE est obligatoire" },
    ]);
    const future = await admin
      .post(`/api/v1/plans/${id}/validation`)
      .send({ avisDate: '2099-01-01' })
      .expect(400);
    expect(future.body.errors[0].message).toContain('futur');
    await admin.post(`/api/v1/plans/${id}/close`).send({}).expect(422);
    const validated = await admin
      .post(`/api/v1/plans/${id}/validation`)
      .send({ avisDate: '2021-04-12', comment: 'Avis favorable' })
      .expect(200);
    expect(validated.body).toMatchObject({
      status: 'validated',
      avis: { date: '2021-04-12', comment: 'Avis favorable', recordedBy: 'admin@test.cap-iae.fr' },
    });

    // Follow-up notes stay possible on a validated plan, until it is closed.
    const noted = await sec93
      .post(`/api/v1/plans/${id}/actions/${a.body.id as number}/notes`)
      .send({ date: '2021-09-15', text: 'Point d’étape en CDIAE' })
      .expect(201);
    expect(noted.body.notes).toEqual([
      expect.objectContaining({
        date: '2021-09-15',
        author: 'sec93@test.cap-iae.fr',
        text: 'Point d’étape en CDIAE',
      }),
    ]);
    await sec93.post(`/api/v1/plans/${id}/close`).send({}).expect(403);
    await admin.post(`/api/v1/plans/${id}/close`).send({}).expect(200);
    await sec93
      .post(`/api/v1/plans/${id}/actions/${a.body.id as number}/notes`)
      .send({ text: 'trop tard' })
      .expect(422);

    const audit = await admin
      .get(`/api/v1/audit?objectType=${encodeURIComponent("plan d'actions")}&objectId=${id}`)
      .expect(200);
    const actions = (audit.body.items as { action: string; before: unknown; after: unknown }[]).map(
      (e) => e.action,
    );
    expect(actions).toEqual(
      expect.arrayContaining(['création', 'soumission au CDIAE', 'avis du CDIAE (plan validé)', 'clôture']),
    );
    const avis = (
      audit.body.items as { action: string; before: { status: string }; after: { status: string } }[]
    ).find((e) => e.action === 'avis du CDIAE (plan validé)')!;
    expect(avis.before.status).toBe('submitted');
    expect(avis.after.status).toBe('validated');
  });

  it('keeps every version and compares two of them per action and field, with who changed what', async () => {
    const id = await createPlan(sec92, 'DEP-92', 2021);
    const before = (await sec92.get(`/api/v1/plans/${id}/versions`).expect(200)).body as { number: number }[];
    const start = before[0].number;
    const created = await sec92
      .post(`/api/v1/plans/${id}/actions`)
      .send(action('Ateliers mobilité'))
      .expect(201);
    const actionId = created.body.id as number;
    await sec92bis
      .put(`/api/v1/plans/${id}/actions/${actionId}`)
      .send({ ...action('Ateliers mobilité et permis'), progress: 60, version: 1 })
      .expect(200);
    await sec92
      .put(`/api/v1/plans/${id}/actions/${actionId}`)
      .send({ ...action('Ateliers mobilité et permis'), progress: 60, status: 'suspended', version: 2 })
      .expect(200);
    const versions = (await sec92.get(`/api/v1/plans/${id}/versions`).expect(200)).body as {
      number: number;
      author: string;
      reason: string;
    }[];
    expect(versions.slice(0, 3).map((v) => v.reason)).toEqual([
      'action modifiée : Ateliers mobilité et permis',
      'action modifiée : Ateliers mobilité et permis',
      'action ajoutée : Ateliers mobilité',
    ]);
    const one = await sec92.get(`/api/v1/plans/${id}/versions/${start + 1}`).expect(200);
    expect(one.body.snapshot.actions.map((a: { title: string }) => a.title)).toContain('Ateliers mobilité');

    const diff = await sec92
      .get(`/api/v1/plans/${id}/versions/diff?from=${start + 1}&to=${start + 3}`)
      .expect(200);
    expect(diff.body.from.number).toBe(start + 1);
    expect(diff.body.actions).toHaveLength(1);
    const change = diff.body.actions[0];
    expect(change).toMatchObject({ actionId, change: 'modified' });
    const byField = Object.fromEntries(
      (
        change.fields as { field: string; before: string; after: string; changedBy: { author: string }[] }[]
      ).map((f) => [f.field, { before: f.before, after: f.after, by: f.changedBy.map((c) => c.author) }]),
    );
    expect(byField.title).toEqual({
      before: 'Ateliers mobilité',
      after: 'Ateliers mobilité et permis',
      by: ['sec92bis@test.cap-iae.fr'],
    });
    expect(byField.progress).toEqual({ before: '40 %', after: '60 %', by: ['sec92bis@test.cap-iae.fr'] });
    expect(byField.status).toEqual({ before: 'en cours', after: 'suspendue', by: ['sec92@test.cap-iae.fr'] });

    const added = await sec92
      .get(`/api/v1/plans/${id}/versions/diff?from=${start}&to=${start + 3}`)
      .expect(200);
    expect(added.body.actions).toEqual([
      expect.objectContaining({ actionId, change: 'added', changedBy: expect.any(Array) as unknown }),
    ]);
    await sec92.delete(`/api/v1/plans/${id}/actions/${actionId}?version=1`).expect(409);
    await sec92.delete(`/api/v1/plans/${id}/actions/${actionId}?version=3`).expect(204);
    const latest = (await sec92.get(`/api/v1/plans/${id}/versions`).expect(200)).body[0].number as number;
    const removed = await sec92
      .get(`/api/v1/plans/${id}/versions/diff?from=${latest - 1}&to=${latest}`)
      .expect(200);
    expect(removed.body.actions).toEqual([
      expect.objectContaining({ actionId, change: 'removed', title: 'Ateliers mobilité et permis' }),
    ]);
    await sec92.get(`/api/v1/plans/${id}/versions/diff?from=1&to=9999`).expect(404);
  });

  it('loses neither version when two people save the same action: 409 with both, then a deliberate save', async () => {
    const plan = await createPlan(sec95, 'DEP-95', 2022);
    const created = await sec95
      .post(`/api/v1/plans/${plan}/actions`)
      .send(action('Forum de l’IAE'))
      .expect(201);
    const actionId = created.body.id as number;
    // Both opened version 1; the first to save wins, the second is told and shown both versions.
    const first = await sec95
      .put(`/api/v1/plans/${plan}/actions/${actionId}`)
      .send({ ...action('Forum de l’IAE — version A'), version: 1 })
      .expect(200);
    expect(first.body.version).toBe(2);
    const second = await sec95bis
      .put(`/api/v1/plans/${plan}/actions/${actionId}`)
      .send({ ...action('Forum de l’IAE — version B'), progress: 80, version: 1 })
      .expect(409);
    expect(second.body).toMatchObject({
      statusCode: 409,
      code: 'CONFLICT',
      current: { id: actionId, title: 'Forum de l’IAE — version A', version: 2 },
      yours: { title: 'Forum de l’IAE — version B', progress: 80, version: 1 },
    });
    expect(second.body.message).toContain('rien n');
    const stored = await sec95bis.get(`/api/v1/plans/${plan}/actions/${actionId}`).expect(200);
    expect(stored.body.title).toBe('Forum de l’IAE — version A');
    await sec95bis
      .put(`/api/v1/plans/${plan}/actions/${actionId}`)
      .send({ ...second.body.yours, version: second.body.current.version })
      .expect(200);
    const versions = (await sec95.get(`/api/v1/plans/${plan}/versions`).expect(200)).body as {
      number: number;
    }[];
    const titles: string[] = [];
    for (const v of versions.slice(0, 3)) {
      const snap = await sec95.get(`/api/v1/plans/${plan}/versions/${v.number}`).expect(200);
      titles.push(
        ...snap.body.snapshot.actions
          .filter((a: { id: number }) => a.id === actionId)
          .map((a: { title: string }) => a.title),
      );
    }
    expect(titles).toEqual(['Forum de l’IAE — version B', 'Forum de l’IAE — version A', 'Forum de l’IAE']);
  });

  it('prepares next year from last year: status reset, links kept, dates shifted, past budget lines left behind', async () => {
    const source = await createPlan(admin, 'DEP-91', 2021);
    const a = await admin
      .post(`/api/v1/plans/${source}/actions`)
      .send(
        action('Plan de formation mutualisé', {
          startDate: '2021-02-01',
          dueDate: '2021-11-30',
          status: 'done',
          endDate: '2021-12-10',
          progress: 100,
          objectiveIds: [objective.get('3.4'), objective.get('1.1')],
          indicators: ['HEURES_FORMATION', 'TX_SALARIES_FORMES'],
          budgets: [
            { year: 2021, funder: 'État', planned: 10000, actual: 9500 },
            { year: 2022, funder: 'Région Île-de-France', planned: 8000, actual: 100 },
          ],
        }),
      )
      .expect(201);
    await admin.post(`/api/v1/plans/${source}/submit`).send({}).expect(200);
    await admin.post(`/api/v1/plans/${source}/validation`).send({ avisDate: '2021-03-20' }).expect(200);

    const copy = await admin.post(`/api/v1/plans/${source}/copy-next-year`).send({}).expect(201);
    expect(copy.body).toMatchObject({ year: 2022, status: 'draft', copiedFromPlanId: source, avis: null });
    expect(copy.body.actions).toEqual([
      expect.objectContaining({
        title: 'Plan de formation mutualisé',
        status: 'planned',
        progress: 0,
        endDate: null,
        startDate: '2022-02-01',
        dueDate: '2022-11-30',
        copiedFromActionId: a.body.id,
        objectives: [expect.objectContaining({ number: '1.1' }), expect.objectContaining({ number: '3.4' })],
        indicators: ['HEURES_FORMATION', 'TX_SALARIES_FORMES'],
        budgets: [{ year: 2022, funder: 'Région Île-de-France', planned: 8000, actual: null }],
        notes: [],
      }),
    ]);
    await admin.post(`/api/v1/plans/${source}/copy-next-year`).send({}).expect(409);
    const beyond = await admin
      .post(`/api/v1/plans/${copy.body.id as number}/copy-next-year`)
      .send({})
      .expect(422);
    expect(beyond.body.message).toContain("s'arrête en 2022");
    const source2 = (await admin.get(`/api/v1/plans/${source}`).expect(200)).body;
    expect(source2.actions[0]).toMatchObject({ status: 'done', progress: 100 });

    const missing = await admin
      .post('/api/v1/plans')
      .send({ department: 'DEP-75', strategy: 'IDF-2021-2022', year: 2022, copyFromPreviousYear: true })
      .expect(400);
    expect(missing.body.errors).toEqual([
      { field: 'copyFromPreviousYear', message: 'aucun plan 2021 de ce département pour cette stratégie' },
    ]);
  });

  it('lets a conseil départemental of 77 read 77’s validated plan but not a draft of 78', async () => {
    const validated77 = await validatedPlan('DEP-77', 2021);
    const draft78 = await createPlan(admin, 'DEP-78', 2021);
    const draft77 = await createPlan(admin, 'DEP-77', 2022);
    await cd77.get(`/api/v1/plans/${validated77}`).expect(200);
    await cd77.get(`/api/v1/plans/${validated77}/export.csv`).expect(200);
    const denied = await cd77.get(`/api/v1/plans/${draft78}`).expect(403);
    expect(denied.body.code).toBe('FORBIDDEN');
    await cd77.get(`/api/v1/plans/${draft77}`).expect(403);
    await cd77.get(`/api/v1/plans/${draft78}/versions`).expect(403);
    await cd77.get(`/api/v1/plans/${draft78}/export.xlsx`).expect(403);
    const list = await cd77.get('/api/v1/plans').expect(200);
    expect((list.body as { id: number }[]).map((p) => p.id)).toEqual([validated77]);
    await cd77.post(`/api/v1/plans/${validated77}/actions/1/notes`).send({ text: 'non' }).expect(403);
  });

  it('hides a draft of 93 from a COR-IAE member until it is submitted', async () => {
    const planId = draft93;
    await cor.get(`/api/v1/plans/${planId}`).expect(403);
    await cor.get(`/api/v1/plans/${planId}/export.xlsx`).expect(403);
    expect(
      (await cor.get('/api/v1/plans?department=DEP-93').expect(200)).body.map((p: { id: number }) => p.id),
    ).not.toContain(planId);
    await sec93.post(`/api/v1/plans/${planId}/submit`).send({}).expect(200);
    const read = await cor.get(`/api/v1/plans/${planId}`).expect(200);
    expect(read.body.status).toBe('submitted');
    await cor.post(`/api/v1/plans/${planId}/actions`).send(action('non')).expect(403);
  });

  it('rolls the plans up for the COR-IAE: statuses, late actions, uncovered objectives, drafts not counted', async () => {
    const res = await cor
      .get('/api/v1/plans/rollup?region=REG-11&strategy=IDF-2021-2022&year=2022')
      .expect(200);
    const body = res.body;
    expect(body.region).toEqual({ code: 'REG-11', name: 'Île-de-France' });
    expect(body.departments.map((d: { code: string }) => d.code)).toEqual([
      'DEP-75',
      'DEP-77',
      'DEP-78',
      'DEP-91',
      'DEP-92',
      'DEP-93',
      'DEP-94',
      'DEP-95',
    ]);
    const dep = (code: string): unknown => body.departments.find((d: { code: string }) => d.code === code);
    expect(dep('DEP-75')).toMatchObject({ plan: null, counted: false, actions: 0 });
    expect(dep('DEP-77')).toMatchObject({ plan: { status: 'draft' }, counted: false, actions: 0 });
    expect(body.objectives).toHaveLength(13);
    expect(body.totals.plans.none).toBeGreaterThan(0);
    const o32 = body.objectives.find((o: { number: string }) => o.number === '3.2');
    expect(o32.cells).toHaveLength(8);

    // A validated plan of 94 with one late action on 3.2 and one done on 1.1.
    const id = await createPlan(admin, 'DEP-94', 2022);
    await admin.post(`/api/v1/plans/${id}/actions`).send(action('En retard')).expect(201);
    await admin
      .post(`/api/v1/plans/${id}/actions`)
      .send(
        action('Faite', {
          status: 'done',
          endDate: '2022-05-01',
          progress: 100,
          objectiveIds: [objective.get('1.1')],
        }),
      )
      .expect(201);
    await admin.post(`/api/v1/plans/${id}/submit`).send({}).expect(200);
    await admin.post(`/api/v1/plans/${id}/validation`).send({ avisDate: '2022-03-01' }).expect(200);
    const after = (
      await cor.get('/api/v1/plans/rollup?region=REG-11&strategy=IDF-2021-2022&year=2022').expect(200)
    ).body;
    const d94 = after.departments.find((d: { code: string }) => d.code === 'DEP-94');
    expect(d94).toMatchObject({
      plan: { id, status: 'validated', statusLabel: 'validé', avisDate: '2022-03-01' },
      counted: true,
      actions: 2,
      late: 1,
      byStatus: { in_progress: 1, done: 1, planned: 0, suspended: 0, abandoned: 0 },
    });
    expect(d94.uncoveredObjectives).not.toContain('3.2');
    expect(d94.uncoveredObjectives).toContain('2.1');
    const cell = after.objectives
      .find((o: { number: string }) => o.number === '3.2')
      .cells.find((c: { department: string }) => c.department === 'DEP-94');
    expect(cell).toMatchObject({ actions: 1, late: 1, covered: true, byStatus: { in_progress: 1 } });
    await cd77.get('/api/v1/plans/rollup?region=REG-11').expect(403);
    await cor.get('/api/v1/plans/rollup?region=DEP-93').expect(400);

    const summary = await cor
      .get('/api/v1/plans/summary?department=DEP-94&strategy=IDF-2021-2022&year=2022')
      .expect(200);
    expect(summary.body).toMatchObject({
      counted: true,
      actions: { total: 2, late: 1, averageProgress: 70 },
      budget: { planned: 24000, actual: 0 },
    });
    expect(summary.body.lateActions.map((a: { title: string }) => a.title)).toEqual(['En retard']);
  });
});
