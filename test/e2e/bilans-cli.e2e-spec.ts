import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createTestDatabase, TestDatabase, testDbKind } from '../support/test-database';

const bin = path.resolve(__dirname, '..', '..', 'apps', 'cli', 'bin', 'cap-iae.js');

/**
 * The bilans from the command line, through the compiled CLI as a user runs it (npm test builds it first): the nine
 * bilans of a year in one command, one bilan to a given file, and a refused request that writes nothing. Chromium
 * runs on SQLite only.
 */
const run = testDbKind() === 'sqlite' ? describe : describe.skip;

run('bilans from the command line', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cap-iae-cli-bilans-'));
  const cli = (args: string[]) =>
    execFileSync(process.execPath, [bin, ...args], {
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      encoding: 'utf8',
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });

  beforeAll(async () => {
    db = await createTestDatabase();
    env = {
      DATABASE_PATH: db.config.kind === 'sqlite' ? db.config.path : '',
      DATABASE_URL: '',
      CAP_IAE_BILANS_DIR: path.join(dir, 'archive'),
    };
    cli(['setup', '--demo']);
  }, 120_000);

  afterAll(async () => {
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('produces the bilan COR-IAE and the 8 bilans CDIAE of a year with « bilan --all »', () => {
    const out = cli(['bilan', '--all', '--annee', '2021', '--dossier', 'sortie']);
    expect(out).toContain('9 bilan(s) généré(s) sur 9.');
    const files = fs.readdirSync(path.join(dir, 'sortie')).sort();
    expect(files).toEqual([
      'bilan-cdiae-75-IDF-2021-2022-2021.pdf',
      'bilan-cdiae-77-IDF-2021-2022-2021.pdf',
      'bilan-cdiae-78-IDF-2021-2022-2021.pdf',
      'bilan-cdiae-91-IDF-2021-2022-2021.pdf',
      'bilan-cdiae-92-IDF-2021-2022-2021.pdf',
      'bilan-cdiae-93-IDF-2021-2022-2021.pdf',
      'bilan-cdiae-94-IDF-2021-2022-2021.pdf',
      'bilan-cdiae-95-IDF-2021-2022-2021.pdf',
      'bilan-cor-iae-11-IDF-2021-2022-2021.pdf',
    ]);
    for (const f of files) {
      const file = path.join(dir, 'sortie', f);
      const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
      expect(Number(/Pages:\s+(\d+)/.exec(info)![1])).toBeGreaterThan(10);
      const department = /bilan-cdiae-(\d+)-/.exec(f)?.[1];
      const text = execFileSync('pdftotext', ['-f', '1', '-l', '1', file, '-'], { encoding: 'utf8' });
      expect(text).toContain(department ? 'Bilan CDIAE 2021' : 'Bilan COR-IAE 2021');
    }
    // Archived too, with the command line as author.
    expect(fs.readdirSync(path.join(dir, 'archive', '2021'))).toHaveLength(9);
  }, 240_000);

  it('writes one bilan where asked', () => {
    const out = cli([
      'bilan',
      'cdiae',
      '--departement',
      '93',
      '--strategie',
      'IDF-2021-2022',
      '--annee',
      '2021',
      '--out',
      'cdiae-93.pdf',
    ]);
    expect(out).toMatch(/cdiae-93\.pdf \(\d+ pages, empreinte des données [0-9a-f]{64}\)/);
    expect(fs.readFileSync(path.join(dir, 'cdiae-93.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
  }, 120_000);

  it('explains a refused request in French and writes no file', () => {
    const r = spawnSync(
      process.execPath,
      [
        bin,
        'bilan',
        'cor-iae',
        '--region',
        '11',
        '--strategie',
        'IDF-2021-2022',
        '--annee',
        '2031',
        '--out',
        'refuse.pdf',
      ],
      { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, encoding: 'utf8', cwd: dir },
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Erreur : Le bilan demandé n’est pas valide.');
    expect(r.stderr).toContain('year : doit être comprise entre 2021 et 2022');
    expect(fs.existsSync(path.join(dir, 'refuse.pdf'))).toBe(false);
  }, 60_000);
});
