import { PlansService } from '@cap-iae/action-plans';
import { GovernanceReadService } from '@cap-iae/governance';
import { runInContext } from '@cap-iae/shared';
import { Caller, startTestApp, TestApp } from '../support/test-app';

interface Objective {
  id: number;
  number: string;
}

/** A form post as a browser sends it: session cookie, `_csrf` hidden field, repeated names for ticked boxes. */
function formPost(t: TestApp, caller: Caller, path: string, fields: [string, string][]) {
  const body = new URLSearchParams([['_csrf', caller.csrf], ...fields]).toString();
  return t.http().post(path).set('Cookie', caller.cookie).set('Accept', 'text/html').type('form').send(body);
}

function page(t: TestApp, caller: Caller, path: string) {
  return t.http().get(path).set('Cookie', caller.cookie).set('Accept', 'text/html');
}

function hidden(html: string, name: string): string {
  return new RegExp(`name="${name}" value="([^"]*)"`).exec(html)![1];
}

const SIRET = '73282932000074';

describe(`governance: instances, meetings, decisions (${process.env.TEST_DB ?? 'sqlite'})`, () => {
  let t: TestApp;
  let admin: Caller;
  let secretary93: Caller;
  let council77: Caller;
  let cor: Caller;
  let objectives: Objective[];
  let cdiae93: number;
  let cdiae75: number;
  let cdiae78: number;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.as([{ role: 'admin', territory: 'REG-11' }]);
    secretary93 = await t.as([{ role: 'cdiae_secretary', territory: 'DEP-93' }]);
    council77 = await t.as([{ role: 'departmental_council', territory: 'DEP-77' }]);
    cor = await t.as([{ role: 'cor_member', territory: 'REG-11' }]);
    const strategy = (await t.http().get('/api/v1/strategies/IDF-2021-2022').expect(200)).body as {
      axes: { objectives: Objective[] }[];
    };
    objectives = strategy.axes.flatMap((a) => a.objectives);
    const create = async (caller: Caller, territory: string, name: string) =>
      (
        (await caller.post('/api/v1/instances').send({ type: 'CDIAE', territory, name }).expect(201))
          .body as {
          id: number;
        }
      ).id;
    cdiae93 = await create(secretary93, 'DEP-93', 'CDIAE de la Seine-Saint-Denis');
    cdiae75 = await create(admin, 'DEP-75', 'CDIAE de Paris');
    cdiae78 = await create(admin, 'DEP-78', 'CDIAE des Yvelines');
  });
  afterAll(() => t.close());

  const objectiveId = (n: string) => objectives.find((o) => o.number === n)!.id;

  describe('instance types are data', () => {
    it('lists the seeded types, among them the comités of the Pacte', async () => {
      const types = (await cor.get('/api/v1/instance-types').expect(200)).body as {
        code: string;
        level: string;
      }[];
      expect(types.map((x) => x.code).sort()).toEqual(
        ['CDIAE', 'CONF_FINANCEURS', 'COR_IAE', 'CRIE', 'CTA', 'CTIE'].sort(),
      );
      expect(types.find((x) => x.code === 'COR_IAE')?.level).toBe('region');
    });

    it('lets an administrator add a type and a secretary use it at once, without code', async () => {
      const created = await admin
        .post('/api/v1/instance-types')
        .send({
          code: 'ctie_93',
          label: "Comité territorial de l'inclusion dans l'emploi du 93",
          level: 'department',
          description: 'Expérimentation en Seine-Saint-Denis',
        })
        .expect(201);
      expect(created.body).toMatchObject({
        code: 'CTIE_93',
        levelLabel: 'Département',
        active: true,
        version: 1,
      });

      const instance = await secretary93
        .post('/api/v1/instances')
        .send({
          type: 'CTIE_93',
          territory: 'DEP-93',
          name: "Comité territorial de l'inclusion dans l'emploi du 93",
        })
        .expect(201);
      expect(instance.body).toMatchObject({
        typeCode: 'CTIE_93',
        territory: 'DEP-93',
        territoryName: 'Seine-Saint-Denis',
      });
      const meeting = await secretary93
        .post('/api/v1/meetings')
        .send({
          instanceId: instance.body.id,
          date: '2022-03-10',
          title: 'Installation du comité',
          status: 'held',
        })
        .expect(201);
      expect(meeting.body.instance.typeLabel).toBe("Comité territorial de l'inclusion dans l'emploi du 93");
      const listed = (await secretary93.get('/api/v1/meetings?type=CTIE_93').expect(200)).body as unknown[];
      expect(listed).toHaveLength(1);
    });

    it('keeps instance types to administrators, and checks them in French', async () => {
      await secretary93
        .post('/api/v1/instance-types')
        .send({ code: 'X1', label: 'x', level: 'department' })
        .expect(403);
      const bad = await admin
        .post('/api/v1/instance-types')
        .send({ code: 'cdiae', label: '', level: 'canton' })
        .expect(400);
      expect(bad.body.errors).toEqual(
        expect.arrayContaining([
          { field: 'code', message: 'le code « CDIAE » est déjà utilisé' },
          { field: 'label', message: 'libellé obligatoire' },
          expect.objectContaining({ field: 'level', message: expect.stringContaining('valeur non admise') }),
        ]),
      );
    });

    it('edits a type with its version and refuses a stale edit with both versions', async () => {
      const types = (await admin.get('/api/v1/instance-types').expect(200)).body as {
        id: number;
        code: string;
        version: number;
      }[];
      const crie = types.find((x) => x.code === 'CRIE')!;
      const body = {
        label: "Comité régional de l'inclusion dans l'emploi (CRIE)",
        level: 'region',
        version: 1,
      };
      const ok = await admin.put(`/api/v1/instance-types/${crie.id}`).send(body).expect(200);
      expect(ok.body.version).toBe(2);
      const stale = await admin
        .put(`/api/v1/instance-types/${crie.id}`)
        .send({ ...body, label: 'Autre libellé' })
        .expect(409);
      expect(stale.body.current).toMatchObject({ version: 2, label: body.label });
      expect(stale.body.submitted).toMatchObject({ version: 1, label: 'Autre libellé' });
      const cdiae = types.find((x) => x.code === 'CDIAE')!;
      const moved = await admin
        .put(`/api/v1/instance-types/${cdiae.id}`)
        .send({ label: 'CDIAE', level: 'region', version: cdiae.version })
        .expect(400);
      expect(moved.body.errors[0]).toMatchObject({ field: 'level' });
    });

    it('refuses an instance whose territory is not at its type’s level', async () => {
      const res = await admin
        .post('/api/v1/instances')
        .send({ type: 'CDIAE', territory: 'REG-11', name: "CDIAE d'Île-de-France" })
        .expect(400);
      expect(res.body.errors).toEqual([
        {
          field: 'territory',
          message: expect.stringContaining('siège au niveau « département », or Île-de-France (REG-11)'),
        },
      ]);
    });

    it('administers types through the page too, with the CSRF field', async () => {
      const list = await page(t, admin, '/administration/types-instances').expect(200);
      expect(list.text).toContain('Types d’instances');
      expect(list.text).toContain('Conférence des financeurs');
      const created = await formPost(t, admin, '/administration/types-instances', [
        ['code', 'CLIE'],
        ['label', "Comité local de l'inclusion dans l'emploi"],
        ['level', 'department'],
        ['description', ''],
      ]).expect(201);
      expect(created.text).toContain('ajouté');
      const bad = await formPost(t, admin, '/administration/types-instances', [
        ['code', '9'],
        ['label', ''],
        ['level', 'department'],
      ]).expect(400);
      expect(bad.text).toContain('Libellé');
      expect(bad.text).toContain('libellé obligatoire');
      await page(t, secretary93, '/administration/types-instances').expect(403);
    });
  });

  describe('meetings through the API', () => {
    let id: number;

    it('records a meeting with participants and an ordered agenda, audited', async () => {
      const res = await secretary93
        .post('/api/v1/meetings')
        .send({
          instanceId: cdiae93,
          date: '2021-10-14',
          title: 'CDIAE 93 — séance d’automne',
          status: 'held',
          participants: [
            { name: 'Nadia Benali', organisation: 'UD DREETS 93', role: 'secrétariat' },
            { name: 'Karim Haddad', organisation: "Inser'éco 93" },
          ],
          agenda: [
            { title: 'Bilan du plan d’actions 2020' },
            { title: 'Avis sur les conventionnements ACI', presenter: 'UD DREETS 93' },
          ],
          minutes: 'Le conseil a rendu ses avis.',
        })
        .expect(201);
      id = res.body.id;
      expect(res.body).toMatchObject({
        dateLabel: '14 octobre 2021',
        statusLabel: 'tenue',
        version: 1,
        instance: { name: 'CDIAE de la Seine-Saint-Denis', territory: 'DEP-93' },
        participants: [
          { name: 'Nadia Benali', organisation: 'UD DREETS 93', role: 'secrétariat' },
          { name: 'Karim Haddad', organisation: "Inser'éco 93", role: null },
        ],
        agenda: [
          { title: 'Bilan du plan d’actions 2020', presenter: null },
          { title: 'Avis sur les conventionnements ACI', presenter: 'UD DREETS 93' },
        ],
      });
      const audit = (await admin.get(`/api/v1/audit?objectType=réunion&objectId=${id}`).expect(200)).body as {
        items: { action: string; after: { title: string } }[];
      };
      expect(audit.items[0]).toMatchObject({
        action: 'création',
        after: { title: 'CDIAE 93 — séance d’automne' },
      });
    });

    it('names every faulty field in French', async () => {
      const res = await secretary93
        .post('/api/v1/meetings')
        .send({
          instanceId: cdiae93,
          date: '2021-02-30',
          title: '  ',
          status: 'reportée',
          participants: [{ organisation: 'UD DREETS 93' }],
          agenda: [{ title: '' }],
        })
        .expect(400);
      expect(res.body.message).toBe("La réunion n'a pas été enregistrée.");
      expect(res.body.errors).toEqual(
        expect.arrayContaining([
          { field: 'date', message: 'date inexistante ou hors de 1980-2100 : « 2021-02-30 »' },
          { field: 'title', message: 'titre obligatoire' },
          expect.objectContaining({ field: 'status', message: expect.stringContaining('held = tenue') }),
          { field: 'participants[0].name', message: 'nom obligatoire' },
          { field: 'agenda[0].title', message: 'intitulé du point obligatoire' },
        ]),
      );
      const future = await secretary93
        .post('/api/v1/meetings')
        .send({ instanceId: cdiae93, date: '2099-01-15', title: 'Séance future', status: 'held' })
        .expect(400);
      expect(future.body.errors).toEqual([
        { field: 'status', message: 'une réunion datée après aujourd’hui ne peut pas être « tenue »' },
      ]);
      const shape = await secretary93
        .post('/api/v1/meetings')
        .send({ instanceId: 'un', intrus: 1 })
        .expect(400);
      expect(shape.body.errors).toEqual(
        expect.arrayContaining([
          { field: 'instanceId', message: 'doit être un nombre entier' },
          { field: 'intrus', message: 'champ inconnu' },
        ]),
      );
    });

    it('updates with the version read, and answers a stale edit with both versions (409)', async () => {
      const update = {
        date: '2021-10-14',
        title: 'CDIAE 93 — séance d’automne',
        status: 'held',
        minutes: 'Compte rendu complété par la secrétaire.',
        version: 1,
      };
      const ok = await secretary93.put(`/api/v1/meetings/${id}`).send(update).expect(200);
      expect(ok.body).toMatchObject({ version: 2, minutes: 'Compte rendu complété par la secrétaire.' });
      const stale = await admin
        .put(`/api/v1/meetings/${id}`)
        .send({ ...update, minutes: "Version de l'administrateur" })
        .expect(409);
      expect(stale.body).toMatchObject({
        statusCode: 409,
        code: 'CONFLICT',
        errors: [{ field: 'version', message: 'version envoyée : 1 ; version enregistrée : 2' }],
        current: { version: 2, minutes: 'Compte rendu complété par la secrétaire.' },
        submitted: { version: 1, minutes: "Version de l'administrateur" },
      });
      expect(stale.body.message).toContain("modifiée par quelqu'un d'autre");
      const stored = await secretary93.get(`/api/v1/meetings/${id}`).expect(200);
      expect(stored.body.minutes).toBe('Compte rendu complété par la secrétaire.');
      const audit = (await admin.get(`/api/v1/audit?objectType=réunion&objectId=${id}`).expect(200)).body as {
        items: { action: string; before: { minutes: string }; after: { minutes: string } }[];
      };
      expect(audit.items.find((e) => e.action === 'modification')).toMatchObject({
        before: { minutes: 'Le conseil a rendu ses avis.' },
        after: { minutes: 'Compte rendu complété par la secrétaire.' },
      });
    });

    it('records decisions and avis linked to objectives and SIAE, then edits and removes them', async () => {
      const res = await secretary93
        .post(`/api/v1/meetings/${id}/decisions`)
        .send({
          kind: 'favourable_opinion',
          text: 'Avis favorable au conventionnement de l’ACI.',
          targets: [
            { type: 'objective', ref: objectiveId('3.4') },
            { type: 'siae', ref: '732 829 320 00074', label: 'Chantier d’insertion du Canal' },
          ],
        })
        .expect(201);
      expect(res.body).toMatchObject({
        position: 1,
        kindLabel: 'Avis favorable',
        targets: [
          {
            type: 'objective',
            ref: String(objectiveId('3.4')),
            label: expect.stringMatching(
              /^Objectif 3\.4 — Renforcer l’accès à la formation \(IDF-2021-2022\)$/,
            ),
          },
          { type: 'siae', ref: SIRET, label: 'Chantier d’insertion du Canal', typeLabel: 'SIAE' },
        ],
      });
      const decisionId = res.body.id as number;

      const bad = await secretary93
        .post(`/api/v1/meetings/${id}/decisions`)
        .send({
          kind: 'veto',
          text: '',
          targets: [
            { type: 'objective', ref: 999999 },
            { type: 'siae', ref: '73282932000075' },
            { type: 'siae', ref: '1234' },
            { type: 'commune', ref: '93066' },
            { type: 'action', ref: 999999 },
          ],
        })
        .expect(400);
      expect(bad.body.errors).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            field: 'kind',
            message: expect.stringContaining('favourable_opinion = Avis favorable'),
          }),
          { field: 'text', message: 'texte de la décision obligatoire' },
          { field: 'targets[0].ref', message: 'objectif inconnu : 999999' },
          {
            field: 'targets[1].ref',
            message: 'SIRET invalide (clé de contrôle fausse) : « 73282932000075 »',
          },
          { field: 'targets[2].ref', message: 'un SIRET compte 14 chiffres : « 1234 »' },
          expect.objectContaining({ field: 'targets[3].type' }),
          expect.objectContaining({ field: 'targets[4].ref' }),
        ]),
      );

      const edited = await secretary93
        .put(`/api/v1/decisions/${decisionId}`)
        .send({
          kind: 'reserved_opinion',
          text: 'Avis réservé.',
          targets: [{ type: 'objective', ref: objectiveId('3.2') }],
          version: 1,
        })
        .expect(200);
      expect(edited.body).toMatchObject({
        version: 2,
        kindLabel: 'Avis réservé',
        targets: [{ ref: String(objectiveId('3.2')) }],
      });
      const stale = await secretary93
        .put(`/api/v1/decisions/${decisionId}`)
        .send({ kind: 'decision', text: 'Trop tard', version: 1 })
        .expect(409);
      expect(stale.body.current).toMatchObject({ version: 2, text: 'Avis réservé.' });

      const second = await secretary93
        .post(`/api/v1/meetings/${id}/decisions`)
        .send({
          kind: 'recommendation',
          text: 'Renforcer la mobilité.',
          targets: [{ type: 'objective', ref: String(objectiveId('3.3')) }],
        })
        .expect(201);
      expect(second.body.position).toBe(2);
      await secretary93.delete(`/api/v1/decisions/${second.body.id}`).expect(204);
      const meeting = await secretary93.get(`/api/v1/meetings/${id}`).expect(200);
      expect(meeting.body.decisions).toHaveLength(1);
      expect(meeting.body.decisionCount).toBe(1);

      // A meeting with decisions cannot be cancelled: its decisions would be orphans of a meeting never held.
      const cancel = await secretary93
        .put(`/api/v1/meetings/${id}`)
        .send({ date: '2021-10-14', title: 'x', status: 'cancelled', version: meeting.body.version })
        .expect(400);
      expect(cancel.body.errors[0].message).toContain('supprimez-les avant de l');
    });

    it('links a decision to a plan d’actions and one of its actions, with a label snapshot', async () => {
      const plans = t.app.get(PlansService);
      const { plan, action } = await runInContext({ actor: 'test', channel: 'system' }, async () => {
        const created = await plans.create(
          { department: 'DEP-93', strategy: 'IDF-2021-2022', year: 2021 },
          'test',
        );
        const a = await plans.createAction(
          created.id,
          {
            title: "Organiser un forum de l'IAE",
            pilotOrganisation: "Inser'éco 93",
            objectiveIds: [objectiveId('1.2')],
          },
          'test',
        );
        return { plan: created, action: a };
      });
      const res = await secretary93
        .post(`/api/v1/meetings/${id}/decisions`)
        .send({
          kind: 'recommendation',
          text: 'Avancer le forum au premier semestre.',
          targets: [
            { type: 'plan', ref: plan.id },
            { type: 'action', ref: String(action.id) },
          ],
        })
        .expect(201);
      expect(res.body.targets).toEqual([
        expect.objectContaining({ type: 'plan', label: "Plan d'actions 2021 — Seine-Saint-Denis" }),
        expect.objectContaining({
          type: 'action',
          ref: String(action.id),
          label: "Organiser un forum de l'IAE (plan d'actions 2021, Seine-Saint-Denis)",
        }),
      ]);
      // The decision form offers the actions of the département's plans of the meeting's year.
      const html = (await page(t, secretary93, `/reunions/${id}`).expect(200)).text;
      expect(html).toContain(`<option value="${action.id}" >Organiser un forum de l&#x27;IAE`);
      await secretary93.delete(`/api/v1/decisions/${res.body.id}`).expect(204);
    });

    it('gives the bilans plain view-models of meetings and decisions', async () => {
      const read = t.app.get(GovernanceReadService);
      const meetings = await read.meetingsFor('REG-11', '2021-01-01', '2021-12-31', { statuses: ['held'] });
      expect(meetings).toEqual([
        expect.objectContaining({
          id,
          date: '2021-10-14',
          dateLabel: '14 octobre 2021',
          participantCount: 2,
          agenda: ['Bilan du plan d’actions 2020', 'Avis sur les conventionnements ACI'],
          decisionCount: 1,
          instance: expect.objectContaining({ typeCode: 'CDIAE', territory: 'DEP-93' }),
        }),
      ]);
      expect(await read.meetingsFor('DEP-75', '2021-01-01', '2021-12-31')).toEqual([]);
      const decisions = await read.decisionsFor('DEP-93', 2021);
      expect(decisions).toEqual([
        expect.objectContaining({
          kind: 'reserved_opinion',
          kindLabel: 'Avis réservé',
          meeting: {
            id,
            date: '2021-10-14',
            dateLabel: '14 octobre 2021',
            title: 'CDIAE 93 — séance d’automne',
          },
          targets: [expect.objectContaining({ type: 'objective' })],
        }),
      ]);
      expect(await read.decisionsFor('DEP-93', 2022)).toEqual([]);
    });

    it('deletes a meeting with its decisions', async () => {
      const other = await secretary93
        .post('/api/v1/meetings')
        .send({ instanceId: cdiae93, date: '2030-06-12', title: 'Séance à venir' })
        .expect(201);
      expect(other.body.status).toBe('planned');
      await secretary93
        .post(`/api/v1/meetings/${other.body.id}/decisions`)
        .send({ kind: 'decision', text: 'À confirmer.' })
        .expect(201);
      await secretary93.delete(`/api/v1/meetings/${other.body.id}`).expect(204);
      await secretary93.get(`/api/v1/meetings/${other.body.id}`).expect(404);
    });
  });

  describe('permissions', () => {
    let meeting75: number;
    let meeting78: number;

    beforeAll(async () => {
      meeting75 = (
        await admin
          .post('/api/v1/meetings')
          .send({ instanceId: cdiae75, date: '2022-02-08', title: 'CDIAE 75' })
          .expect(201)
      ).body.id;
      meeting78 = (
        await admin
          .post('/api/v1/meetings')
          .send({ instanceId: cdiae78, date: '2022-02-09', title: 'CDIAE 78' })
          .expect(201)
      ).body.id;
    });

    it('lets a secrétaire CDIAE 93 read the région’s meetings but not write those of Paris', async () => {
      await secretary93.get(`/api/v1/meetings/${meeting75}`).expect(200);
      const denied = await secretary93
        .put(`/api/v1/meetings/${meeting75}`)
        .send({ date: '2022-02-08', title: 'Réécrit', version: 1 })
        .expect(403);
      expect(denied.body.code).toBe('FORBIDDEN');
      await secretary93
        .post('/api/v1/meetings')
        .send({ instanceId: cdiae75, date: '2022-03-01', title: 'x' })
        .expect(403);
      await secretary93.delete(`/api/v1/meetings/${meeting75}`).expect(403);
      await secretary93
        .post(`/api/v1/meetings/${meeting75}/decisions`)
        .send({ kind: 'decision', text: 'x' })
        .expect(403);
      await secretary93
        .post('/api/v1/instances')
        .send({ type: 'CTA', territory: 'DEP-75', name: 'CTA de Paris' })
        .expect(403);
      const form = await formPost(t, secretary93, `/reunions/${meeting75}`, [
        ['date', '2022-02-08'],
        ['title', 'Réécrit'],
        ['version', '1'],
      ]).expect(403);
      expect(form.text).toContain('Accès refusé');
      expect((await admin.get(`/api/v1/meetings/${meeting75}`).expect(200)).body.title).toBe('CDIAE 75');
    });

    it('keeps a conseil départemental 77 out of the Yvelines’ meetings', async () => {
      await council77.get(`/api/v1/meetings/${meeting78}`).expect(403);
      await council77.get('/api/v1/meetings?territory=DEP-78').expect(403);
      await council77.get(`/api/v1/instances/${cdiae78}`).expect(403);
      await council77.get(`/api/v1/meetings?instance=${cdiae78}`).expect(403);
      const all = (await council77.get('/api/v1/meetings').expect(200)).body as { id: number }[];
      expect(all.map((m) => m.id)).not.toContain(meeting78);
      const instances = (await council77.get('/api/v1/instances').expect(200)).body as unknown[];
      expect(instances).toEqual([]);
      await page(t, council77, `/reunions/${meeting78}`).expect(403);
      const csv = await council77.get('/api/v1/meetings.csv').expect(200);
      expect(csv.text).not.toContain('CDIAE 78');
    });

    it('shows no edit control to those who may only read', async () => {
      const html = (await page(t, cor, `/reunions/${meeting75}`).expect(200)).text;
      expect(html).toContain('CDIAE 75');
      expect(html).not.toContain('Modifier la réunion');
      expect(html).not.toContain('/decisions"');
      expect(html).toContain('href="/instances"');
      const list = (await page(t, cor, '/instances').expect(200)).text;
      expect(list).not.toContain('Créer une instance');
      const home = (await page(t, council77, '/').expect(200)).text;
      expect(home).toContain('href="/instances"');
      await page(t, cor, `/instances/${cdiae75}/reunions/nouvelle`).expect(403);
    });
  });

  describe('pages', () => {
    it('creates, shows and edits a meeting through the forms, and shows a concurrent edit side by side', async () => {
      const list = await page(t, secretary93, '/instances?territoire=DEP-93').expect(200);
      expect(list.text).toContain('CDIAE de la Seine-Saint-Denis');
      const form = await page(t, secretary93, `/instances/${cdiae93}/reunions/nouvelle`).expect(200);
      expect(hidden(form.text, '_csrf')).toBe(secretary93.csrf);

      const invalid = await formPost(t, secretary93, `/instances/${cdiae93}/reunions`, [
        ['date', ''],
        ['title', 'Séance de printemps'],
        ['status', 'held'],
        ['participants', 'Nadia Benali ; UD DREETS 93\n ; Sans nom'],
        ['agenda', ''],
        ['minutes', ''],
      ]).expect(400);
      expect(invalid.text).toContain('date obligatoire, au format AAAA-MM-JJ');
      expect(invalid.text).toContain('Participants, ligne 2');
      expect(invalid.text).toContain('Séance de printemps'); // what was typed is kept

      const created = await formPost(t, secretary93, `/instances/${cdiae93}/reunions`, [
        ['date', '2022-03-17'],
        ['title', 'Séance de printemps'],
        ['status', 'held'],
        ['participants', 'Nadia Benali ; UD DREETS 93 ; secrétariat\nKarim Haddad ; Inser’éco 93'],
        ['agenda', 'Bilan du plan d’actions 2021 ; UD DREETS 93\nPrésentation des chiffres de la DREETS'],
        ['minutes', 'Première ligne.\nSeconde ligne.'],
      ]).expect(303);
      const id = /\/reunions\/(\d+)$/.exec(created.headers.location)![1];
      const shown = (await page(t, secretary93, `/reunions/${id}`).expect(200)).text;
      expect(shown).toContain('17 mars 2022');
      expect(shown).toContain('Inser’éco 93');
      expect(shown).toMatch(
        /<ol><li>Bilan du plan d’actions 2021 <span class="fr-text--sm">— UD DREETS 93<\/span><\/li><li>Présentation des chiffres de la DREETS<\/li><\/ol>/,
      );
      expect(shown).toContain('Première ligne.\nSeconde ligne.');
      expect(shown).toContain('Modifier la réunion');

      // A decision through the form: ticked objectives and typed SIRETs.
      const badDecision = await formPost(t, secretary93, `/reunions/${id}/decisions`, [
        ['kind', 'favourable_opinion'],
        ['text', 'Avis favorable.'],
        ['siae', '73282932000075 ; Mauvaise clé'],
      ]).expect(400);
      expect(badDecision.text).toContain('SIAE, ligne 1');
      expect(badDecision.text).toContain('SIRET invalide');
      await formPost(t, secretary93, `/reunions/${id}/decisions`, [
        ['kind', 'favourable_opinion'],
        ['text', 'Avis favorable aux conventionnements présentés.'],
        ['objectives', String(objectiveId('1.1'))],
        ['objectives', String(objectiveId('2.3'))],
        ['siae', `${SIRET} ; Chantier d’insertion du Canal`],
      ]).expect(303);
      const withDecision = (await page(t, secretary93, `/reunions/${id}`).expect(200)).text;
      expect(withDecision).toContain('Avis favorable aux conventionnements présentés.');
      expect(withDecision).toContain('Objectif 1.1 —');
      expect(withDecision).toContain('Objectif 2.3 —');
      expect(withDecision).toContain(`Chantier d’insertion du Canal (SIRET ${SIRET})`);

      // Two people open the edit form; the second save is refused and shows both versions.
      const a = await page(t, secretary93, `/reunions/${id}/modification`).expect(200);
      const b = await page(t, admin, `/reunions/${id}/modification`).expect(200);
      expect(hidden(a.text, 'version')).toBe('1');
      const edit = (caller: Caller, html: string, minutes: string) =>
        formPost(t, caller, `/reunions/${id}`, [
          ['version', hidden(html, 'version')],
          ['date', '2022-03-17'],
          ['title', 'Séance de printemps'],
          ['status', 'held'],
          ['participants', 'Nadia Benali ; UD DREETS 93 ; secrétariat'],
          ['agenda', 'Bilan du plan d’actions 2021'],
          ['minutes', minutes],
        ]);
      await edit(secretary93, a.text, 'Compte rendu de la secrétaire').expect(303);
      const conflict = await edit(admin, b.text, 'Compte rendu de l’administrateur').expect(409);
      expect(conflict.text).toContain('modifiée par quelqu’un d’autre');
      expect(conflict.text).toContain('Compte rendu de la secrétaire');
      expect(conflict.text).toContain('Compte rendu de l’administrateur');
      expect(hidden(conflict.text, 'version')).toBe('2');
      const after = await secretary93.get(`/api/v1/meetings/${id}`).expect(200);
      expect(after.body.minutes).toBe('Compte rendu de la secrétaire');

      const removed = await formPost(t, secretary93, `/reunions/${id}/suppression`, []).expect(303);
      expect(removed.headers.location).toBe(`/instances/${cdiae93}`);
    });

    it('creates an instance through the form, and refuses a form without its CSRF field', async () => {
      const created = await formPost(t, secretary93, '/instances', [
        ['type', 'CTA'],
        ['territory', 'DEP-93'],
        ['name', 'CTA stratégique de la Seine-Saint-Denis'],
      ]).expect(303);
      const shown = await page(t, secretary93, created.headers.location).expect(200);
      expect(shown.text).toContain('CTA stratégique de la Seine-Saint-Denis');
      const bad = await formPost(t, secretary93, '/instances', [
        ['type', 'COR_IAE'],
        ['territory', 'DEP-93'],
        ['name', ''],
      ]).expect(400);
      expect(bad.text).toContain('nom obligatoire');
      expect(bad.text).toContain('siège au niveau « région »');
      await t
        .http()
        .post('/instances')
        .set('Cookie', secretary93.cookie)
        .set('Accept', 'text/html')
        .type('form')
        .send('type=CTA&territory=DEP-93&name=Sans+jeton')
        .expect(403);
    });
  });

  it('exports meetings as CSV with formula-like cells neutralised', async () => {
    await secretary93
      .post('/api/v1/meetings')
      .send({
        instanceId: cdiae93,
        date: '2022-05-05',
        title: '=HYPERLINK("http://exemple.invalid","clic")',
        status: 'held',
        participants: [{ name: '@Nadia', organisation: '+UD DREETS 93' }],
        minutes: '-1 point; à suivre',
      })
      .expect(201);
    const res = await secretary93
      .get('/api/v1/meetings.csv?territory=DEP-93&from=2022-05-01&to=2022-05-31')
      .expect(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.text.startsWith('\ufeffdate;instance;type d')).toBe(true);
    const line = res.text.split('\r\n')[1];
    expect(line).toContain(`"'=HYPERLINK(""http://exemple.invalid"",""clic"")"`);
    expect(line).toContain("'@Nadia, +UD DREETS 93");
    expect(line).toContain(`"'-1 point; à suivre"`);
    const bad = await secretary93.get('/api/v1/meetings.csv?from=14/10/2021&status=reportee').expect(400);
    expect(bad.body.errors).toEqual(
      expect.arrayContaining([
        { field: 'from', message: 'date au format AAAA-MM-JJ attendue' },
        expect.objectContaining({ field: 'status' }),
      ]),
    );
  });
});
