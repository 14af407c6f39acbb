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
import type { HttpJsonConfig } from './config';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures');
const TOKEN = 's3cr3t-jeton-de-test';

interface Hit {
  url: string;
  headers: http.IncomingHttpHeaders;
}
interface TestServer {
  base: string;
  hits: Hit[];
  close(): Promise<void>;
}

/** A local HTTP server on 127.0.0.1 (random port): the tests never reach any other host. */
async function startServer(handler: http.RequestListener): Promise<TestServer> {
  const hits: Hit[] = [];
  const server = http.createServer((req, res) => {
    hits.push({ url: req.url ?? '', headers: req.headers });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(
  res: http.ServerResponse,
  status: number,
  body: string,
  type = 'application/json; charset=utf-8',
) {
  res.writeHead(status, { 'Content-Type': type });
  res.end(body);
}

/** Serves fixtures/page-N.json for `?page=N` (page 1 without the parameter); `after` says what follows page 3. */
function pages(options: { token?: string; after?: 'empty' | '404' } = {}): http.RequestListener {
  return (req, res) => {
    if (options.token && req.headers.authorization !== `Bearer ${options.token}`) {
      return send(res, 401, JSON.stringify({ detail: 'Informations d’authentification non fournies.' }));
    }
    const page = Number(new URL(req.url ?? '/', 'http://local').searchParams.get('page') ?? '1');
    if (page === 3 && options.after === '404')
      return send(res, 404, JSON.stringify({ detail: 'Page non valide.' }));
    const file = path.join(FIXTURES, `page-${page}.json`);
    if (!fs.existsSync(file)) return send(res, 404, JSON.stringify({ detail: 'Page non valide.' }));
    send(res, 200, fs.readFileSync(file, 'utf8'));
  };
}

function baseConfig(base: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    url: `${base}/stats`,
    itemsPath: 'data.results',
    pagination: { mode: 'page', pageParam: 'page', pageStart: 1 },
    mapping: {
      indicator: { path: 'indicateur' },
      territory: { path: 'dep', format: 'insee-departement' },
      period: { path: 'annee' },
      value: 'valeur',
      numerator: 'num',
      denominator: 'den',
      dimensions: { siae_type: 'type_siae' },
    },
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
  options: { secrets?: Record<string, string>; request?: FetchRequest; signal?: AbortSignal } = {},
): Promise<RunResult> {
  const logs: string[] = [];
  const log = (m: string) => void logs.push(m);
  const ctx: PluginContext<HttpJsonConfig> = {
    config: plugin.parseConfig!(raw),
    secrets: options.secrets ?? {},
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

function expectedRecords(ref: (page: number) => string): SourceRecord[] {
  return [
    {
      indicator: 'SIAE_NB',
      territory: 'DEP-93',
      period: '2021',
      dimensions: { siae_type: 'ACI' },
      value: 61,
      sourceRef: `${ref(1)} (élément 1 de la page)`,
      line: 1,
    },
    {
      indicator: 'SIAE_NB',
      territory: 'DEP-2A',
      period: '2021',
      dimensions: { siae_type: 'EI' },
      value: 12,
      sourceRef: `${ref(1)} (élément 2 de la page)`,
      line: 2,
    },
    {
      indicator: 'SAL_NB',
      territory: 'DEP-01',
      period: '2021-T3',
      value: 1234.5,
      sourceRef: `${ref(1)} (élément 3 de la page)`,
      line: 3,
    },
    {
      indicator: 'SIAE_NB',
      territory: 'DEP-75',
      period: '2021',
      dimensions: { siae_type: 'AI' },
      value: 40,
      sourceRef: `${ref(2)} (élément 4 de la page)`,
      line: 7,
    },
    {
      indicator: 'TX_SORTIES_DYN',
      territory: 'DEP-94',
      period: '2021',
      numerator: 700,
      denominator: 1000,
      sourceRef: `${ref(2)} (élément 5 de la page)`,
      line: 8,
    },
  ];
}

const EXPECTED_WARNINGS: PluginWarning[] = [
  {
    line: 4,
    column: 'dep',
    message:
      'élément 4 ignoré : territoire « 9Z » illisible (attendu : code INSEE de département, ex. 93 ou 2A)',
  },
  {
    line: 5,
    column: 'annee',
    message: 'élément 5 ignoré : période « 2021-13 » illisible (attendu : 2021 ou 2021-T3)',
  },
  { line: 6, column: 'valeur', message: "élément 6 ignoré : value « beaucoup » n'est pas un nombre" },
  { line: 9, message: "élément 9 ignoré : ce n'est pas un objet JSON" },
];

describe('plugin http-json', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('passes the contract kit (authenticated, paged API)', async () => {
    server = await startServer(pages({ token: TOKEN }));
    const report = await runContractKit(path.resolve(__dirname, '..'), {
      config: baseConfig(server.base, {
        authHeader: 'Authorization',
        authSecret: 'HTTP_JSON_TOKEN',
        authScheme: 'Bearer',
      }),
      secrets: { HTTP_JSON_TOKEN: TOKEN },
      fetch: globalThis.fetch,
      minRecords: 5,
    });
    expect(report.problems).toEqual([]);
    expect(report.records).toHaveLength(5);
  });

  it('reads numbered pages until an empty one, maps every item, and turns bad items into warnings', async () => {
    server = await startServer(pages());
    const { records, warnings } = await run(baseConfig(server.base));
    const base = server.base;
    expect(records).toEqual(expectedRecords((p) => `${base}/stats?page=${p}`));
    expect(warnings).toEqual(EXPECTED_WARNINGS);
    expect(server.hits.map((h) => h.url)).toEqual(['/stats?page=1', '/stats?page=2', '/stats?page=3']);
    expect(server.hits[0].headers.accept).toBe('application/json');
  });

  it('also stops on the 404 that some APIs send past the last page', async () => {
    server = await startServer(pages({ after: '404' }));
    const { records, warnings } = await run(baseConfig(server.base));
    expect(records).toHaveLength(5);
    expect(warnings).toHaveLength(4);
    expect(server.hits).toHaveLength(3);
  });

  it('follows next links (relative here) until the link is null', async () => {
    server = await startServer(pages());
    const base = server.base;
    const { records, warnings } = await run(
      baseConfig(base, { pagination: { mode: 'next-link', nextPath: 'links.next' } }),
    );
    expect(records).toEqual(expectedRecords((p) => (p === 1 ? `${base}/stats` : `${base}/stats?page=${p}`)));
    expect(warnings).toEqual(EXPECTED_WARNINGS);
    expect(server.hits.map((h) => h.url)).toEqual(['/stats', '/stats?page=2', '/stats?page=3']);
  });

  it('stops a next link that loops back, and warns', async () => {
    server = await startServer((_req, res) =>
      send(
        res,
        200,
        JSON.stringify({ results: [{ i: 'SIAE_NB', t: 'DEP-93', p: 2021, v: 1 }], next: '/boucle' }),
      ),
    );
    const config = {
      url: `${server.base}/boucle`,
      itemsPath: 'results',
      pagination: { mode: 'next-link' },
      mapping: { indicator: { path: 'i' }, territory: { path: 't' }, period: { path: 'p' }, value: 'v' },
    };
    const { records, warnings } = await run(config);
    expect(records).toHaveLength(1);
    expect(warnings).toEqual([
      { message: `la source renvoie vers une page déjà lue (${server.base}/boucle) : lecture arrêtée` },
    ]);
    expect(server.hits).toHaveLength(1);
  });

  it('stops at the page limit with a warning', async () => {
    server = await startServer(pages());
    const { records, warnings } = await run(baseConfig(server.base, { maxPages: 1 }));
    expect(records).toHaveLength(3);
    expect(warnings).toEqual([
      {
        message:
          "limite de 1 page(s) atteinte : la suite n'a pas été lue, les données peuvent être incomplètes",
      },
    ]);
    expect(server.hits).toHaveLength(1);
  });

  it('stops when the server ignores the page parameter and repeats the same page', async () => {
    server = await startServer((_req, res) =>
      send(res, 200, fs.readFileSync(path.join(FIXTURES, 'page-1.json'), 'utf8')),
    );
    const { records, warnings } = await run(baseConfig(server.base));
    expect(records).toHaveLength(3);
    expect(warnings).toEqual([
      {
        message:
          'la page 2 est identique à la précédente : le paramètre « page » semble ignoré par la source, lecture arrêtée',
      },
    ]);
    expect(server.hits).toHaveLength(2);
  });

  it('fills {annee} and {territoire} in the URL and in fixed values', async () => {
    server = await startServer((req, res) => {
      const [, , annee, dep] = (req.url ?? '').split('/');
      send(res, 200, JSON.stringify([{ nb: Number(annee) - 2000 + Number(dep) }]));
    });
    const { records } = await run({
      url: `${server.base}/par-departement/{annee}/{territoire}`,
      annees: [2020, 2021],
      territoires: ['93', '75'],
      mapping: {
        indicator: { value: 'SIAE_NB' },
        territory: { value: '{territoire}', format: 'insee-departement' },
        period: { value: '{annee}' },
        value: 'nb',
      },
    });
    expect(server.hits.map((h) => h.url)).toEqual([
      '/par-departement/2020/93',
      '/par-departement/2020/75',
      '/par-departement/2021/93',
      '/par-departement/2021/75',
    ]);
    expect(records.map((r) => [r.territory, r.period, r.value])).toEqual([
      ['DEP-93', '2020', 113],
      ['DEP-75', '2020', 95],
      ['DEP-93', '2021', 114],
      ['DEP-75', '2021', 96],
    ]);
  });

  it('keeps only what the request asks for', async () => {
    server = await startServer(pages());
    const { records } = await run(baseConfig(server.base), {
      request: { territories: ['DEP-93', 'DEP-01'], periodFrom: '2021-T1', periodTo: '2021-T2' },
    });
    // DEP-01 is a 2021-T3 value: outside the requested quarters; the yearly DEP-93 value overlaps them.
    expect(records.map((r) => r.territory)).toEqual(['DEP-93']);
  });

  describe('authentication and secrets', () => {
    const auth = { authHeader: 'Authorization', authSecret: 'HTTP_JSON_TOKEN', authScheme: 'Bearer' };

    it('sends the secret in the configured header and never lets it out (records, warnings, logs)', async () => {
      server = await startServer((req, res) => {
        if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(res, 401, '{}');
        // The source echoes the token in an item: it must be masked in the warning it causes.
        send(
          res,
          200,
          JSON.stringify({
            results: [
              { i: 'SIAE_NB', t: 'DEP-93', p: 2021, v: 7 },
              { i: 'SIAE_NB', t: TOKEN, p: 2021, v: 1 },
            ],
          }),
        );
      });
      const result = await run(
        {
          ...auth,
          url: `${server.base}/api`,
          itemsPath: 'results',
          mapping: { indicator: { path: 'i' }, territory: { path: 't' }, period: { path: 'p' }, value: 'v' },
        },
        { secrets: { HTTP_JSON_TOKEN: TOKEN } },
      );
      expect(server.hits[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(result.records).toHaveLength(1);
      expect(result.warnings).toEqual([
        {
          line: 2,
          column: 't',
          message:
            'élément 2 ignoré : territoire « *** » illisible (attendu : code Cap IAE, ex. DEP-93 ou REG-11)',
        },
      ]);
      expect(JSON.stringify(result)).not.toContain(TOKEN);
    });

    it('sends a bare token when no scheme is set', async () => {
      server = await startServer(pages());
      await run(baseConfig(server.base, { authHeader: 'X-Api-Key' }), {
        secrets: { HTTP_JSON_TOKEN: TOKEN },
      });
      expect(server.hits[0].headers['x-api-key']).toBe(TOKEN);
    });

    it('reports 401 as SOURCE_REFUSED, without the token in the message', async () => {
      server = await startServer(pages({ token: TOKEN }));
      const error = await failure(
        run(baseConfig(server.base, auth), { secrets: { HTTP_JSON_TOKEN: 'mauvais-jeton' } }),
      );
      expect(error.code).toBe('SOURCE_REFUSED');
      expect(error.message).toContain('HTTP 401');
      expect(error.message).not.toContain('mauvais-jeton');
    });

    it('reports a missing secret as SECRET_MISSING before any request', async () => {
      server = await startServer(pages());
      const error = await failure(run(baseConfig(server.base, auth)));
      expect(error.code).toBe('SECRET_MISSING');
      expect(server.hits).toHaveLength(0);
    });

    it('refuses a next link that would carry the token to another server', async () => {
      server = await startServer((_req, res) =>
        send(res, 200, JSON.stringify({ results: [], next: 'http://autre-serveur.invalid/api?page=2' })),
      );
      const error = await failure(
        run(
          {
            ...auth,
            url: `${server.base}/api`,
            itemsPath: 'results',
            pagination: { mode: 'next-link' },
            mapping: {
              indicator: { value: 'X' },
              territory: { path: 't' },
              period: { path: 'p' },
              value: 'v',
            },
          },
          { secrets: { HTTP_JSON_TOKEN: TOKEN } },
        ),
      );
      expect(error).toEqual({
        code: 'SOURCE_FORMAT',
        message:
          'le lien vers la page suivante mène hors de la source (http://autre-serveur.invalid) : refusé',
      });
      expect(server.hits).toHaveLength(1);
    });
  });

  describe('failures', () => {
    it('reports 500 as SOURCE_UNREACHABLE after a single attempt (retries belong to the host)', async () => {
      server = await startServer((_req, res) => send(res, 500, JSON.stringify({ detail: 'erreur' })));
      const error = await failure(run(baseConfig(server.base)));
      expect(error.code).toBe('SOURCE_UNREACHABLE');
      expect(error.message).toContain('HTTP 500');
      expect(server.hits).toHaveLength(1);
    });

    it('reports a closed port as SOURCE_UNREACHABLE', async () => {
      const closed = await startServer(pages());
      await closed.close();
      const error = await failure(run(baseConfig(closed.base)));
      expect(error.code).toBe('SOURCE_UNREACHABLE');
    });

    it('refuses HTML instead of JSON with SOURCE_FORMAT', async () => {
      server = await startServer((_req, res) =>
        send(res, 200, '<!doctype html><title>Maintenance</title>', 'text/html; charset=utf-8'),
      );
      const error = await failure(run(baseConfig(server.base)));
      expect(error).toEqual({
        code: 'SOURCE_FORMAT',
        message: `la source a répondu « text/html » au lieu de JSON (${server.base}/stats?page=1)`,
      });
    });

    it('refuses broken JSON and an items path that is not a list with SOURCE_FORMAT', async () => {
      server = await startServer((req, res) =>
        req.url?.startsWith('/casse')
          ? send(res, 200, '{"data": [')
          : send(res, 200, '{"data": {"results": 3}}'),
      );
      expect((await failure(run({ ...baseConfig(server.base), url: `${server.base}/casse` }))).code).toBe(
        'SOURCE_FORMAT',
      );
      const error = await failure(run(baseConfig(server.base)));
      expect(error.code).toBe('SOURCE_FORMAT');
      expect(error.message).toContain('« itemsPath » (data.results) ne désigne pas une liste');
    });

    it('ends promptly when the run is aborted while the server is slow', async () => {
      const timers: NodeJS.Timeout[] = [];
      server = await startServer(
        (_req, res) => void timers.push(setTimeout(() => send(res, 200, '{"data":{"results":[]}}'), 5000)),
      );
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const started = Date.now();
      const error = await failure(run(baseConfig(server.base), { signal: controller.signal }));
      expect(Date.now() - started).toBeLessThan(1500);
      expect(['ABORTED', 'AbortError']).toContain(error.code);
      expect(server.hits).toHaveLength(1);
      timers.forEach(clearTimeout);
    });
  });

  describe('health check', () => {
    it('makes one request and reports the first page', async () => {
      server = await startServer(pages());
      const config = plugin.parseConfig!(baseConfig(server.base));
      const ctx = {
        config,
        secrets: {},
        logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
        signal: new AbortController().signal,
        fetch: globalThis.fetch,
        progress: () => undefined,
      };
      expect(await plugin.healthCheck!(ctx)).toEqual({
        ok: true,
        message: 'la source répond (HTTP 200) : 3 élément(s) sur la première page',
      });
      expect(server.hits).toHaveLength(1);
    });

    it('reports a refusal without throwing and without the secret', async () => {
      server = await startServer(pages({ token: TOKEN }));
      const config = plugin.parseConfig!(
        baseConfig(server.base, { authHeader: 'Authorization', authScheme: 'Bearer' }),
      );
      const ctx = {
        config,
        secrets: { HTTP_JSON_TOKEN: 'autre-jeton' },
        logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
        signal: new AbortController().signal,
        fetch: globalThis.fetch,
        progress: () => undefined,
      };
      const health = await plugin.healthCheck!(ctx);
      expect(health.ok).toBe(false);
      expect(health.message).toMatch(/^SOURCE_REFUSED : la source refuse l'accès \(HTTP 401\)/);
      expect(health.message).not.toContain('autre-jeton');
    });
  });

  describe('configuration', () => {
    const ok = baseConfig('https://api.exemple.fr');
    const refused = (patch: Record<string, unknown>) => {
      try {
        plugin.parseConfig!({ ...ok, ...patch });
      } catch (e) {
        return isPluginError(e) && e.code === 'CONFIG_INVALID' ? e.message : `autre erreur : ${String(e)}`;
      }
      return 'acceptée';
    };

    it('applies defaults', () => {
      const config = plugin.parseConfig!({
        url: 'https://api.exemple.fr/x',
        mapping: { indicator: { value: 'A' }, territory: { path: 't' }, period: { path: 'p' }, value: 'v' },
      });
      expect(config.pagination).toEqual({ mode: 'none' });
      expect(config.maxPages).toBe(1000);
      expect(config.itemsPath.segments).toEqual([]);
      expect(config.auth).toBeUndefined();
    });

    it('refuses what would fail later, in French', () => {
      expect(refused({ url: undefined })).toBe('« url » (adresse de l’API) est obligatoire');
      expect(refused({ url: 'https://api.exemple.fr/{anne}' })).toContain('variable inconnue {anne}');
      expect(refused({ url: 'https://api.exemple.fr/{page}', pagination: { mode: 'next-link' } })).toContain(
        'choisir la pagination « page »',
      );
      expect(refused({ url: 'https://api.exemple.fr/{territoire}' })).toContain('renseigner « territoires »');
      expect(refused({ url: 'ftp://api.exemple.fr/' })).toContain('http(s)');
      expect(refused({ url: 'https://moi:motdepasse@api.exemple.fr/' })).toContain('mot de passe');
      expect(refused({ itemsPath: 'data..results' })).toContain('chemin JSON illisible');
      expect(refused({ pagination: { mode: 'curseur' } })).toContain('« curseur » inconnu');
      expect(refused({ authSecret: 'mon-secret' })).toContain('MAJUSCULES');
      expect(
        refused({
          mapping: {
            indicator: { path: 'a', value: 'B' },
            territory: { path: 't' },
            period: { path: 'p' },
            value: 'v',
          },
        }),
      ).toContain('soit un chemin JSON');
      expect(
        refused({
          mapping: {
            indicator: { value: 'A' },
            territory: { path: 't' },
            period: { value: '{annee}' },
            value: 'v',
          },
        }),
      ).toContain('n’utilise pas');
      expect(
        refused({ mapping: { indicator: { value: 'A' }, territory: { path: 't' }, period: { path: 'p' } } }),
      ).toContain('au moins le chemin');
    });
  });
});
