import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Response } from 'superagent';
import { formatIndicatorChange, cleanNumber, ProgressReport } from '@cap-iae/indicators';
import { loadConfig } from '@cap-iae/config';
import { Bilan, BilanArchiveService, BilanView, STALE_AFTER_MS } from '@cap-iae/reporting';
import { Caller, startTestApp, TestApp } from '../support/test-app';
import { testDbKind } from '../support/test-database';

/**
 * The bilans end to end, on the demo data, with the real Chromium: generation from the page (the acceptance: one
 * click produces the bilan COR-IAE 2021 of Île-de-France), then what the PDF says checked against the API, its
 * pages, its fonts, its sommaire, its archive and who may do what. On PostgreSQL only the acceptance runs: it proves
 * the queries; the rendering is the same.
 */
const onSqlite = testDbKind() === 'sqlite' ? it : it.skip;
const STRATEGY = 'IDF-2021-2022';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cap-iae-bilans-'));

function binary(res: Response, done: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

/** pdftotext prints the no-break spaces of French numbers inconsistently: spaces are compared as spaces. */
const spaces = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

async function download(caller: Caller, id: number, name: string): Promise<string> {
  const res = await caller.get(`/api/v1/bilans/${id}/pdf`).buffer(true).parse(binary).expect(200);
  expect(res.headers['content-type']).toBe('application/pdf');
  expect((res.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
  const file = path.join(dir, name);
  fs.writeFileSync(file, res.body as Buffer);
  return file;
}

/**
 * Every row of every indicator table, as the API gives it: label, then valeur, cible, écart, évolution, statut —
 * formatted here from the API's numbers, not read from the template.
 */
function expectedRows(report: ProgressReport, region?: ProgressReport): { label: string; cells: string[] }[] {
  const regional = new Map(
    region?.objectives.flatMap((o) => o.indicators.map((i) => [i.indicator.code, i])) ?? [],
  );
  return report.objectives.flatMap((o) =>
    o.indicators.map((p) => {
      const { unit, decimals } = p.indicator;
      const change = (d: number) => formatIndicatorChange(cleanNumber(d), unit, decimals);
      const cells = [
        p.latest ? p.latest.formatted : '—',
        p.target ? p.target.formatted : '—',
        p.latest && p.target ? change(p.latest.value - p.target.value) : '—',
        p.latest && p.baseline && p.baseline.year < p.latest.year
          ? change(p.latest.value - p.baseline.value)
          : '—',
        p.statusLabel,
      ];
      const r = regional.get(p.indicator.code);
      if (region && r) cells.push(r.latest ? r.latest.formatted : '—', r.statusLabel);
      return { label: p.indicator.label, cells: cells.map(spaces) };
    }),
  );
}

/**
 * Each expected row is a line of the PDF that starts with the beginning of the label (the label's first line in its
 * cell) followed by every cell, in order.
 */
function missingRows(pdfText: string, rows: { label: string; cells: string[] }[]): string[] {
  const lines = spaces(pdfText)
    .split('\n')
    .map((l) => l.trim());
  const matches = (line: string, row: { label: string; cells: string[] }) => {
    for (let idx = line.indexOf(row.cells[0]); idx > 0; idx = line.indexOf(row.cells[0], idx + 1)) {
      const head = line.slice(0, idx).trim();
      if (head.length < Math.min(8, row.label.length) || !row.label.startsWith(head)) continue;
      let at = idx;
      if (row.cells.every((cell) => (at = line.indexOf(cell, at)) >= 0 && (at += cell.length) > 0))
        return true;
    }
    return false;
  };
  return rows
    .filter((row) => !lines.some((line) => matches(line, row)))
    .map((r) => `${r.label} : ${r.cells.join(' | ')}`);
}

function pageCount(file: string): number {
  return Number(/Pages:\s+(\d+)/.exec(run('pdfinfo', [file]))![1]);
}

/** Titles the sommaire announces (page 2) and the page each must be found on. */
function sommaire(file: string): { title: string; page: number }[] {
  const text = spaces(run('pdftotext', ['-f', '2', '-l', '2', '-layout', file, '-']));
  return text
    .split('\n')
    .map((l) => /^\s*(\S.*?)\s{2,}(\d+)\s*$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ title: m[1], page: Number(m[2]) }));
}

function misplacedTitles(file: string): string[] {
  const norm = (s: string) => spaces(s).replace(/\s+/g, ' ');
  return sommaire(file)
    .filter(
      ({ title, page }) =>
        !norm(run('pdftotext', ['-f', String(page), '-l', String(page), file, '-'])).includes(
          norm(title).slice(0, 40),
        ),
    )
    .map(({ title, page }) => `${title} (annoncé page ${page})`);
}

function fontsNotEmbedded(file: string): string[] {
  const lines = run('pdffonts', [file])
    .split('\n')
    .slice(2)
    .filter((l) => l.trim());
  expect(lines.length).toBeGreaterThan(0);
  return lines.filter((l) => l.trim().split(/\s+/).slice(-5)[0] !== 'yes');
}

/**
 * The PDF's words, page by page, but for the edition date, which is the only thing allowed to differ between two
 * generations. Words are compared as a sorted list per page: the edition date's own width moves pdftotext's guess of
 * the reading order of neighbouring columns, not the words or their positions.
 */
function textWithoutEditionDate(file: string): string {
  return spaces(run('pdftotext', [file, '-']))
    .replace(/\d{1,2}(?:er)?\s+\S+\s+\d{4}\s+à\s+\d{2}:\d{2}/g, '(date d’édition)')
    .split('\f')
    .map((page, i) => `page ${i + 1} : ${page.split(/\s+/).filter(Boolean).sort().join(' ')}`)
    .join('\n');
}

/** The first lines that differ between two texts, numbered, to say where two PDFs part. */
function differingLines(a: string, b: string): string[] {
  const x = a.split('\n');
  const y = b.split('\n');
  const out: string[] = [];
  for (let i = 0; i < Math.max(x.length, y.length) && out.length < 6; i++)
    if (x[i] !== y[i]) out.push(`${i + 1} : « ${x[i]?.trim() ?? ''} » / « ${y[i]?.trim() ?? ''} »`);
  return out;
}

describe(`bilans PDF (${testDbKind()})`, () => {
  let t: TestApp;
  let admin: Caller;
  let corIaeId: number;
  let corIaeFile: string;

  beforeAll(async () => {
    t = await startTestApp({
      demo: true,
      config: {
        reporting: { ...loadConfig({ NODE_ENV: 'test' }).reporting, bilansDir: path.join(dir, 'archive') },
      },
    });
    admin = await t.as([{ role: 'admin', territory: 'REG-11' }]);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('produces the bilan COR-IAE 2021 of Île-de-France in one click: form, progress page, download', async () => {
    const page = await admin.get('/bilans').set('Accept', 'text/html').expect(200);
    expect(page.text).toContain('Générer un bilan');
    expect(page.text).toContain('href="/bilans"');

    // A text written in the app beforehand is printed in the bilan.
    await admin
      .post('/bilans/textes')
      .type('form')
      .set('Accept', 'text/html')
      .send({
        _csrf: admin.csrf,
        territory: 'REG-11',
        strategy: STRATEGY,
        year: '2021',
        'text:axe:1': 'Texte de l’axe 1 écrit avant la séance.',
      })
      .expect(200)
      .expect((res) => expect(res.text).toContain('1 texte enregistré.'));

    const posted = await admin
      .post('/bilans')
      .type('form')
      .set('Accept', 'text/html')
      .send({ _csrf: admin.csrf, territory: 'REG-11', strategy: STRATEGY, year: '2021' })
      .expect(303);
    const location = posted.headers.location;
    expect(location).toMatch(/^\/bilans\/\d+$/);
    corIaeId = Number(location.split('/').pop());

    let html = '';
    for (let i = 0; i < 300; i++) {
      html = (await admin.get(location).set('Accept', 'text/html').expect(200)).text;
      if (!html.includes('Génération en cours')) break;
      expect(html).toContain('<meta http-equiv="refresh" content="2">');
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(html).toContain('Bilan prêt');
    expect(html).toContain(`href="/api/v1/bilans/${corIaeId}/pdf"`);
    corIaeFile = await download(admin, corIaeId, 'cor-iae.pdf');
    const text = run('pdftotext', ['-layout', corIaeFile, '-']);
    expect(text).toContain('Bilan COR-IAE 2021');
    expect(text).toContain('Île-de-France');
    expect(spaces(text)).toContain('Texte de l’axe 1 écrit avant la séance.');
  }, 180_000);

  onSqlite('prints in its indicator tables exactly the figures of the API, formatted in French', async () => {
    const report = (
      await admin.get(`/api/v1/progress?strategy=${STRATEGY}&territory=REG-11&year=2021`).expect(200)
    ).body as ProgressReport;
    const rows = expectedRows(report);
    expect(rows.length).toBeGreaterThan(40);
    expect(missingRows(run('pdftotext', ['-layout', corIaeFile, '-']), rows)).toEqual([]);
  });

  onSqlite(
    'has the page count of its archive, its sommaire pointing at the right pages, every font embedded',
    async () => {
      const bilan = (await admin.get(`/api/v1/bilans/${corIaeId}`).expect(200)).body;
      expect(pageCount(corIaeFile)).toBe(bilan.pageCount);
      const entries = sommaire(corIaeFile);
      expect(entries.map((e) => e.title)).toEqual(
        expect.arrayContaining(['Synthèse', 'Comparaison des départements', 'Méthodologie et sources']),
      );
      expect(entries.length).toBeGreaterThan(15);
      expect(misplacedTitles(corIaeFile)).toEqual([]);
      expect(fontsNotEmbedded(corIaeFile)).toEqual([]);
      const info = run('pdfinfo', [corIaeFile]);
      expect(info).toMatch(/Title:\s+Bilan COR-IAE 2021 — Île-de-France/);
      expect(info).toMatch(/Tagged:\s+yes/);
      expect(info).toMatch(/Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)/);
    },
  );

  onSqlite(
    'gives the same hash and the same text when generated again on unchanged data',
    async () => {
      const first = (await admin.get(`/api/v1/bilans/${corIaeId}`).expect(200)).body;
      const again = await admin
        .post('/api/v1/bilans?wait=true')
        .send({ kind: 'cor-iae', territory: 'REG-11', strategy: STRATEGY, year: 2021 })
        .expect(201);
      expect(again.body.status).toBe('ready');
      expect(again.body.dataHash).toBe(first.dataHash);
      expect(again.body.dataHash).toMatch(/^[0-9a-f]{64}$/);
      const file = await download(admin, again.body.id, 'cor-iae-bis.pdf');
      expect(differingLines(textWithoutEditionDate(corIaeFile), textWithoutEditionDate(file))).toEqual([]);
      const date = (f: string) => /CreationDate:\s+(.*)/.exec(run('pdfinfo', [f]))![1];
      expect(date(file)).toBe(date(corIaeFile));
    },
    120_000,
  );

  onSqlite('keeps every bilan listed and downloadable', async () => {
    const list = (await admin.get('/api/v1/bilans').expect(200)).body as {
      id: number;
      status: string;
      pdfUrl: string | null;
    }[];
    expect(list.length).toBeGreaterThanOrEqual(2);
    expect(list.map((b) => b.id)).toContain(corIaeId);
    for (const b of list.filter((x) => x.status === 'ready'))
      expect(b.pdfUrl).toBe(`/api/v1/bilans/${b.id}/pdf`);
    const page = await admin.get('/bilans').set('Accept', 'text/html').expect(200);
    expect(page.text).toContain(`href="/api/v1/bilans/${corIaeId}/pdf"`);
    expect(page.text).toContain('Bilan COR-IAE — Île-de-France');
  });

  onSqlite(
    'lets a CDIAE secretary generate the bilan of its département, the département against the région',
    async () => {
      const secretary = await t.as([{ role: 'cdiae_secretary', territory: 'DEP-93' }]);
      await secretary
        .put('/api/v1/bilans/textes')
        .send({
          kind: 'cdiae',
          territory: 'DEP-93',
          strategy: STRATEGY,
          year: 2021,
          texts: [{ ref: 'synthese', text: 'Synthèse du CDIAE de la Seine-Saint-Denis.' }],
        })
        .expect(200);
      const made = await secretary
        .post('/api/v1/bilans?wait=true')
        .send({ kind: 'cdiae', territory: 'DEP-93', strategy: STRATEGY, year: 2021 })
        .expect(201);
      expect(made.body.status).toBe('ready');
      const file = await download(secretary, made.body.id, 'cdiae-93.pdf');
      const text = run('pdftotext', ['-layout', file, '-']);
      expect(text).toContain('Bilan CDIAE 2021');
      expect(text).toContain('Seine-Saint-Denis');
      expect(spaces(text)).toContain('Synthèse du CDIAE de la Seine-Saint-Denis.');
      for (const section of [
        'Plan d’actions départemental',
        'Conférence des financeurs',
        'Méthodologie et sources',
      ])
        expect(text).toContain(section);
      const own = (
        await secretary.get(`/api/v1/progress?strategy=${STRATEGY}&territory=DEP-93&year=2021`).expect(200)
      ).body;
      const region = (
        await secretary.get(`/api/v1/progress?strategy=${STRATEGY}&territory=REG-11&year=2021`).expect(200)
      ).body;
      expect(missingRows(text, expectedRows(own, region))).toEqual([]);
      expect(misplacedTitles(file)).toEqual([]);
      expect(fontsNotEmbedded(file)).toEqual([]);
    },
    120_000,
  );

  onSqlite(
    'generates in the background: the request returns at once and other requests are served meanwhile',
    async () => {
      const asked = Date.now();
      const res = await admin
        .post('/api/v1/bilans')
        .send({ kind: 'cdiae', territory: 'DEP-75', strategy: STRATEGY, year: 2021 })
        .expect(202);
      expect(Date.now() - asked).toBeLessThan(2000);
      expect(['pending', 'running']).toContain(res.body.status);
      let status = res.body.status as string;
      const slowest: number[] = [];
      while (status === 'pending' || status === 'running') {
        const t0 = Date.now();
        await t.http().get('/api/health').expect(200);
        slowest.push(Date.now() - t0);
        const now = await admin.get(`/api/v1/bilans/${res.body.id}`).expect(200);
        status = now.body.status;
        if (status === 'running') expect(now.body.progress.percent).toBeGreaterThanOrEqual(0);
      }
      expect(status).toBe('ready');
      expect(slowest.length).toBeGreaterThan(0);
      // Chromium works in its own processes and the charts yield between each other: the app keeps answering.
      expect(Math.max(...slowest)).toBeLessThan(1000);
    },
    120_000,
  );

  onSqlite('refuses what the policy refuses', async () => {
    const secretary = await t.as([{ role: 'cdiae_secretary', territory: 'DEP-93' }]);
    const refused = await secretary
      .post('/api/v1/bilans')
      .send({ kind: 'cdiae', territory: 'DEP-75', strategy: STRATEGY, year: 2021 })
      .expect(403);
    expect(refused.body.message).toMatch(/DEP-75/);
    await secretary
      .post('/api/v1/bilans')
      .send({ kind: 'cor-iae', territory: 'REG-11', strategy: STRATEGY, year: 2021 })
      .expect(403);
    // The secretariat of a CDIAE reads the whole région's bilans; a conseil départemental only its own.
    await secretary.get(`/api/v1/bilans/${corIaeId}`).expect(200);
    const council = await t.as([{ role: 'departmental_council', territory: 'DEP-93' }]);
    await council.get(`/api/v1/bilans/${corIaeId}`).expect(403);
    await council.get(`/api/v1/bilans/${corIaeId}/pdf`).expect(403);
    expect(
      ((await council.get('/api/v1/bilans').expect(200)).body as { territory: string }[]).every(
        (b) => b.territory === 'DEP-93',
      ),
    ).toBe(true);
    const member = await t.as([{ role: 'cor_member', territory: 'REG-11' }]);
    await member.get(`/api/v1/bilans/${corIaeId}/pdf`).expect(200);
    await member
      .post('/api/v1/bilans')
      .send({ kind: 'cor-iae', territory: 'REG-11', strategy: STRATEGY, year: 2021 })
      .expect(403);
    await t.http().get('/api/v1/bilans').expect(401);
    // A request that does not make sense is answered in French, field by field.
    const wrong = await admin
      .post('/api/v1/bilans')
      .send({ kind: 'cdiae', territory: 'REG-11', strategy: STRATEGY, year: 2031 })
      .expect(400);
    expect(wrong.body.errors.map((e: { field: string }) => e.field)).toEqual(['territory', 'year']);
  });

  it('fails only the generations whose server went silent, not those a neighbour is running', async () => {
    const repo = t.dataSource.getRepository(Bilan);
    const now = new Date();
    const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
    const row = (status: 'pending' | 'running', owner: string | null, heartbeatAt: string | null) =>
      repo.save(
        repo.create({
          kind: 'cdiae',
          templateId: 'cdiae',
          territoryCode: 'DEP-93',
          strategyCode: STRATEGY,
          year: 2021,
          parameters: '{}',
          dataHash: null,
          dataDate: null,
          filePath: null,
          size: null,
          pageCount: null,
          author: 'essai',
          createdAt: ago(15 * 60_000),
          finishedAt: null,
          status,
          errorMessage: null,
          durationMs: null,
          owner,
          heartbeatAt,
        }),
      );
    const neighbour = await row('running', 'autre-serveur:12:ab', ago(20_000));
    const stopped = await row('running', 'serveur-arrete:34:cd', ago(STALE_AFTER_MS + 60_000));
    const beforeUpgrade = await row('pending', null, null);
    await t.app.get(BilanArchiveService).failInterrupted(now);
    const status = async (id: number) =>
      (await admin.get(`/api/v1/bilans/${id}`).expect(200)).body as BilanView;
    expect((await status(neighbour.id)).status).toBe('running');
    for (const id of [stopped.id, beforeUpgrade.id]) {
      const view = await status(id);
      expect(view.status).toBe('failed');
      expect(view.errorMessage).toBe('Génération interrompue par un arrêt de l’application : relancez-la.');
    }
    await repo.delete([neighbour.id, stopped.id, beforeUpgrade.id]);
  });
});
