import * as path from 'node:path';
import { ObservationStore, stageRows } from '@cap-iae/indicators';
import { Source, SourceRun, SourceScheduler } from '@cap-iae/plugin-host';
import { Caller, countRows, startTestApp, TestApp } from '../support/test-app';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'plugins');

describe(`plugin host (${process.env.TEST_DB ?? 'sqlite'})`, () => {
  let t: TestApp;
  let admin: Caller;
  const previous = { dirs: process.env.CAP_IAE_PLUGIN_DIRS, max: process.env.CAP_IAE_MAX_RECORDS_PER_RUN };

  beforeAll(async () => {
    process.env.CAP_IAE_PLUGIN_DIRS = FIXTURES;
    process.env.CAP_IAE_MAX_RECORDS_PER_RUN = '250000';
    t = await startTestApp();
    admin = await t.as([{ role: 'admin', territory: 'REG-11' }]);
  });
  afterAll(async () => {
    // Assigning undefined would store the string "undefined".
    for (const [key, value] of [
      ['CAP_IAE_PLUGIN_DIRS', previous.dirs],
      ['CAP_IAE_MAX_RECORDS_PER_RUN', previous.max],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await t.close();
  });

  const create = async (pluginId: string, config: Record<string, unknown> = {}, mode = 'strict') =>
    (
      await admin
        .post('/api/v1/sources')
        .send({ pluginId, name: `Source ${pluginId}`, territory: 'REG-11', mode, config })
        .expect(201)
    ).body as { id: number };
  const run = async (id: number) =>
    (await admin.post(`/api/v1/sources/${id}/runs?wait=true`).send({}).expect(201)).body as Record<
      string,
      unknown
    >;

  it('lists plugins, refuses an incompatible one with its reason, and never loads its code', async () => {
    const plugins = (await admin.get('/api/v1/plugins').expect(200)).body as {
      id: string;
      status: string;
      problems: string[];
    }[];
    expect(plugins.find((p) => p.id === 'modele')?.status).toBe('ok');
    const refused = plugins.find((p) => p.id === 'incompatible')!;
    expect(refused.status).toBe('refused');
    expect(refused.problems.join()).toContain("le greffon demande le SDK ^2.0.0, l'hôte fournit 1.0.0");
    const bad = await admin
      .post('/api/v1/sources')
      .send({ pluginId: 'incompatible', name: 'x', territory: 'REG-11', mode: 'strict', config: {} })
      .expect(400);
    expect(bad.body.errors[0].message).toContain('greffon refusé');
  });

  it('validates a configuration against the plugin’s schema, in French', async () => {
    const res = await admin
      .post('/api/v1/sources')
      .send({
        pluginId: 'modele',
        name: 'x',
        territory: 'REG-11',
        mode: 'strict',
        config: { valeurs: 'pas une liste' },
        schedule: 'tous les jours',
      })
      .expect(400);
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        { field: 'schedule', message: 'expression cron à 5 champs attendue (ex. « 0 3 * * 1 »)' },
        { field: 'config.valeurs', message: 'doit être de type liste' },
      ]),
    );
  });

  it('refuses a schedule that never fires', async () => {
    const res = await admin
      .post('/api/v1/sources')
      .send({
        pluginId: 'modele',
        name: 'x',
        territory: 'REG-11',
        mode: 'strict',
        config: { valeurs: [] },
        schedule: '0 0 31 2 *',
      })
      .expect(400);
    expect(res.body.errors[0]).toEqual({
      field: 'schedule',
      message: 'cette planification ne se produit jamais (valeurs hors limites, ou 31 février…)',
    });
  });

  it('runs a source, writes its values provisionally with their provenance, and a second run changes nothing', async () => {
    const source = await create('modele', {
      valeurs: [{ indicateur: 'SIAE_NB', territoire: 'DEP-93', periode: '2023', valeur: 64 }],
    });
    const first = await run(source.id);
    expect(first).toMatchObject({
      status: 'success',
      rowsRead: 1,
      rowsAccepted: 1,
      rowsRejected: 0,
      rowsWritten: 1,
    });
    const value = await admin
      .get('/api/v1/observations')
      .query({
        indicator: 'SIAE_NB',
        territory: 'DEP-93',
        period: '2023',
        includeProvisional: 'true',
        dimensions: 'total',
      })
      .expect(200);
    expect(value.body.items[0]).toMatchObject({
      value: 64,
      status: 'provisional',
      provenance: { kind: 'run', ref: `source:${source.id}:run:${first.id as number}` },
    });
    expect(value.body.items[0].source).toContain('Source modele');
    expect(await run(source.id)).toMatchObject({ status: 'success', rowsWritten: 0 });
    const health = await admin.get('/api/v1/sources/health').expect(200);
    expect(health.body.sources.find((s: { id: number }) => s.id === source.id).status).toBe('ok');
  });

  it('logs a throwing, hanging, garbage or flooding plugin as failed, keeps earlier values and keeps serving', async () => {
    const good = await create('modele', {
      valeurs: [{ indicateur: 'SIAE_NB', territoire: 'DEP-77', periode: '2023', valeur: 40 }],
    });
    await run(good.id);
    const before = await countRows(t.dataSource, 'observation');

    const thrower = await create('lance-erreur');
    expect(await run(thrower.id)).toMatchObject({ status: 'failed', errorCode: 'INTERNAL' });

    const hanging = await create('boucle-infinie');
    const started = await admin.post(`/api/v1/sources/${hanging.id}/runs`).send({}).expect(202);
    const t0 = Date.now();
    await t.http().get('/api/health').expect(200);
    expect(Date.now() - t0).toBeLessThan(1000);
    let detail: Record<string, unknown> = {};
    for (let i = 0; i < 50 && detail.status !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      detail = (await admin.get(`/api/v1/runs/${started.body.runId as number}`).expect(200)).body as Record<
        string,
        unknown
      >;
    }
    expect(detail).toMatchObject({ status: 'failed', errorCode: 'TIMEOUT' });
    expect(detail.errorMessage).toContain('délai de 2 s dépassé');

    const garbage = await create('dechets');
    const strict = await run(garbage.id);
    expect(strict).toMatchObject({
      status: 'failed',
      errorCode: 'REJECTED_ROWS',
      rowsRead: 7,
      rowsAccepted: 3,
      rowsRejected: 4,
      rowsWritten: 0,
    });
    const rejections = await admin.get(`/api/v1/runs/${strict.id as number}/rejections`).expect(200);
    expect(rejections.body.items.map((r: { line: number }) => r.line)).toEqual([4, 5, 6, 8]);
    expect(rejections.body.items[0].reason).toContain('territoire inconnu « DEP-00 »');

    const flood = await create('deluge');
    expect(await run(flood.id)).toMatchObject({ status: 'failed', errorCode: 'TOO_MANY_RECORDS' });

    expect(await countRows(t.dataSource, 'observation')).toBe(before);
    expect(await countRows(t.dataSource, 'observation_staging')).toBe(0);
    const health = (await admin.get('/api/v1/sources/health').expect(200)).body as {
      status: string;
      sources: { id: number; status: string }[];
    };
    expect(health.status).toBe('degraded');
    for (const id of [thrower.id, hanging.id, garbage.id, flood.id])
      expect(health.sources.find((s) => s.id === id)?.status).toBe('degraded');
    // The others still run.
    expect(await run(good.id)).toMatchObject({ status: 'success' });
  });

  it('marks failed, and empties, a run its process left behind, never one still holding its lease', async () => {
    const source = await create('modele', { valeurs: [] });
    const runs = t.dataSource.getRepository(SourceRun);
    const now = new Date();
    const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
    const running = (startedAt: string) =>
      runs.save(
        runs.create({
          sourceId: source.id,
          trigger: 'user',
          triggeredBy: 'essai',
          startedAt,
          finishedAt: null,
          status: 'running',
          rowsRead: 0,
          rowsAccepted: 0,
          rowsRejected: 0,
          rowsWritten: 0,
          durationMs: null,
          errorCode: null,
          errorMessage: null,
          inputName: null,
        }),
      );
    // A run cut short an hour ago with a row staged, and one that has just started (a preview takes no lease).
    const dead = await running(ago(3_600_000));
    const young = await running(ago(5_000));
    const { rows } = (await t.app.get(ObservationStore).validator()).validate([
      { indicator: 'SIAE_NB', territory: 'DEP-93', period: '2023', value: 5 },
    ]);
    await stageRows(t.dataSource, dead.id, rows, { kind: 'run', ref: `source:${source.id}:run:${dead.id}` });
    const staged = async () =>
      Number(
        (
          await t.dataSource.query<{ n: string | number }[]>(
            `SELECT COUNT(*) AS n FROM observation_staging WHERE run_id = ${dead.id}`,
          )
        )[0].n,
      );
    expect(await staged()).toBe(1);

    // While another instance holds the source's lease, its runs are its own.
    await t.dataSource.getRepository(Source).update({ id: source.id }, { leaseUntil: ago(-60_000) });
    await t.app.get(SourceScheduler).tick(now);
    expect((await admin.get(`/api/v1/runs/${dead.id}`).expect(200)).body.status).toBe('running');

    await t.dataSource.getRepository(Source).update({ id: source.id }, { leaseUntil: null });
    await t.app.get(SourceScheduler).tick(now);
    const recovered = (await admin.get(`/api/v1/runs/${dead.id}`).expect(200)).body as Record<
      string,
      unknown
    >;
    expect(recovered).toMatchObject({ status: 'failed', errorCode: 'ABORTED' });
    expect(recovered.errorMessage).toContain('arrêt de l’application');
    expect(await staged()).toBe(0);
    expect((await admin.get(`/api/v1/runs/${young.id}`).expect(200)).body.status).toBe('running');
    await runs.delete([young.id]);
  });

  it('accepts the valid rows when its owner chose so, and reports the others with their line', async () => {
    const lenient = await create('dechets', {}, 'accept_valid');
    const result = await run(lenient.id);
    expect(result).toMatchObject({ status: 'partial', rowsAccepted: 3, rowsRejected: 4, rowsWritten: 3 });
    const csv = await admin.get(`/api/v1/runs/${result.id as number}/rejections.csv`).expect(200);
    expect(csv.text).toContain('ligne;colonne;raison');
    expect(csv.text).toContain('8;valeur;valeur « douze » illisible : nombre attendu');
  });

  it('previews without writing', async () => {
    const source = await create('modele', {
      valeurs: [{ indicateur: 'SIAE_NB', territoire: 'DEP-95', periode: '2024', valeur: 30 }],
    });
    const before = await countRows(t.dataSource, 'observation');
    const preview = await admin
      .post(`/api/v1/sources/${source.id}/runs?wait=true&preview=true`)
      .send({})
      .expect(201);
    expect(preview.body).toMatchObject({ status: 'preview', rowsAccepted: 1, rowsWritten: 0 });
    expect(await countRows(t.dataSource, 'observation')).toBe(before);
  });

  it('keeps sources within the territory of whoever manages them', async () => {
    const manager93 = await t.as([{ role: 'data_manager', territory: 'DEP-93' }]);
    const regional = await create('modele', { valeurs: [] });
    await manager93.post(`/api/v1/sources/${regional.id}/runs?wait=true`).send({}).expect(403);
    await manager93
      .post('/api/v1/sources')
      .send({ pluginId: 'modele', name: 'x', territory: 'DEP-75', mode: 'strict', config: { valeurs: [] } })
      .expect(403);
    const own = await manager93
      .post('/api/v1/sources')
      .send({
        pluginId: 'modele',
        name: 'Mine',
        territory: 'DEP-93',
        mode: 'strict',
        config: { valeurs: [] },
      })
      .expect(201);
    const visible = (await manager93.get('/api/v1/sources').expect(200)).body as { id: number }[];
    expect(visible.map((s) => s.id)).toEqual([own.body.id]);
    // Its records may not reach outside its territory, whatever the plugin says.
    const stray = await manager93
      .post('/api/v1/sources')
      .send({
        pluginId: 'modele',
        name: 'Égarée',
        territory: 'DEP-93',
        mode: 'strict',
        config: { valeurs: [{ indicateur: 'SIAE_NB', territoire: 'DEP-75', periode: '2023', valeur: 9 }] },
      })
      .expect(201);
    const run = (
      await manager93
        .post(`/api/v1/sources/${stray.body.id as number}/runs?wait=true`)
        .send({})
        .expect(201)
    ).body as { id: number; status: string };
    expect(run.status).toBe('failed');
    const why = await manager93.get(`/api/v1/runs/${run.id}/rejections`).expect(200);
    expect(why.body.items[0].reason).toBe('DEP-75 est hors du territoire de la source (DEP-93)');
    const health = (await manager93.get('/api/v1/sources/health').expect(200)).body as {
      sources: { id: number }[];
    };
    expect(health.sources.map((s) => s.id).sort()).toEqual([own.body.id, stray.body.id].sort());
  });
});
