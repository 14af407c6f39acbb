import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError, loadConfig } from '@cap-iae/config';
import { BilanGenerator } from '@cap-iae/reporting';
import { repoPath } from '@cap-iae/shared';
import { Caller, startTestApp, TestApp } from '../support/test-app';
import { testDbKind } from '../support/test-database';

/**
 * Templates are data an administrator edits: a broken one, or one asking for a field the data lacks, fails with a
 * French message naming the template, the file and the field, and leaves no file; a template reaching for the
 * network renders without any request leaving; a copied and adapted template is selected by configuration alone.
 * Chromium runs on SQLite only (the PostgreSQL run proves the queries in bilans.e2e-spec.ts).
 */
const describeSqlite = testDbKind() === 'sqlite' ? describe : describe.skip;
const STRATEGY = 'IDF-2021-2022';

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(full) : [full];
  });
}

function pdfText(buffer: Buffer, dir: string): string {
  const file = path.join(dir, `lu-${Date.now()}.pdf`);
  fs.writeFileSync(file, buffer);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

async function downloadPdf(caller: Caller, id: number): Promise<Buffer> {
  const res = await caller
    .get(`/api/v1/bilans/${id}/pdf`)
    .buffer(true)
    .parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => done(null, Buffer.concat(chunks)));
    })
    .expect(200);
  return res.body as Buffer;
}

describeSqlite('bilan templates', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cap-iae-modeles-'));
  const templates = path.join(dir, 'templates');
  const archive = path.join(dir, 'archive');
  const original = fs.readFileSync(repoPath('templates', 'bilans', 'cor-iae', 'report.hbs'), 'utf8');
  const reportFile = path.join(templates, 'bilans', 'cor-iae', 'report.hbs');
  let t: TestApp;
  let admin: Caller;

  const generate = (kind: 'cor-iae' | 'cdiae' = 'cor-iae') =>
    admin
      .post('/api/v1/bilans?wait=true')
      .send({ kind, territory: kind === 'cor-iae' ? 'REG-11' : 'DEP-93', strategy: STRATEGY, year: 2021 });

  beforeAll(async () => {
    fs.cpSync(repoPath('templates'), templates, { recursive: true });
    // An administrator's copy, adapted, selected by configuration only.
    fs.cpSync(path.join(templates, 'bilans', 'cor-iae'), path.join(templates, 'bilans', 'cor-iae-drieets'), {
      recursive: true,
    });
    const manifest = path.join(templates, 'bilans', 'cor-iae-drieets', 'report.json');
    const json = JSON.parse(fs.readFileSync(manifest, 'utf8')) as {
      title: string;
      options: Record<string, unknown>;
    };
    json.title = 'Bilan annuel du COR-IAE de la DRIEETS';
    json.options.accentColor = '#6a6af4';
    fs.writeFileSync(manifest, JSON.stringify(json, null, 2));
    t = await startTestApp({
      demo: true,
      config: {
        reporting: {
          ...loadConfig({ NODE_ENV: 'test' }).reporting,
          templatesDir: templates,
          bilansDir: archive,
          cdiaeTemplate: 'cdiae',
        },
      },
    });
    admin = await t.as([{ role: 'admin', territory: 'REG-11' }]);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  afterEach(() => fs.writeFileSync(reportFile, original));

  it('reports a broken template in French, naming the template, the file and the line, and writes no file', async () => {
    fs.writeFileSync(reportFile, `${original}\n{{#each bilan.axes}}\n<p>{{title}}</p>\n`);
    const res = await generate().expect(500);
    expect(res.body.code).toBe('CONFIGURATION');
    expect(res.body.message).toMatch(
      /^Modèle de bilan « cor-iae » \(templates\/bilans\/cor-iae\/report\.hbs, ligne \d+\) : erreur de syntaxe Handlebars/,
    );
    expect(filesUnder(archive)).toEqual([]);
    const list = (await admin.get('/api/v1/bilans').expect(200)).body as {
      status: string;
      errorMessage: string;
      pdfUrl: null;
    }[];
    expect(list[0].status).toBe('failed');
    expect(list[0].errorMessage).toBe(res.body.message);
    expect(list[0].pdfUrl).toBeNull();
  }, 60_000);

  it('reports a field the data lacks, with its whole path, and writes no file', async () => {
    fs.writeFileSync(
      reportFile,
      original.replace('{{> couverture}}', '{{> couverture}}\n<p>{{bilan.synthesis.tauxDeRemplissage}}</p>'),
    );
    const res = await generate().expect(500);
    expect(res.body.message).toBe(
      'Modèle de bilan « cor-iae » (templates/bilans/cor-iae/report.hbs, ligne 7) : le champ « bilan.synthesis.tauxDeRemplissage » n’existe pas dans les données du bilan',
    );
    expect(res.body.errors).toEqual([
      {
        field: 'bilan.synthesis.tauxDeRemplissage',
        message: 'le champ « bilan.synthesis.tauxDeRemplissage » n’existe pas dans les données du bilan',
      },
    ]);
    expect(filesUnder(archive)).toEqual([]);
    // The page of the bilan says it too, to the person who clicked « Générer ».
    const id = ((await admin.get('/api/v1/bilans').expect(200)).body as { id: number }[])[0].id;
    const page = await admin.get(`/bilans/${id}`).set('Accept', 'text/html').expect(200);
    expect(page.text).toContain('Le bilan n’a pas pu être généré');
    expect(page.text).toContain('tauxDeRemplissage');
    expect(page.text).toContain('Aucun fichier n’a été produit.');
  }, 60_000);

  it('renders a template that reaches for the network without any request leaving', async () => {
    const hits: string[] = [];
    const server = http.createServer((req, res) => {
      hits.push(req.url ?? '');
      res.end('x');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const local = `http://127.0.0.1:${port}`;
      fs.writeFileSync(
        reportFile,
        original.replace(
          '{{> couverture}}',
          `{{> couverture}}\n<img src="http://example.org/x.png" alt=""><img src="${local}/logo.png" alt="">` +
            `<link rel="stylesheet" href="${local}/style.css"><div style="background: url(${local}/fond.png)">fond</div>`,
        ),
      );
      const pool = t.app.get(BilanGenerator).pool;
      const before = pool.requestLog.length;
      const res = await generate().expect(201);
      expect(res.body.status).toBe('ready');
      const log = pool.requestLog.slice(before);
      expect(log.filter((r) => !r.allowed).map((r) => r.url)).toEqual(
        expect.arrayContaining(['http://example.org/x.png', `${local}/logo.png`, `${local}/style.css`]),
      );
      expect(log.filter((r) => r.allowed).every((r) => r.url.startsWith('data:'))).toBe(true);
      expect(hits).toEqual([]);
    } finally {
      server.close();
    }
  }, 60_000);

  it('uses an adapted copy of a template selected by configuration, without touching code', async () => {
    const other = await startTestApp({
      demo: true,
      config: {
        reporting: {
          ...loadConfig({ NODE_ENV: 'test' }).reporting,
          templatesDir: templates,
          bilansDir: path.join(dir, 'archive-drieets'),
          corIaeTemplate: 'cor-iae-drieets',
        },
      },
    });
    try {
      const someone = await other.as([{ role: 'admin', territory: 'REG-11' }]);
      const res = await someone
        .post('/api/v1/bilans?wait=true')
        .send({ kind: 'cor-iae', territory: 'REG-11', strategy: STRATEGY, year: 2021 })
        .expect(201);
      expect(res.body.templateId).toBe('cor-iae-drieets');
      const text = pdfText(await downloadPdf(someone, res.body.id), dir).replace(/\s+/g, ' ');
      expect(text).toContain('Bilan annuel du COR-IAE de la DRIEETS 2021');
      expect(text).toContain('modèle « cor-iae-drieets »');
    } finally {
      await other.close();
    }
  }, 120_000);

  it('reads the template choice from the environment, and refuses a name that is not a folder name', () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      CAP_IAE_TEMPLATES_DIR: templates,
      CAP_IAE_BILAN_TEMPLATE_COR_IAE: 'cor-iae-drieets',
    });
    expect(config.reporting).toMatchObject({
      templatesDir: templates,
      corIaeTemplate: 'cor-iae-drieets',
      cdiaeTemplate: 'cdiae',
    });
    expect(() => loadConfig({ NODE_ENV: 'test', CAP_IAE_BILAN_TEMPLATE_CDIAE: '../etc' })).toThrow(
      ConfigError,
    );
    expect(() => loadConfig({ NODE_ENV: 'test', CAP_IAE_TEMPLATES_DIR: path.join(dir, 'absent') })).toThrow(
      /CAP_IAE_TEMPLATES_DIR doit désigner un dossier de modèles/,
    );
  });

  it('refuses to start with a configured template that does not exist', async () => {
    await expect(
      startTestApp({
        config: {
          reporting: {
            ...loadConfig({ NODE_ENV: 'test' }).reporting,
            templatesDir: templates,
            cdiaeTemplate: 'cdiae-absent',
          },
        },
      }),
    ).rejects.toThrow(/Modèle de bilan « cdiae-absent »/);
  }, 60_000);
});
