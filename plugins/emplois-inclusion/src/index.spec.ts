import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import {
  batchesOf,
  FetchRequest,
  isPluginError,
  PluginContext,
  PluginWarning,
  runContractKit,
  SourceRecord,
} from '@cap-iae/plugin-sdk';
import plugin from './index';
import { DEFAULT_BASE_URL, DEFAULT_POINTS, EmploisConfig, IDF_DEPARTEMENTS } from './config';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures');
const RECORDED_ORIGIN = 'https://emplois.inclusion.beta.gouv.fr';

interface TestServer {
  base: string;
  hits: string[];
  close(): Promise<void>;
}

/** A local HTTP server on 127.0.0.1 (random port): the tests never reach the real API. */
async function startServer(
  handler: (req: http.IncomingMessage, res: http.ServerResponse, base: string) => void,
): Promise<TestServer> {
  const hits: string[] = [];
  let base = '';
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    handler(req, res, base);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: http.ServerResponse, status: number, body: string, type = 'application/json') {
  res.writeHead(status, { 'Content-Type': type });
  res.end(body);
}

/**
 * Serves the recorded pages (fixtures/siaes-<code_insee>-page-<n>.json) the way the API does, with its `next`
 * links pointed at this server; an unknown commune gets the API's 404.
 */
function recordedApi(req: http.IncomingMessage, res: http.ServerResponse, base: string): void {
  const url = new URL(req.url ?? '/', 'http://local');
  const code = url.searchParams.get('code_insee');
  if (url.pathname !== '/api/v1/siaes/') return send(res, 404, JSON.stringify({ detail: 'Pas trouvé.' }));
  if (!code || !url.searchParams.get('distance_max_km')) {
    return send(
      res,
      400,
      JSON.stringify([
        "Les paramètres `code_insee` et `distance_max_km` sont obligatoires si `departement` n'est pas spécifié.",
      ]),
    );
  }
  const file = path.join(FIXTURES, `siaes-${code}-page-${url.searchParams.get('page') ?? '1'}.json`);
  if (!fs.existsSync(file))
    return send(res, 404, JSON.stringify({ detail: `Pas de ville avec pour code_insee ${code}` }));
  send(res, 200, fs.readFileSync(file, 'utf8').split(RECORDED_ORIGIN).join(base));
}

function config(base: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    baseUrl: `${base}/api/v1/siaes/`,
    points: [
      { code_insee: '93008', distance_max_km: 10 },
      { code_insee: '75056', distance_max_km: 10 },
    ],
    annee: 2025,
    region: '11',
    ...extra,
  };
}

interface RunResult {
  records: SourceRecord[];
  warnings: PluginWarning[];
  logs: string[];
}

async function run(
  raw: Record<string, unknown>,
  options: { request?: FetchRequest; signal?: AbortSignal } = {},
): Promise<RunResult> {
  const logs: string[] = [];
  const log = (m: string) => void logs.push(m);
  const ctx: PluginContext<EmploisConfig> = {
    config: plugin.parseConfig!(raw),
    secrets: {},
    logger: { info: log, warn: log, error: log },
    signal: options.signal ?? new AbortController().signal,
    fetch: globalThis.fetch,
    progress: () => undefined,
  };
  const result: RunResult = { records: [], warnings: [], logs };
  for await (const batch of batchesOf(plugin.fetchValues(options.request ?? {}, ctx))) {
    result.records.push(...batch.records);
    result.warnings.push(...batch.warnings);
  }
  return result;
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (e) {
    if (isPluginError(e)) return { code: e.code, message: e.message };
    return { code: (e as Error).name, message: (e as Error).message };
  }
  throw new Error('la promesse aurait dû échouer');
}

/** `DEP-93 ACI` → 2, `DEP-93 total` → 6: the counts in a form a reader checks against the fixtures. */
function counts(records: SourceRecord[]): Record<string, number> {
  return Object.fromEntries(
    records.map((r) => [`${r.territory} ${r.dimensions?.siae_type ?? 'total'}`, r.value as number]),
  );
}

const ZEROS = (dep: string) => ({
  [`${dep} ACI`]: 0,
  [`${dep} AI`]: 0,
  [`${dep} EI`]: 0,
  [`${dep} ETTI`]: 0,
  [`${dep} EITI`]: 0,
  [`${dep} total`]: 0,
});

describe('plugin emplois-inclusion', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('passes the contract kit', async () => {
    server = await startServer(recordedApi);
    const report = await runContractKit(path.resolve(__dirname, '..'), {
      config: config(server.base),
      fetch: globalThis.fetch,
      minRecords: 54,
    });
    expect(report.problems).toEqual([]);
    expect(report.records).toHaveLength(54);
  });

  it('counts distinct SIAE per type and département over every page of every point, and totals the région', async () => {
    server = await startServer(recordedApi);
    const { records, warnings, logs } = await run(config(server.base));

    // 2 points × 2 pages, each followed through its `next` link, nothing more.
    expect(server.hits).toEqual([
      '/api/v1/siaes/?code_insee=93008&distance_max_km=10',
      '/api/v1/siaes/?code_insee=93008&distance_max_km=10&page=2',
      '/api/v1/siaes/?code_insee=75056&distance_max_km=10',
      '/api/v1/siaes/?code_insee=75056&distance_max_km=10&page=2',
    ]);
    // 8 départements × (5 types + total) + the région's 6.
    expect(records).toHaveLength(54);
    expect(counts(records)).toEqual({
      // 93: REBOND 93 seen around both points counts once; SIRET …029 runs an EI and an ACI (one each);
      // the EITI has no département and is placed by its postal code 93200.
      'DEP-93 ACI': 2,
      'DEP-93 AI': 1,
      'DEP-93 EI': 1,
      'DEP-93 ETTI': 1,
      'DEP-93 EITI': 1,
      'DEP-93 total': 6,
      // 75: the Villette ACI seen twice counts once, the ACIPHC counts as ACI, the EI without département is in 75011.
      'DEP-75 ACI': 2,
      'DEP-75 AI': 1,
      'DEP-75 EI': 1,
      'DEP-75 ETTI': 1,
      'DEP-75 EITI': 0,
      'DEP-75 total': 5,
      'DEP-77 ACI': 1,
      'DEP-77 AI': 0,
      'DEP-77 EI': 0,
      'DEP-77 ETTI': 0,
      'DEP-77 EITI': 0,
      'DEP-77 total': 1,
      ...ZEROS('DEP-78'),
      ...ZEROS('DEP-91'),
      ...ZEROS('DEP-92'),
      ...ZEROS('DEP-94'),
      ...ZEROS('DEP-95'),
      // 2A (Ajaccio) and 60 (Creil) are outside the région: not counted.
      'REG-11 ACI': 5,
      'REG-11 AI': 2,
      'REG-11 EI': 2,
      'REG-11 ETTI': 2,
      'REG-11 EITI': 1,
      'REG-11 total': 12,
    });
    for (const r of records) {
      expect(r).toMatchObject({ indicator: 'SIAE_NB', period: '2025', status: 'provisional' });
      expect(r.sourceRef).toMatch(
        /^API « les emplois de l'inclusion » \(127\.0\.0\.1:\d+\/api\/v1\/siaes\/\) interrogée le \d{4}-\d{2}-\d{2} : 2 point\(s\) de recherche, 12 SIAE distincte\(s\)$/,
      );
    }
    expect(records.find((r) => r.territory === 'DEP-93' && !r.dimensions)).toEqual(
      expect.not.objectContaining({ dimensions: expect.anything() }),
    );

    expect(warnings).toEqual([
      // Lines count the items read, across pages and points: page 2 around Paris starts at item 15.
      {
        line: 16,
        column: 'siret',
        message: 'SIRET manquant pour « Recyclerie Sans Siret » (ACI) : structure non comptée',
      },
      {
        line: 17,
        column: 'siret',
        message: 'SIRET invalide « 123 » pour « Association Au Siret Tronque » (AI) : structure non comptée',
      },
      {
        line: 20,
        column: 'departement',
        message:
          'département absent et code postal absent pour « Entreprise Sans Adresse » (SIRET 22222222200098, EI) : structure non comptée',
      },
      {
        message:
          '4 structure(s) hors IAE ignorée(s) (GEIQ : 1, EA : 1, OPCS : 1, EATT : 1) : seuls ACI, AI, EI, ETTI et EITI sont comptés',
      },
    ]);
    expect(logs).toContain('2 structure(s) hors des départements retenus, non comptée(s)');
  });

  it('counts the départements it is told to keep, Corsica included, without région totals unless asked', async () => {
    server = await startServer(recordedApi);
    const { records } = await run(
      config(server.base, { departements: ['2a', '75', '93', '93'], region: undefined }),
    );
    expect(records).toHaveLength(18);
    expect(counts(records)).toMatchObject({
      'DEP-2A EI': 1,
      'DEP-2A total': 1,
      'DEP-75 total': 5,
      'DEP-93 total': 6,
    });
    expect(records.some((r) => r.territory.startsWith('REG-'))).toBe(false);
  });

  it('keeps only what the request asks for, and makes no request for another indicator or year', async () => {
    server = await startServer(recordedApi);
    const { records } = await run(config(server.base), { request: { territories: ['DEP-93'] } });
    expect(counts(records)).toEqual({
      'DEP-93 ACI': 2,
      'DEP-93 AI': 1,
      'DEP-93 EI': 1,
      'DEP-93 ETTI': 1,
      'DEP-93 EITI': 1,
      'DEP-93 total': 6,
    });
    const hits = server.hits.length;
    expect((await run(config(server.base), { request: { indicators: ['SAL_NB'] } })).records).toEqual([]);
    expect(
      (await run(config(server.base), { request: { periodFrom: '2020', periodTo: '2024' } })).records,
    ).toEqual([]);
    expect(server.hits).toHaveLength(hits);
  });

  it('waits between requests when asked to', async () => {
    server = await startServer(recordedApi);
    const started = Date.now();
    await run(config(server.base, { pauseMs: 60 }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(170);
  });

  describe('pagination', () => {
    it('fails on a `next` link that loops, rather than count a partial list', async () => {
      server = await startServer((req, res, base) =>
        send(
          res,
          200,
          JSON.stringify({ count: 1, next: `${base}${req.url ?? ''}`, previous: null, results: [] }),
        ),
      );
      const error = await failure(run(config(server.base)));
      expect(error.code).toBe('SOURCE_FORMAT');
      expect(error.message).toContain("la pagination de l'API boucle");
      expect(server.hits).toHaveLength(1);
    });

    it('fails past the page limit', async () => {
      server = await startServer(recordedApi);
      const error = await failure(run(config(server.base, { maxPages: 1 })));
      expect(error).toEqual({
        code: 'SOURCE_FORMAT',
        message:
          'plus de 1 pages autour de la commune 93008 : réduire distance_max_km ou relever « maxPages »',
      });
    });

    it('refuses a `next` link to another host', async () => {
      server = await startServer((_req, res) =>
        send(
          res,
          200,
          JSON.stringify({ count: 1, next: 'https://ailleurs.invalid/api/v1/siaes/?page=2', results: [] }),
        ),
      );
      expect((await failure(run(config(server.base)))).code).toBe('SOURCE_FORMAT');
    });
  });

  describe('failures', () => {
    it('reports an unknown commune (API 404) as CONFIG_INVALID', async () => {
      server = await startServer(recordedApi);
      const error = await failure(
        run(config(server.base, { points: [{ code_insee: '99999', distance_max_km: 10 }] })),
      );
      expect(error).toEqual({
        code: 'CONFIG_INVALID',
        message: "l'API ne connaît pas la commune 99999 (HTTP 404) : corriger « points » ou « baseUrl »",
      });
    });

    it('reports 500 as SOURCE_UNREACHABLE after one attempt, and 401 as SOURCE_REFUSED', async () => {
      server = await startServer((req, res) =>
        req.url?.includes('93008') ? send(res, 500, '{}') : send(res, 401, '{}'),
      );
      const error = await failure(run(config(server.base)));
      expect(error.code).toBe('SOURCE_UNREACHABLE');
      expect(server.hits).toHaveLength(1);
      expect(
        (await failure(run(config(server.base, { points: [{ code_insee: '75056', distance_max_km: 10 }] }))))
          .code,
      ).toBe('SOURCE_REFUSED');
    });

    it('refuses HTML and JSON without `results` with SOURCE_FORMAT', async () => {
      server = await startServer((req, res) =>
        req.url?.includes('93008')
          ? send(res, 200, '<html><body>Maintenance</body></html>', 'text/html')
          : send(res, 200, '{"detail":"ok"}'),
      );
      expect(await failure(run(config(server.base)))).toEqual({
        code: 'SOURCE_FORMAT',
        message: `la source a répondu « text/html » au lieu de JSON (${server.base}/api/v1/siaes/?code_insee=93008&distance_max_km=10)`,
      });
      const error = await failure(
        run(config(server.base, { points: [{ code_insee: '75056', distance_max_km: 10 }] })),
      );
      expect(error.code).toBe('SOURCE_FORMAT');
      expect(error.message).toContain('liste « results » absente');
    });

    it('ends promptly when the run is aborted while the API is slow', async () => {
      const timers: NodeJS.Timeout[] = [];
      server = await startServer((req, res, base) => {
        // The first page comes at once, the second never in time.
        if (!req.url?.includes('page=2')) return recordedApi(req, res, base);
        timers.push(setTimeout(() => send(res, 200, '{"results":[]}'), 5000));
      });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 150);
      const started = Date.now();
      const error = await failure(run(config(server.base), { signal: controller.signal }));
      expect(Date.now() - started).toBeLessThan(1500);
      expect(['ABORTED', 'AbortError']).toContain(error.code);
      expect(server.hits).toHaveLength(2);
      timers.forEach(clearTimeout);
    });
  });

  describe('health check', () => {
    const ctxOf = (raw: Record<string, unknown>) => ({
      config: plugin.parseConfig!(raw),
      secrets: {},
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
      signal: new AbortController().signal,
      fetch: globalThis.fetch,
      progress: () => undefined,
    });

    it('asks for the first page around the first point', async () => {
      server = await startServer(recordedApi);
      expect(await plugin.healthCheck!(ctxOf(config(server.base)))).toEqual({
        ok: true,
        message: "l'API répond : 8 structure(s) autour de la commune 93008 (10 km)",
      });
      expect(server.hits).toHaveLength(1);
    });

    it('reports a failure without throwing', async () => {
      server = await startServer((_req, res) => send(res, 503, '{}'));
      const health = await plugin.healthCheck!(ctxOf(config(server.base)));
      expect(health.ok).toBe(false);
      expect(health.message).toMatch(/^SOURCE_UNREACHABLE : la source a répondu HTTP 503/);
    });
  });

  describe('configuration', () => {
    it('defaults to the real API, nine communes covering Île-de-France and the current year', () => {
      const c = plugin.parseConfig!({});
      expect(c.baseUrl).toBe(DEFAULT_BASE_URL);
      expect(c.points).toEqual(DEFAULT_POINTS);
      expect(c.points).toHaveLength(9);
      expect(c.departements).toEqual(IDF_DEPARTEMENTS);
      expect(c.annee).toBe(new Date().getFullYear());
      expect(c.region).toBeUndefined();
    });

    it('refuses what the API would refuse, in French', () => {
      const refused = (raw: Record<string, unknown>) => {
        try {
          plugin.parseConfig!(raw);
        } catch (e) {
          return isPluginError(e) && e.code === 'CONFIG_INVALID' ? e.message : `autre erreur : ${String(e)}`;
        }
        return 'acceptée';
      };
      expect(refused({ points: [{ code_insee: '930', distance_max_km: 10 }] })).toContain(
        'code INSEE de commune attendu',
      );
      expect(refused({ points: [{ code_insee: '93008', distance_max_km: 150 }] })).toContain(
        'entre 1 et 100 km',
      );
      expect(refused({ points: [] })).toContain('« points »');
      expect(refused({ departements: ['20'] })).toContain('code de département invalide « 20 »');
      expect(refused({ region: 'IDF' })).toContain('code INSEE de région');
      expect(refused({ baseUrl: 'ftp://exemple.fr/' })).toContain('http(s)');
      expect(refused({ baseUrl: 'https://exemple.fr/api/?format=json' })).toContain('paramètres');
      expect(refused({ annee: 1990 })).toContain('« annee »');
      expect(
        refused({
          points: [{ code_insee: '2A004', distance_max_km: '20' }],
          region: 94,
          departements: [1, '2b'],
        }),
      ).toBe('acceptée');
    });
  });
});
