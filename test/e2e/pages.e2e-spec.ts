import { startTestApp, TestApp, TEST_PASSWORD } from '../support/test-app';

/** Logs in through the HTML form, as a browser would: pre-login CSRF cookie, hidden field, redirect. */
async function formLogin(t: TestApp, login: string, password = TEST_PASSWORD) {
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
    .send({ _csrf: csrf, login, password, suite: '/' });
  const session = (res.headers['set-cookie'] as unknown as string[] | undefined)
    ?.find((c) => c.startsWith('capiae_session='))
    ?.split(';')[0];
  return { res, session, csrfCookie, csrf };
}

function hidden(html: string, name: string): string {
  return new RegExp(`name="${name}" value="([^"]+)"`).exec(html)![1];
}

describe(`pages in French (${process.env.TEST_DB ?? 'sqlite'})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('serves the login page in French, with every asset from the app itself', async () => {
    const page = await t.http().get('/connexion').set('Accept', 'text/html').expect(200);
    expect(page.text).toContain('<html lang="fr"');
    expect(page.text).toContain('Connexion à Cap IAE');
    expect(page.text).not.toMatch(/(src|href)="https?:\/\//);
    await t.http().get('/dsfr/dsfr.min.css').expect(200);
    await t.http().get('/dsfr/dsfr.module.min.js').expect(200);
    await t.http().get('/static/app.css').expect(200);
  });

  it('logs in through the form, refuses a form without its CSRF token, and says why a login failed', async () => {
    await t.as([{ role: 'cor_member', territory: 'REG-11' }], 'formulaire@test.cap-iae.fr');
    const { res, session } = await formLogin(t, 'formulaire@test.cap-iae.fr');
    expect(res.status).toBe(303);
    expect(session).toBeDefined();
    const account = await t
      .http()
      .get('/compte')
      .set('Cookie', session!)
      .set('Accept', 'text/html')
      .expect(200);
    expect(account.text).toContain('Mon compte');
    expect(account.text).toContain('Membre du COR-IAE — Île-de-France (REG-11)');
    const failed = await formLogin(t, 'formulaire@test.cap-iae.fr', 'Mauvais-Mot-2026');
    expect(failed.res.status).toBe(401);
    expect(failed.res.text).toContain('Identifiant ou mot de passe incorrect.');
    await t
      .http()
      .post('/connexion')
      .type('form')
      .send({ login: 'formulaire@test.cap-iae.fr', password: TEST_PASSWORD })
      .set('Accept', 'text/html')
      .expect(403);
    const forged = await t
      .http()
      .post('/compte/deconnexion-partout')
      .set('Cookie', session!)
      .set('Accept', 'text/html')
      .type('form')
      .send({})
      .expect(403);
    expect(forged.text).toContain('CSRF');
  });

  it('sends the public to the login form, and shows a secrétaire CDIAE no administration control', async () => {
    const redirect = await t.http().get('/compte').set('Accept', 'text/html').expect(303);
    expect(redirect.headers.location).toBe('/connexion?suite=%2Fcompte');
    await t.as([{ role: 'cdiae_secretary', territory: 'DEP-93' }], 'secretaire93@test.cap-iae.fr');
    const { session } = await formLogin(t, 'secretaire93@test.cap-iae.fr');
    const home = await t.http().get('/').set('Cookie', session!).set('Accept', 'text/html').expect(200);
    expect(home.text).toContain('Suivi de la stratégie régionale de l’IAE');
    expect(home.text).not.toContain('/administration/utilisateurs');
    const denied = await t
      .http()
      .get('/administration/utilisateurs')
      .set('Cookie', session!)
      .set('Accept', 'text/html')
      .expect(403);
    expect(denied.text).toContain('Accès refusé');
  });

  it('lets an administrator create an account and shows a concurrent edit instead of losing it', async () => {
    await t.as([{ role: 'admin', territory: 'REG-11' }], 'admin-pages@test.cap-iae.fr');
    const a = await formLogin(t, 'admin-pages@test.cap-iae.fr');
    const b = await formLogin(t, 'admin-pages@test.cap-iae.fr');
    const list = await t
      .http()
      .get('/administration/utilisateurs')
      .set('Cookie', a.session!)
      .set('Accept', 'text/html')
      .expect(200);
    const created = await t
      .http()
      .post('/administration/utilisateurs')
      .set('Cookie', a.session!)
      .type('form')
      .send({
        _csrf: hidden(list.text, '_csrf'),
        login: 'nouvelle@test.cap-iae.fr',
        displayName: 'Nouvelle Personne',
        role: 'cdiae_secretary',
        territory: 'DEP-95',
      })
      .expect(201);
    expect(created.text).toContain('Mot de passe provisoire');
    const bad = await t
      .http()
      .post('/administration/utilisateurs')
      .set('Cookie', a.session!)
      .type('form')
      .send({
        _csrf: hidden(list.text, '_csrf'),
        login: 'pas une adresse',
        displayName: '',
        role: 'cdiae_secretary',
        territory: 'REG-11',
      })
      .expect(400);
    expect(bad.text).toContain('identifiant invalide');
    expect(bad.text).toContain('s&#x27;exerce sur un département');

    const id = /href="\/administration\/utilisateurs\/(\d+)">Nouvelle Personne/.exec(created.text)![1];
    const formA = await t
      .http()
      .get(`/administration/utilisateurs/${id}`)
      .set('Cookie', a.session!)
      .set('Accept', 'text/html')
      .expect(200);
    const formB = await t
      .http()
      .get(`/administration/utilisateurs/${id}`)
      .set('Cookie', b.session!)
      .set('Accept', 'text/html')
      .expect(200);
    const edit = (session: string, html: string, displayName: string) =>
      t
        .http()
        .post(`/administration/utilisateurs/${id}`)
        .set('Cookie', session)
        .type('form')
        .send({
          _csrf: hidden(html, '_csrf'),
          version: hidden(html, 'version'),
          displayName,
          role: 'cdiae_secretary',
          territory: 'DEP-95',
          active: 'oui',
        });
    await edit(a.session!, formA.text, 'Nom choisi par A').expect(200);
    const conflict = await edit(b.session!, formB.text, 'Nom choisi par B').expect(409);
    expect(conflict.text).toContain('modifié par quelqu’un d’autre');
    expect(conflict.text).toContain('Nom choisi par A');
    expect(conflict.text).toContain('Nom choisi par B');
    const history = await t
      .http()
      .get(`/administration/utilisateurs/${id}`)
      .set('Cookie', a.session!)
      .set('Accept', 'text/html')
      .expect(200);
    expect(history.text).toContain('Nom choisi par A');
    expect(history.text).toContain('modification');
  });

  it('shows the history page to an administrator', async () => {
    await t.as([{ role: 'admin', territory: 'REG-11' }], 'historien@test.cap-iae.fr');
    const { session } = await formLogin(t, 'historien@test.cap-iae.fr');
    const page = await t
      .http()
      .get('/historique?objet=utilisateur')
      .set('Cookie', session!)
      .set('Accept', 'text/html')
      .expect(200);
    expect(page.text).toContain('Historique des modifications');
    // Handlebars escapes « = » in attributes as an entity.
    expect(page.text.replace(/&#x3D;/g, '=')).toContain('/api/v1/audit.csv?objectType=utilisateur');
  });

  it('lets a data manager type a value in the form, provisional, with French numbers and French errors', async () => {
    await t.as([{ role: 'data_manager', territory: 'DEP-93' }], 'saisie@test.cap-iae.fr');
    const { session } = await formLogin(t, 'saisie@test.cap-iae.fr');
    const form = await t
      .http()
      .get('/saisie?indicateur=PART_FEMMES')
      .set('Cookie', session!)
      .set('Accept', 'text/html')
      .expect(200);
    expect(form.text).toContain('Part des femmes');
    expect(form.text).toContain('Numérateur');
    expect(form.text).not.toContain('value="DEP-75"');
    const post = (fields: Record<string, string>) =>
      t
        .http()
        .post('/saisie')
        .set('Cookie', session!)
        .set('Accept', 'text/html')
        .type('form')
        .send({ _csrf: hidden(form.text, '_csrf'), indicator: 'PART_FEMMES', ...fields });
    const bad = await post({
      territory: 'DEP-93',
      period: '2150',
      numerator: '1 2',
      denominator: '1 000',
    }).expect(400);
    expect(bad.text).toContain('nombre attendu (ex. 1 234,5)');
    const saved = await post({
      territory: 'DEP-93',
      period: '2024',
      numerator: '412,5',
      denominator: '1 000',
    }).expect(200);
    expect(saved.text).toContain('Valeur enregistrée');
    const stored = await t
      .http()
      .get('/api/v1/observations')
      .set('Cookie', session!)
      .query({ indicator: 'PART_FEMMES', territory: 'DEP-93', period: '2024', includeProvisional: 'true' })
      .expect(200);
    expect(stored.body.items[0]).toMatchObject({
      value: 41.25,
      numerator: 412.5,
      denominator: 1000,
      status: 'provisional',
    });
    await post({ territory: 'DEP-75', period: '2024', value: '40' }).expect(403);
    await t.as([{ role: 'cor_member', territory: 'REG-11' }], 'lecteur@test.cap-iae.fr');
    const reader = await formLogin(t, 'lecteur@test.cap-iae.fr');
    await t.http().get('/saisie').set('Cookie', reader.session!).set('Accept', 'text/html').expect(403);
  });
});
