import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SourceScheduler } from '@cap-iae/plugin-host';
import { Caller, countRows, startTestApp, TestApp } from '../support/test-app';

/** 10 000 values of a bilan as users download it: `;`, decimal comma, thousands with spaces, UTF-8 BOM. */
function bilan(file: string, badLine?: number): void {
  const lines = ['\ufeffDépartement;Année;Type de structure;Salariés en insertion'];
  const deps = ['75', '77', '78', '91', '92', '93', '94', '95'];
  let n = 0;
  for (let y = 1990; n < 10_000; y++)
    for (const period of [String(y), `${y}-T1`, `${y}-T2`, `${y}-T3`, `${y}-T4`])
      for (const d of deps)
        for (const t of ['', 'ACI', 'AI', 'EI', 'ETTI']) {
          if (n === 10_000) break;
          n += 1;
          const line = n + 1;
          const value =
            line === badLine ? '12,5,3' : (1000 + n).toLocaleString('fr-FR').replace(/\u202f/g, ' ');
          lines.push(`${d};${period};${t};${value}`);
        }
  fs.writeFileSync(file, `${lines.join('\r\n')}\r\n`);
}

describe(`file import through the API and the scheduler (${process.env.TEST_DB ?? 'sqlite'})`, () => {
  let t: TestApp;
  let manager: Caller;
  let sourceId: number;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cap-iae-import-test-'));

  beforeAll(async () => {
    t = await startTestApp();
    manager = await t.as([{ role: 'data_manager', territory: 'REG-11' }]);
    const created = await manager
      .post('/api/v1/sources')
      .send({
        pluginId: 'fichier',
        name: 'Bilans DREETS',
        territory: 'REG-11',
        mode: 'strict',
        config: {
          indicator: 'SAL_INSERTION_NB',
          territoryColumn: 'Département',
          territoryFormat: 'insee-departement',
          periodColumn: 'Année',
          valueColumn: 'Salariés en insertion',
          dimensionColumns: { siae_type: 'Type de structure' },
        },
      })
      .expect(201);
    sourceId = created.body.id as number;
  });
  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await t.close();
  });

  const upload = (file: string, query = '') =>
    manager
      .post(`/api/v1/sources/${sourceId}/runs?wait=true&filename=${path.basename(file)}${query}`)
      .set('Content-Type', 'text/csv')
      .send(fs.readFileSync(file));

  it('writes nothing from a file with one bad row among 10 000, names the row, and the preview lists it', async () => {
    const file = path.join(dir, 'bilan-errone.csv');
    bilan(file, 4321);
    const before = await countRows(t.dataSource, 'observation');
    const preview = await upload(file, '&preview=true').expect(201);
    expect(preview.body).toMatchObject({
      status: 'preview',
      rowsRead: 10_000,
      rowsAccepted: 9_999,
      rowsRejected: 1,
      rowsWritten: 0,
    });
    const listed = await manager.get(`/api/v1/runs/${preview.body.id as number}/rejections`).expect(200);
    expect(listed.body.items).toEqual([
      { line: 4321, field: 'Salariés en insertion', reason: expect.stringContaining('12,5,3') as string },
    ]);
    const strict = await upload(file).expect(201);
    expect(strict.body).toMatchObject({
      status: 'failed',
      errorCode: 'REJECTED_ROWS',
      rowsRejected: 1,
      rowsWritten: 0,
    });
    expect(strict.body.errorMessage).toContain("1 ligne(s) rejetée(s) : rien n'a été écrit");
    expect(await countRows(t.dataSource, 'observation')).toBe(before);
  });

  it('imports a good file, and importing it again changes nothing', async () => {
    const file = path.join(dir, 'bilan.csv');
    bilan(file);
    const before = await countRows(t.dataSource, 'observation');
    const first = await upload(file).expect(201);
    expect(first.body).toMatchObject({
      status: 'success',
      rowsRead: 10_000,
      rowsRejected: 0,
      rowsWritten: 10_000,
    });
    expect(await countRows(t.dataSource, 'observation')).toBe(before + 10_000);
    const value = await manager
      .get('/api/v1/observations')
      .query({
        indicator: 'SAL_INSERTION_NB',
        territory: 'DEP-75',
        period: '1990',
        dimensions: 'total',
        includeProvisional: 'true',
      })
      .expect(200);
    expect(value.body.items[0]).toMatchObject({
      value: 1001,
      status: 'provisional',
      provenance: { kind: 'import' },
    });
    expect(value.body.items[0].source).toContain('bilan.csv, ligne 2');
    const snapshot = await t.dataSource.query('SELECT recorded_at FROM observation ORDER BY id');
    const second = await upload(file).expect(201);
    expect(second.body).toMatchObject({ status: 'success', rowsWritten: 0 });
    expect(await t.dataSource.query('SELECT recorded_at FROM observation ORDER BY id')).toEqual(snapshot);
  });

  it('recomputes a formula source when its inputs change, through the scheduler', async () => {
    const admin = await t.as([{ role: 'admin', territory: 'REG-11' }]);
    const derive = await admin
      .post('/api/v1/sources')
      .send({
        pluginId: 'derive',
        name: 'Taux de sorties dynamiques',
        territory: 'REG-11',
        mode: 'accept_valid',
        config: {
          formulas: [
            {
              indicator: 'TX_SORTIES_DYNAMIQUES',
              formula: '100 * CONTRATS_PASSERELLES_NB / SORTIES_NB',
              asRatio: { numerator: 'CONTRATS_PASSERELLES_NB', denominator: 'SORTIES_NB' },
            },
          ],
        },
      })
      .expect(201);
    expect(derive.body.inputIndicators).toEqual(['CONTRATS_PASSERELLES_NB', 'SORTIES_NB']);
    await admin
      .post('/api/v1/observations')
      .send({
        records: [
          { indicator: 'SORTIES_NB', territory: 'DEP-94', period: '2030', value: 200 },
          { indicator: 'CONTRATS_PASSERELLES_NB', territory: 'DEP-94', period: '2030', value: 50 },
        ],
      })
      .expect(200);
    const due = (await admin.get(`/api/v1/sources/${derive.body.id as number}`).expect(200)).body as {
      nextRunAt: string;
    };
    expect(Date.parse(due.nextRunAt)).toBeLessThanOrEqual(Date.now());
    expect(await t.app.get(SourceScheduler).tick()).toBeGreaterThanOrEqual(1);
    const rate = await admin
      .get('/api/v1/observations')
      .query({
        indicator: 'TX_SORTIES_DYNAMIQUES',
        territory: 'DEP-94',
        period: '2030',
        includeProvisional: 'true',
      })
      .expect(200);
    expect(rate.body.items[0]).toMatchObject({ value: 25, numerator: 50, denominator: 200 });
    const runs = (await admin.get(`/api/v1/sources/${derive.body.id as number}/runs`).expect(200)).body as {
      trigger: string;
    }[];
    expect(runs[0].trigger).toBe('recompute');
  });
});
