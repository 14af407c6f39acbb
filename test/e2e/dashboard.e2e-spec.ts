import ExcelJS from 'exceljs';
import type { Response } from 'superagent';
import * as vm from 'node:vm';
import { buildChartOption, TerritoryBarsInput, territoryBarsOption } from '@cap-iae/reporting';
import type { ChartPayload } from '../../apps/server/src/dashboard/dashboard-format';
import { startTestApp, TestApp } from '../support/test-app';

/** Handlebars escapes these in text and attributes; the tests read pages as a person would. */
function decode(html: string): string {
  return html
    .replace(/&#x27;/g, "'")
    .replace(/&#x3D;/g, '=')
    .replace(/&#x60;/g, '`')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function text(html: string): string {
  // Only markup whitespace is collapsed: the no-break spaces of French numbers are part of the text.
  return decode(html.replace(/<[^>]+>/g, ''))
    .replace(/[ \t\r\n]+/g, ' ')
    .trim();
}

/** The description of a chart the page hands to the browser script. */
function chartPayload(html: string, id: string): ChartPayload {
  const m = new RegExp(`<script type="application/json" id="${id}-donnees">([\\s\\S]*?)</script>`).exec(html);
  if (!m) throw new Error(`graphique absent de la page : ${id}`);
  return JSON.parse(m[1]) as ChartPayload;
}

/** An option without its functions (axis label formatters), to compare two options as data. */
function asData(option: unknown): unknown {
  return JSON.parse(JSON.stringify(option));
}

interface PageTable {
  caption: string;
  header: string[];
  rows: string[][];
}

/** The table `<table id="<id>-table">` of a page: its caption, column labels and cell texts. */
function pageTable(html: string, id: string): PageTable {
  const m = new RegExp(`<table id="${id}-table">([\\s\\S]*?)</table>`).exec(html);
  if (!m) throw new Error(`tableau absent de la page : ${id}`);
  const caption = text(/<caption>([\s\S]*?)<\/caption>/.exec(m[1])![1]);
  const rows = [...m[1].matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) =>
    [...r[1].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => text(c[1])),
  );
  return { caption, header: rows[0], rows: rows.slice(1) };
}

/** `;`-separated, quotes doubled, as the exports write it. */
function parseCsv(body: string): string[][] {
  expect(body.startsWith('\ufeff')).toBe(true);
  const rows: string[][] = [];
  for (const line of body.slice(1).split('\r\n').filter(Boolean)) {
    const cells: string[] = [];
    let cell = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (quoted) {
        if (ch === '"' && line[i + 1] === '"') {
          cell += '"';
          i++;
        } else if (ch === '"') quoted = false;
        else cell += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ';') {
        cells.push(cell);
        cell = '';
      } else cell += ch;
    }
    cells.push(cell);
    rows.push(cells);
  }
  return rows;
}

/** A figure as printed on a page (« 1 234,5 ETP », « 35,2 % », « 88 400 000 € ») back to a number. */
function frNumber(printed: string): number | undefined {
  const m = /^[+−-]?[\d\s\u202f\u00a0]+(,\d+)?/.exec(printed.trim());
  if (!m) return undefined;
  return Number(
    m[0]
      .replace(/[\s\u202f\u00a0+]/g, '')
      .replace(',', '.')
      .replace('−', '-'),
  );
}

/** Every exported row equals the page's row: numbers as numbers, texts as printed. */
function expectSameTable(page: PageTable, exported: (string | number)[][]) {
  expect(exported[0]).toEqual(page.header);
  expect(exported.length - 1).toBe(page.rows.length);
  page.rows.forEach((row, r) => {
    row.forEach((cell, c) => {
      const out = exported[r + 1][c];
      if (typeof out === 'number') expect(frNumber(cell)).toBeCloseTo(out, 6);
      else expect(String(out)).toBe(cell === '' ? '' : cell);
    });
  });
}

function csvAsValues(rows: string[][]): (string | number)[][] {
  // A CSV number has a decimal comma and nothing else; everything else is text as printed.
  return rows.map((r, i) =>
    r.map((c) => (i > 0 && /^-?\d+(,\d+)?$/.test(c) ? Number(c.replace(',', '.')) : c)),
  );
}

async function xlsxRows(buffer: Buffer): Promise<(string | number)[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  const rows: (string | number)[][] = [];
  sheet.eachRow((row) => {
    const values = (row.values as unknown[]).slice(1);
    // Every cell the export writes is a number or a string.
    rows.push(values.map((v) => (typeof v === 'number' ? v : typeof v === 'string' ? v : '')));
  });
  return rows;
}

function binary(res: Response, callback: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
}

describe(`dashboard pages (${process.env.TEST_DB ?? 'sqlite'})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ demo: true });
  });
  afterAll(() => t.close());

  // Decoded once, so that URLs and texts read as in a browser (Handlebars writes « = » as an entity).
  const page = async (url: string, status = 200) =>
    decode((await t.http().get(url).set('Accept', 'text/html').expect(status)).text);

  it('shows on the Accueil the key figures the API gives, written in French', async () => {
    const html = await page('/');
    expect(html).toContain('<html lang="fr"');
    expect(html).not.toMatch(/(src|href)="https?:\/\//);
    for (const code of ['SIAE_NB', 'SAL_INSERTION_NB', 'ETP_INSERTION', 'TX_SORTIES_DYNAMIQUES']) {
      const tile = new RegExp(
        `data-indicateur="${code}"[\\s\\S]*?data-valeur>([^<]*)<[\\s\\S]*?data-annee>(\\d{4})<`,
      ).exec(html);
      expect(tile).not.toBeNull();
      const [, printed, year] = tile!;
      // The public sees validated values only: 2022 is still provisional in the demo data.
      expect(year).toBe('2021');
      const api = await t
        .http()
        .get('/api/v1/rollup')
        .query({ indicator: code, region: 'REG-11', period: year })
        .expect(200);
      expect(decode(printed)).toBe(api.body.formattedValue);
    }
    expect(html).toContain('Mis à jour le');
    expect(html).toContain('Données de démonstration (générées)');
  });

  it('counts on each axis card the statuses of the progress API, each indicator once', async () => {
    const html = await page('/?strategie=IDF-2021-2022&annee=2021');
    const progress = await t
      .http()
      .get('/api/v1/progress')
      .query({ strategy: 'IDF-2021-2022', territory: 'REG-11', year: 2021 })
      .expect(200);
    const body = progress.body as {
      objectives: { number: string; indicators: { indicator: { code: string }; status: string }[] }[];
    };
    const table = pageTable(html, 'avancement-axes');
    expect(table.header).toEqual(['Axe', 'Atteint', 'En bonne voie', 'En retard', 'Non renseigné', 'Total']);
    for (const axis of [1, 2, 3, 4]) {
      const statuses = new Map<string, string>();
      for (const o of body.objectives.filter((x) => x.number.startsWith(`${axis}.`)))
        for (const i of o.indicators) statuses.set(i.indicator.code, i.status);
      const count = (s: string) => String([...statuses.values()].filter((v) => v === s).length);
      const row = table.rows.find((r) => r[0].startsWith(`Axe ${axis} `))!;
      expect(row.slice(1)).toEqual([
        count('atteint'),
        count('en_bonne_voie'),
        count('en_retard'),
        count('non_renseigne'),
        String(statuses.size),
      ]);
      // The card says the same in words (its text equivalent of the stacked bar).
      expect(html).toMatch(
        new RegExp(`data-axe="${axis}"[\\s\\S]*?En retard : <strong>${count('en_retard')}</strong>`),
      );
    }
    // The chart has its data, and is described by the table.
    expect(html).toContain('aria-describedby="avancement-axes-table"');
    expect(html).toContain('id="graphique-avancement-axes-donnees"');
  });

  it('exports every table as CSV and XLSX equal to the page, filters kept', async () => {
    const cases: { url: string; tables: string[] }[] = [
      { url: '/?strategie=IDF-2018-2020&annee=2019', tables: ['avancement-axes'] },
      { url: '/axes/IDF-2021-2022/3?annee=2021', tables: ['indicateurs'] },
      { url: '/objectifs/IDF-2021-2022/3.2?annee=2021', tables: ['indicateurs'] },
      {
        url: '/indicateurs/SAL_INSERTION_NB?territoire=DEP-93&annee=2020&ventilation=siae_type',
        tables: ['serie', 'ventilation', 'classement', 'provenance'],
      },
      {
        url: '/departements/77?strategie=IDF-2021-2022&annee=2021',
        tables: ['indicateurs', 'ecarts-taux', 'parts-region'],
      },
      { url: '/departements?annee=2021', tables: ['departements'] },
      { url: '/indicateurs', tables: ['catalogue'] },
    ];
    for (const c of cases) {
      const html = await page(c.url);
      for (const id of c.tables) {
        const table = pageTable(html, id);
        expect(table.rows.length).toBeGreaterThan(0);
        const [path, query] = c.url.split('?');
        const params = new URLSearchParams(query ?? '');
        // The export links are the page's own URL with its filters, plus the format and the table.
        const link = new RegExp(`id="${id}"[\\s\\S]*?href="([^"]*format=csv[^"]*)"`).exec(html)![1];
        for (const [k, v] of params) expect(link).toContain(`${k}=${encodeURIComponent(v)}`);
        params.set('table', id);
        params.set('format', 'csv');
        const csv = await t.http().get(`${path}?${params.toString()}`).expect(200);
        expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
        expect(csv.headers['content-disposition']).toContain(`-${id}.csv`);
        expectSameTable(table, csvAsValues(parseCsv(csv.text)));
        params.set('format', 'xlsx');
        const xlsx = await t
          .http()
          .get(`${path}?${params.toString()}`)
          .buffer(true)
          .parse(binary)
          .expect(200);
        expectSameTable(table, await xlsxRows(xlsx.body as Buffer));
      }
    }
    await t.http().get('/?format=pdf&table=avancement-axes').set('Accept', 'application/json').expect(400);
    const unknown = await t
      .http()
      .get('/?format=csv&table=nope')
      .set('Accept', 'application/json')
      .expect(400);
    expect(unknown.body.errors[0].message).toContain('tableau inconnu');
  });

  it('neutralises spreadsheet formulas in exported text', async () => {
    const admin = await t.as([{ role: 'data_manager', territory: 'REG-11' }]);
    const records = [
      {
        indicator: 'CDIAE_REUNIONS_NB',
        territory: 'DEP-95',
        period: '2021',
        value: 7,
        sourceLabel: '=HYPERLINK("http://exemple.invalid")',
        status: 'provisional',
      },
    ];
    await admin.post('/api/v1/observations').send({ records }).expect(200);
    await admin
      .post('/api/v1/observations/validation')
      .send({ keys: [{ indicator: 'CDIAE_REUNIONS_NB', territory: 'DEP-95', period: '2021' }] })
      .expect(200);
    const csv = await t
      .http()
      .get('/indicateurs/CDIAE_REUNIONS_NB?territoire=DEP-95&annee=2021&format=csv&table=provenance')
      .expect(200);
    const row = parseCsv(csv.text).find((r) => r[0] === '2021')!;
    expect(row[4]).toBe('\'=HYPERLINK("http://exemple.invalid")');
  });

  it('keeps the filters in the URL, says when a year is out of the strategy, and refuses bad ones in French', async () => {
    const html = await page('/?strategie=IDF-2018-2020&annee=2019');
    expect(html).toMatch(/<option value="IDF-2018-2020" selected>/);
    expect(html).toMatch(/<option value="2019" selected>/);
    expect(html).toContain('href="/axes/IDF-2018-2020/1?annee=2019"');
    const clamped = await page('/?strategie=IDF-2018-2020&annee=2022');
    expect(clamped).toContain('L’année 2022 n’appartient pas à la stratégie 2018-2020 : 2020 est affichée.');
    const bad = await page('/?annee=deux-mille', 400);
    expect(bad).toContain('année attendue (ex. 2021)');
    await page('/?strategie=INCONNUE', 404);
    const ind = await page(
      '/indicateurs/SIAE_NB?territoire=DEP-93&annee=2019&ventilation=siae_type&series=departements',
    );
    expect(ind).toMatch(/<option value="DEP-93" selected>/);
    expect(ind).toMatch(/<option value="2019" selected>/);
    expect(ind).toMatch(/<option value="siae_type" selected>/);
    expect(ind).toMatch(/id="series-departements" name="series" checked/);
    expect(ind).toContain('Départements classés en 2019');
    const wrong = await page('/indicateurs/SIAE_NB?territoire=DEP-13', 400);
    expect(wrong).toContain('doit être REG-11 ou l’un de ses départements');
    await page('/indicateurs/SIAE_NB?ventilation=sex', 400);
    await page('/indicateurs/INCONNU', 404);
    await page('/axes/IDF-2021-2022/9', 404);
    await page('/objectifs/IDF-2021-2022/9.9', 404);
    await page('/departements/13', 404);
    await page('/departements/SIAE_NB', 404);
  });

  it('shows the indicator for the région and each département, with the map, ranking and provenance', async () => {
    const html = await page('/indicateurs/SIAE_NB?annee=2021');
    const serie = pageTable(html, 'serie');
    expect(serie.header).toEqual(['Année', 'Île-de-France', 'Cible (Île-de-France)']);
    const withDeps = pageTable(await page('/indicateurs/SIAE_NB?annee=2021&series=departements'), 'serie');
    expect(withDeps.header).toHaveLength(11);
    const ranking = pageTable(html, 'classement');
    expect(ranking.rows).toHaveLength(8);
    // Ranked from the highest value down (a rise is wanted), and the eight add up to the région's 2021 value.
    const values = ranking.rows.map((r) => frNumber(r[2])!);
    expect([...values].sort((a, b) => b - a)).toEqual(values);
    const api = await t
      .http()
      .get('/api/v1/rollup')
      .query({ indicator: 'SIAE_NB', region: 'REG-11', period: '2021' });
    expect(values.reduce((a, b) => a + b, 0)).toBe(api.body.computed.value);
    expect(html).toContain('id="carte-departements"');
    // The ranking chart draws the table's figures, written as the table writes them.
    const rankingChart = chartPayload(html, 'graphique-classement');
    expect(rankingChart.chart.builder).toBe('territoryBars');
    const bars = (rankingChart.chart.input as TerritoryBarsInput).bars;
    expect(bars.map((b) => b.value)).toEqual(values);
    expect(bars.map((b) => b.text)).toEqual(ranking.rows.map((r) => r[2]));
    expect(chartPayload(html, 'carte-departements').chart.builder).toBe('departmentsMap');
    const provenance = pageTable(html, 'provenance');
    expect(provenance.header).toContain('Démonstration');
    expect(provenance.rows.find((r) => r[0] === '2016')![4]).toContain('Stratégie 2018-2020');
    expect(provenance.rows.find((r) => r[0] === '2021')![9]).toBe('oui');
  });

  it('compares a département with its région and shows plans and funding to those who may read them', async () => {
    const pub = await page('/departements/93');
    const table = pageTable(pub, 'indicateurs');
    expect(table.header.slice(2, 5)).toEqual(['Seine-Saint-Denis', 'Année', 'Île-de-France']);
    expect(table.rows.length).toBeGreaterThan(40);
    expect(pub).toContain('connectez-vous');
    expect(pub).not.toContain('href="/plans?departement=DEP-93');
    expect(pub).toContain(`href="/connexion?suite=${encodeURIComponent('/financements?territoire=DEP-93')}"`);
    const secretary = await t.as([{ role: 'cdiae_secretary', territory: 'DEP-93' }]);
    const own = decode((await secretary.get('/departements/93').set('Accept', 'text/html').expect(200)).text);
    expect(own).toContain('href="/plans?departement=DEP-93&strategie=IDF-2021-2022&annee=2022"');
    expect(own).toContain('href="/financements?territoire=DEP-93"');
    // The summaries come from the plans and funding read services (demo plans and funding lines).
    expect(own).toMatch(/Plan d’actions 2022 : |Aucun plan d’actions n’est enregistré pour 2022\./);
    expect(own).toMatch(/engagés en 2022|Aucune ligne de financement n’est saisie pour 2022\./);
    const council = await t.as([{ role: 'departmental_council', territory: 'DEP-77' }]);
    const other = decode((await council.get('/departements/93').set('Accept', 'text/html').expect(200)).text);
    expect(other).not.toContain('href="/financements?territoire=DEP-93"');
    const ownFunding = decode(
      (await council.get('/departements/77').set('Accept', 'text/html').expect(200)).text,
    );
    expect(ownFunding).toContain('href="/financements?territoire=DEP-77"');
  });

  it('lists the sources and their last run on the Accueil only for those who may read them', async () => {
    expect(await page('/')).not.toContain('Dernière exécution de chaque source');
    const admin = await t.as([{ role: 'admin', territory: 'REG-11' }]);
    const html = (await admin.get('/').set('Accept', 'text/html').expect(200)).text;
    expect(html).toContain('Dernière exécution de chaque source');
    expect(html).toContain('href="/sources"');
  });

  it('serves ECharts and the map from the app itself', async () => {
    const js = await t.http().get('/vendor/echarts.min.js').expect(200);
    expect(js.headers['content-type']).toContain('javascript');
    await t.http().get('/vendor/echarts-fr.js').expect(200);
    const svg = await t.http().get('/vendor/france-departements.svg').expect(200);
    expect(svg.headers['content-type']).toContain('svg');
    await t.http().get('/static/js/dashboard.js').expect(200);
    await t.http().get('/static/dashboard.css').expect(200);
    await t.http().post('/vendor/echarts.min.js').set('Accept', 'application/json').expect(404);
  });

  it('draws its charts with the builders of the bilans, served to the browser', async () => {
    const res = await t.http().get('/vendor/cap-iae-graphiques.js').expect(200);
    expect(res.headers['content-type']).toContain('javascript');
    await t.http().get('/vendor/cap-iae-graphiques.js').set('If-None-Match', res.headers.etag).expect(304);
    // The script as a browser runs it: it publishes the builders on `window`.
    const sandbox = { window: {} as { capIaeChartOptions?: { buildChartOption: typeof buildChartOption } } };
    vm.runInNewContext(res.text, sandbox);
    const browser = sandbox.window.capIaeChartOptions!;
    const pages = [
      ['/?strategie=IDF-2021-2022&annee=2021', ['graphique-avancement-axes']],
      [
        '/indicateurs/SIAE_NB?annee=2021&territoire=DEP-93',
        ['graphique-serie', 'graphique-classement', 'carte-departements'],
      ],
      ['/departements/93?strategie=IDF-2021-2022&annee=2021', ['graphique-ecarts-taux', 'carte-departement']],
    ] as const;
    for (const [url, ids] of pages) {
      const html = await page(url);
      for (const id of ids) {
        const { chart } = chartPayload(html, id);
        const inBrowser = browser.buildChartOption(chart);
        // The same option as the server's builders give, the axis formatters included.
        expect(asData(inBrowser)).toEqual(asData(buildChartOption(chart)));
        const yAxis = (inBrowser as { yAxis?: { axisLabel?: { formatter?: unknown } } }).yAxis;
        if (chart.builder === 'series') expect(typeof yAxis?.axisLabel?.formatter).toBe('function');
      }
    }
    // And the bilans draw their comparisons of départements with that builder too.
    const input: TerritoryBarsInput = {
      format: 'percent',
      bars: [{ label: '93', value: 12.5, text: '12,5 %' }],
    };
    expect(asData(browser.buildChartOption({ builder: 'territoryBars', input }))).toEqual(
      asData(territoryBarsOption(input)),
    );
  });

  it('shows a new value as soon as it is validated (the page cache follows writes)', async () => {
    const before = await page('/');
    expect(before).toMatch(/data-indicateur="SIAE_NB"[\s\S]*?data-annee>2021</);
    const manager = await t.as([{ role: 'data_manager', territory: 'REG-11' }]);
    // The demo's 2022 values are provisional: validating the région's own value makes it the latest public one.
    await manager
      .post('/api/v1/observations/validation')
      .send({ keys: [{ indicator: 'SIAE_NB', territory: 'REG-11', period: '2022' }] })
      .expect(200);
    const after = await page('/');
    const api = await t
      .http()
      .get('/api/v1/rollup')
      .query({ indicator: 'SIAE_NB', region: 'REG-11', period: '2022' });
    const tile = /data-indicateur="SIAE_NB"[\s\S]*?data-valeur>([^<]*)<[\s\S]*?data-annee>(\d{4})</.exec(
      after,
    )!;
    expect(tile[2]).toBe('2022');
    expect(decode(tile[1])).toBe(api.body.formattedValue);
    // A write through the store (a corrected value) shows at once as well.
    await manager
      .post('/api/v1/observations')
      .send({ records: [{ indicator: 'SIAE_NB', territory: 'REG-11', period: '2022', value: 501 }] })
      .expect(200);
    await manager
      .post('/api/v1/observations/validation')
      .send({ keys: [{ indicator: 'SIAE_NB', territory: 'REG-11', period: '2022' }] })
      .expect(200);
    expect(await page('/')).toMatch(/data-indicateur="SIAE_NB"[\s\S]*?data-valeur>501</);
  });
});
