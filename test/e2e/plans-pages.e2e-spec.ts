import { startTestApp, TestApp, TEST_PASSWORD } from '../support/test-app';

/** Logs in through the HTML form, as a browser does; returns the session cookie. */
async function formLogin(t: TestApp, login: string): Promise<string> {
  const page = await t.http().get('/connexion').set('Accept', 'text/html').expect(200);
  const csrfCookie = (page.headers['set-cookie'] as unknown as string[])
    .find((c) => c.startsWith('capiae_csrf='))!
    .split(';')[0];
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
  const res = await t
    .http()
    .post('/connexion')
    .set('Cookie', csrfCookie)
    .type('form')
    .send({ _csrf: csrf, login, password: TEST_PASSWORD, suite: '/' })
    .expect(303);
  return (res.headers['set-cookie'] as unknown as string[])
    .find((c) => c.startsWith('capiae_session='))!
    .split(';')[0];
}

function hidden(html: string, name: string): string {
  return new RegExp(`name="${name}" value="([^"]*)"`).exec(html)![1];
}

/** A browser with its session: pages in HTML, forms posted with the page's CSRF token. */
class Browser {
  constructor(
    private readonly t: TestApp,
    readonly session: string,
  ) {}

  async page(path: string, status = 200) {
    return this.t.http().get(path).set('Cookie', this.session).set('Accept', 'text/html').expect(status);
  }

  post(path: string, from: string, fields: Record<string, string | string[]>) {
    return this.t
      .http()
      .post(path)
      .set('Cookie', this.session)
      .set('Accept', 'text/html')
      .type('form')
      .send({ _csrf: hidden(from, '_csrf'), ...fields });
  }
}

/** The forms a person who may not edit must not see: any form posting to a plan address. */
const EDIT_FORM = /<form[^>]*method="post"[^>]*action="\/plans/;

describe(`plans d'actions — pages (${process.env.TEST_DB ?? 'sqlite'})`, () => {
  let t: TestApp;
  let secretary: Browser;
  let admin: Browser;
  let cor: Browser;
  const objective = new Map<string, number>();

  beforeAll(async () => {
    t = await startTestApp();
    await t.as([{ role: 'cdiae_secretary', territory: 'DEP-93' }], 'secretaire93@test.cap-iae.fr');
    await t.as([{ role: 'cdiae_secretary', territory: 'DEP-93' }], 'adjointe93@test.cap-iae.fr');
    await t.as([{ role: 'admin', territory: 'REG-11' }], 'admin11@test.cap-iae.fr');
    await t.as([{ role: 'cor_member', territory: 'REG-11' }], 'cor11@test.cap-iae.fr');
    secretary = new Browser(t, await formLogin(t, 'secretaire93@test.cap-iae.fr'));
    admin = new Browser(t, await formLogin(t, 'admin11@test.cap-iae.fr'));
    cor = new Browser(t, await formLogin(t, 'cor11@test.cap-iae.fr'));
    const s = await t.http().get('/api/v1/strategies/IDF-2021-2022').expect(200);
    for (const axis of s.body.axes) for (const o of axis.objectives) objective.set(o.number, o.id);
  });
  afterAll(() => t.close());

  const validAction = (title: string, extra: Record<string, string | string[]> = {}) => ({
    title,
    description: 'Réunion mensuelle des SIAE, de France Travail et des référents RSA.',
    pilotOrganisation: 'UD DREETS Seine-Saint-Denis',
    pilotPerson: 'Chargée de mission IAE',
    partners: "France Travail\nInser'éco 93",
    startDate: '2022-01-15',
    dueDate: '2022-06-30',
    endDate: '',
    status: 'in_progress',
    progress: '40',
    objectiveIds: [String(objective.get('3.2')), String(objective.get('1.2'))],
    indicators: ['TX_SORTIES_DYNAMIQUES'],
    budgetYear: ['2022', '', '', ''],
    budgetFunder: ['État', '', '', ''],
    budgetPlanned: ['12 500', '', '', ''],
    budgetActual: ['', '', '', ''],
    ...extra,
  });

  it('drafts a plan through the pages, adds actions linked to objectives, submits it; the avis validates it; the roll-up shows it', async () => {
    const home = await secretary.page('/');
    expect(home.text).toContain('href="/plans"');
    expect(home.text).toContain('Plans d’actions');

    // Draft the plan.
    const list = await secretary.page('/plans');
    expect(list.text).toContain('Nouveau plan d’actions');
    const created = await secretary
      .post('/plans', list.text, { department: 'DEP-93', strategy: 'IDF-2021-2022', year: '2022' })
      .expect(303);
    const planUrl = created.headers.location;
    expect(planUrl).toMatch(/^\/plans\/\d+$/);
    const planId = Number(planUrl.split('/')[2]);
    let plan = await secretary.page(planUrl);
    expect(plan.text).toContain('Plan d’actions 2022 — Seine-Saint-Denis');
    expect(plan.text).toContain('Statut : brouillon');
    expect(plan.text).toContain(`href="/plans/${planId}/actions/nouvelle"`);

    // An action with mistakes: every field error is shown in French, next to its field.
    const form = await secretary.page(`${planUrl}/actions/nouvelle`);
    expect(form.text).toContain('Objectifs régionaux servis');
    expect(form.text).toContain('3.2 Renforcer la qualité des parcours des publics IAE');
    const bad = await secretary
      .post(`${planUrl}/actions`, form.text, {
        ...validAction(''),
        startDate: '2022-07-01',
        progress: '140',
        objectiveIds: [],
        budgetYear: ['2022', '2023', '', ''],
        budgetFunder: ['État', '', '', ''],
        budgetPlanned: ['12 500', 'beaucoup', '', ''],
      })
      .expect(400);
    expect(bad.text).toContain('intitulé obligatoire');
    expect(bad.text).toContain('la fin prévue ne peut pas précéder le début');
    expect(bad.text).toContain('doit être compris entre 0 et 100');
    expect(bad.text).toContain('au moins un objectif régional est attendu');
    expect(bad.text).toContain('financeur obligatoire');
    expect(bad.text).toContain('montant en euros attendu');
    expect(bad.text).toContain('Budget, ligne 2, Financeur');
    expect(bad.text).toContain('fr-input-group--error');
    expect(bad.text).toContain('value="2022-07-01"');
    expect(await t.dataSource.query('SELECT id FROM plan_action')).toHaveLength(0);

    // Two good actions.
    await secretary
      .post(`${planUrl}/actions`, form.text, validAction('Comité de suivi des parcours avec France Travail'))
      .expect(303);
    await secretary
      .post(
        `${planUrl}/actions`,
        form.text,
        validAction("Organiser un forum de l'IAE avec les entreprises du territoire", {
          status: 'done',
          endDate: '2022-05-20',
          progress: '100',
          objectiveIds: [String(objective.get('1.2'))],
        }),
      )
      .expect(303);
    plan = await secretary.page(planUrl);
    expect(plan.text).toContain('Axe 3 — Renforcer la qualité et la progressivité des parcours d’insertion');
    expect(plan.text).toContain('Comité de suivi des parcours avec France Travail');
    expect(plan.text).toContain('aussi : 3.2');
    expect(plan.text).toContain('>en retard</p>');
    expect(plan.text).toContain(
      '<progress max="100" value="40" aria-hidden="true"></progress> <span>40 %</span>',
    );
    expect(plan.text).toContain('objectif non couvert');
    expect(plan.text).toContain(`/api/v1/plans/${planId}/export.xlsx`);

    // Submit to the CDIAE.
    await secretary
      .post(`${planUrl}/soumission`, plan.text, { version: hidden(plan.text, 'version') })
      .expect(303);
    plan = await secretary.page(planUrl);
    expect(plan.text).toContain('Statut : soumis au CDIAE');
    expect(plan.text).not.toContain('/actions/nouvelle');
    expect(plan.text).not.toContain('Enregistrer l’avis');

    // The administrator records the CDIAE's avis.
    let adminPlan = await admin.page(planUrl);
    expect(adminPlan.text).toContain('Enregistrer l’avis du CDIAE');
    const noDate = await admin
      .post(`${planUrl}/avis`, adminPlan.text, { avisDate: '', comment: '' })
      .expect(400);
    expect(noDate.text).toContain('la date de l&#x27;avis du CDIAE est obligatoire');
    await admin
      .post(`${planUrl}/avis`, adminPlan.text, {
        avisDate: '2022-04-12',
        comment: 'Avis favorable',
        version: '2',
      })
      .expect(303);
    adminPlan = await admin.page(planUrl);
    expect(adminPlan.text).toContain('Statut : validé');
    expect(adminPlan.text).toContain('Avis du CDIAE du 12 avril 2022');
    expect(adminPlan.text).toContain('Clôturer le plan 2022');

    // The COR-IAE roll-up shows it validated, through the page and the API.
    const rollup = await cor.page('/plans/synthese?region=REG-11&strategie=IDF-2021-2022&annee=2022');
    expect(rollup.text).toContain('Synthèse régionale des plans d’actions — Île-de-France');
    const row = /<tr><th scope="row">Seine-Saint-Denis \(DEP-93\)<\/th>[\s\S]*?<\/tr>/.exec(rollup.text)![0];
    expect(row).toContain('validé');
    expect(row).toContain('12 avril 2022');
    expect(row).toContain('en cours : 1, réalisée : 1');
    expect(row).toContain('1 en retard');
    expect(rollup.text).toContain('validé : 1');
    const api = await t
      .http()
      .get('/api/v1/plans/rollup?region=REG-11&strategy=IDF-2021-2022&year=2022')
      .set('Cookie', cor.session)
      .expect(200);
    expect(api.body.departments.find((d: { code: string }) => d.code === 'DEP-93')).toMatchObject({
      plan: { id: planId, status: 'validated', avisDate: '2022-04-12' },
      actions: 2,
      late: 1,
    });

    // Versions: the comparison page says what changed and who did it.
    const compare = await secretary.page(`${planUrl}/versions/comparaison?de=1&a=3`);
    expect(compare.text).toContain('Comparaison des versions 1 et 3');
    expect(compare.text).toContain('ajoutée');
    expect(compare.text).toContain('secretaire93@test.cap-iae.fr');
  });

  it('shows a concurrent edit side by side and loses neither version', async () => {
    const other = new Browser(t, await formLogin(t, 'adjointe93@test.cap-iae.fr'));
    const list = await secretary.page('/plans');
    const created = await secretary
      .post('/plans', list.text, { department: 'DEP-93', strategy: 'IDF-2021-2022', year: '2021' })
      .expect(303);
    const planUrl = created.headers.location;
    const form = await secretary.page(`${planUrl}/actions/nouvelle`);
    await secretary
      .post(
        `${planUrl}/actions`,
        form.text,
        validAction('Ateliers mobilité', {
          startDate: '2021-01-15',
          dueDate: '2021-06-30',
          budgetYear: ['2021', '', '', ''],
        }),
      )
      .expect(303);
    const plan = await secretary.page(planUrl);
    const actionUrl = new RegExp(`href="(${planUrl}/actions/\\d+)"`).exec(plan.text)![1];

    // Both open the form at version 1.
    const formA = await secretary.page(actionUrl);
    const formB = await other.page(actionUrl);
    expect(hidden(formA.text, 'version')).toBe('1');
    const base = { startDate: '2021-01-15', dueDate: '2021-06-30', budgetYear: ['2021', '', '', ''] };
    const savedA = await secretary
      .post(actionUrl, formA.text, { ...validAction('Ateliers mobilité — saisie de A', base), version: '1' })
      .expect(200);
    expect(savedA.text).toContain('Action enregistrée.');
    const conflict = await other
      .post(actionUrl, formB.text, {
        ...validAction('Ateliers mobilité — saisie de B', { ...base, progress: '75' }),
        version: '1',
      })
      .expect(409);
    expect(conflict.text).toContain(
      'Cette action a été modifiée par quelqu’un d’autre pendant que vous l’éditiez',
    );
    expect(conflict.text).toContain('Rien n’a été écrasé');
    const table = /<caption>Les deux versions[\s\S]*?<\/table>/.exec(conflict.text)![0];
    expect(table).toContain(
      '<td>Ateliers mobilité — saisie de A</td><td>Ateliers mobilité — saisie de B</td>',
    );
    expect(table).toContain('<td>40 %</td><td>75 %</td>');
    // The form keeps B's input, now based on the saved version: saving again is B's deliberate choice.
    expect(conflict.text).toContain('value="Ateliers mobilité — saisie de B"');
    expect(hidden(conflict.text, 'version')).toBe('2');
    const stored = await t.http().get(`/api/v1${actionUrl}`).set('Cookie', secretary.session).expect(200);
    expect(stored.body.title).toBe('Ateliers mobilité — saisie de A');
    await other
      .post(actionUrl, conflict.text, {
        ...validAction('Ateliers mobilité — saisie de B', { ...base, progress: '75' }),
        version: hidden(conflict.text, 'version'),
      })
      .expect(200);
    const planId = planUrl.split('/')[2];
    const versions = await t
      .http()
      .get(`/api/v1/plans/${planId}/versions`)
      .set('Cookie', secretary.session)
      .expect(200);
    const titles: string[] = [];
    for (const v of versions.body as { number: number }[]) {
      const snap = await t
        .http()
        .get(`/api/v1/plans/${planId}/versions/${v.number}`)
        .set('Cookie', secretary.session)
        .expect(200);
      titles.push(...snap.body.snapshot.actions.map((a: { title: string }) => a.title));
    }
    expect(titles).toEqual(
      expect.arrayContaining(['Ateliers mobilité — saisie de A', 'Ateliers mobilité — saisie de B']),
    );
  });

  it('keeps both texts of the plan’s presentation when two people save it', async () => {
    const other = new Browser(t, await formLogin(t, 'adjointe93@test.cap-iae.fr'));
    const list = await secretary.page('/plans?departement=DEP-93&annee=2021');
    const planUrl = /href="(\/plans\/\d+)">Seine-Saint-Denis/.exec(list.text)![1];
    const pageA = await secretary.page(planUrl);
    const pageB = await other.page(planUrl);
    await secretary
      .post(planUrl, pageA.text, { summary: 'Priorités de A', version: hidden(pageA.text, 'version') })
      .expect(303);
    const conflict = await other
      .post(planUrl, pageB.text, { summary: 'Priorités de B', version: hidden(pageB.text, 'version') })
      .expect(409);
    expect(conflict.text).toContain('La présentation a été modifiée par quelqu’un d’autre entre-temps');
    expect(conflict.text).toContain('<p>Priorités de A</p>');
    expect(conflict.text).toContain('<p>Priorités de B</p>');
    expect(conflict.text).toContain('rows="4">Priorités de B</textarea>');
  });

  it('shows a secrétaire CDIAE of 93 no edit control on the plan of 75, and refuses the posts', async () => {
    const list = await admin.page('/plans');
    const created = await admin
      .post('/plans', list.text, { department: 'DEP-75', strategy: 'IDF-2021-2022', year: '2022' })
      .expect(303);
    const planUrl = created.headers.location;
    const form = await admin.page(`${planUrl}/actions/nouvelle`);
    await admin.post(`${planUrl}/actions`, form.text, validAction('Action parisienne')).expect(303);
    // A draft of 75 is not readable from 93.
    await secretary.page(planUrl, 403);
    const plan = await admin.page(planUrl);
    await admin.post(`${planUrl}/soumission`, plan.text, {}).expect(303);

    const seen = await secretary.page(planUrl);
    expect(seen.text).toContain('Plan d’actions 2022 — Paris');
    expect(seen.text).toContain('Action parisienne');
    expect(seen.text).not.toMatch(EDIT_FORM);
    expect(seen.text).not.toContain('Ajouter une action');
    expect(seen.text).not.toContain('Importer');
    expect(seen.text).not.toContain('Soumettre');
    expect(seen.text).toContain('Télécharger le plan (XLSX)');
    const actionUrl = new RegExp(`href="(${planUrl}/actions/\\d+)"`).exec(seen.text)![1];
    const action = await secretary.page(actionUrl);
    expect(action.text).toContain('Action parisienne');
    expect(action.text).not.toMatch(EDIT_FORM);
    expect(action.text).not.toContain('Enregistrer l’action');
    await secretary.post(actionUrl, seen.text, validAction('Détournée')).expect(403);
    await secretary.post(`${planUrl}/avis`, seen.text, { avisDate: '2022-01-01' }).expect(403);
    await secretary.page(`${planUrl}/actions/nouvelle`, 403);
  });
});
