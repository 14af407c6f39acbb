import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import puppeteer, { Browser, BrowserContext, Page } from 'puppeteer-core';
import type { RoleGrant } from '@cap-iae/access';
import { startTestApp, TestApp } from '../support/test-app';
import { testDbKind } from '../support/test-database';

/**
 * The dashboard in a real browser (Debian's Chromium driven by puppeteer-core): every page, for the public and each
 * role, must draw its charts, log no error, fail no request, ask nothing of any other host than the app, and pass an
 * axe-core audit without serious or critical violation. Screenshots land in test/artifacts/screenshots/.
 *
 * SQLite only: what is checked here is rendering, which does not depend on the database; the HTTP-level dashboard
 * tests (dashboard.e2e-spec.ts) run on PostgreSQL too. Skipping it there saves a browser launch in CI.
 */
const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/lib/chromium/chromium'].find(
  (p): p is string => Boolean(p && fs.existsSync(p)),
);
const run = testDbKind() === 'sqlite' && CHROMIUM !== undefined;
if (testDbKind() === 'sqlite' && !CHROMIUM)
  process.stderr.write(
    'Chromium introuvable (CHROMIUM_PATH) : test du tableau de bord dans le navigateur ignoré.\n',
  );

const SHOTS = path.resolve(__dirname, '..', 'artifacts', 'screenshots');

interface Visitor {
  name: string;
  grants: RoleGrant[];
  department: string;
  sources: boolean;
}

const VISITORS: Visitor[] = [
  { name: 'public', grants: [], department: '93', sources: false },
  { name: 'admin', grants: [{ role: 'admin', territory: 'REG-11' }], department: '75', sources: true },
  {
    name: 'cor_member',
    grants: [{ role: 'cor_member', territory: 'REG-11' }],
    department: '91',
    sources: true,
  },
  {
    name: 'cdiae_secretary',
    grants: [{ role: 'cdiae_secretary', territory: 'DEP-93' }],
    department: '93',
    sources: false,
  },
  {
    name: 'departmental_council',
    grants: [{ role: 'departmental_council', territory: 'DEP-77' }],
    department: '77',
    sources: false,
  },
  {
    name: 'data_manager',
    grants: [{ role: 'data_manager', territory: 'REG-11' }],
    department: '95',
    sources: true,
  },
];

function pagesFor(v: Visitor): { name: string; url: string; charts: boolean }[] {
  return [
    { name: 'accueil', url: '/', charts: true },
    { name: 'axe', url: '/axes/IDF-2021-2022/3?annee=2021', charts: true },
    { name: 'objectif', url: '/objectifs/IDF-2021-2022/3.2?annee=2021', charts: true },
    {
      name: 'indicateur',
      url: '/indicateurs/TX_SORTIES_DYNAMIQUES?territoire=DEP-93&series=departements',
      charts: true,
    },
    { name: 'departement', url: `/departements/${v.department}`, charts: true },
    ...(v.name === 'public'
      ? [
          { name: 'departements', url: '/departements', charts: true },
          { name: 'indicateurs', url: '/indicateurs', charts: false },
        ]
      : []),
    ...(v.sources ? [{ name: 'sources', url: '/sources', charts: false }] : []),
  ];
}

/* The callbacks given to page.evaluate run in the browser; the project compiles without the DOM library, so the few
 * DOM members they use are described here and reached through globalThis. */
interface DomElement {
  id: string;
  hidden: boolean;
  value: string;
  textContent: string | null;
  hasAttribute(name: string): boolean;
  getAttribute(name: string): string | null;
  querySelector(selector: string): DomElement | null;
  getBoundingClientRect(): { width: number; height: number };
}
interface BrowserGlobals {
  document: {
    documentElement: { lang: string };
    activeElement: DomElement | null;
    querySelectorAll(selector: string): ArrayLike<DomElement>;
    getElementById(id: string): DomElement | null;
  };
  getComputedStyle(el: DomElement): { outlineStyle: string };
  echarts?: { getInstanceByDom(el: DomElement): unknown };
  axe: { run(context: unknown): Promise<AxeResult> };
}

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
}

(run ? describe : describe.skip)('dashboard in the browser (sqlite)', () => {
  let t: TestApp;
  let browser: Browser;
  let origin: string;
  let profile: string;

  beforeAll(async () => {
    t = await startTestApp({ demo: true });
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    origin = `http://127.0.0.1:${port}`;
    profile = fs.mkdtempSync(path.join(os.tmpdir(), 'cap-iae-chromium-'));
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      userDataDir: profile,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-dev-shm-usage',
      ],
    });
    fs.mkdirSync(SHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    if (profile) fs.rmSync(profile, { recursive: true, force: true });
    await t?.close();
  });

  /** A fresh browser context per visitor (cookies of their own), signed in with the session t.as() opened. */
  async function contextFor(v: Visitor): Promise<BrowserContext> {
    const context = await browser.createBrowserContext();
    if (v.grants.length) {
      const caller = await t.as(v.grants, `navigateur-${v.name}@test.cap-iae.fr`);
      const [name, value] = caller.cookie.split('=');
      await context.setCookie({
        name,
        value,
        domain: '127.0.0.1',
        path: '/',
        httpOnly: true,
        sameSite: 'Lax',
      });
    }
    return context;
  }

  /** Watches one page: console errors, page errors, failed requests, and any request to another origin (blocked). */
  async function watched(context: BrowserContext) {
    const page: Page = await context.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    const problems: string[] = [];
    await page.setRequestInterception(true);
    page.on('request', (req) => {
      const url = req.url();
      if (url.startsWith('data:') || url.startsWith('blob:') || new URL(url).origin === origin) {
        void req.continue();
      } else {
        problems.push(`requête vers un autre hôte : ${url}`);
        void req.abort('blockedbyclient');
      }
    });
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console : ${m.text()}`);
    });
    page.on('pageerror', (e) =>
      problems.push(`erreur de script : ${e instanceof Error ? e.message : String(e)}`),
    );
    page.on('requestfailed', (r) =>
      problems.push(`requête échouée : ${r.url()} (${r.failure()?.errorText})`),
    );
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`réponse ${r.status()} : ${r.url()}`);
    });
    return { page, problems };
  }

  async function checkCharts(page: Page, url: string): Promise<number> {
    await page.waitForFunction(
      () =>
        Array.from((globalThis as unknown as BrowserGlobals).document.querySelectorAll('[data-chart]')).every(
          (el) => el.hasAttribute('data-chart-ready'),
        ),
      { timeout: 15_000 },
    );
    const charts = await page.evaluate(() => {
      const { document, echarts } = globalThis as unknown as BrowserGlobals;
      return Array.from(document.querySelectorAll('[data-chart]')).map((el) => {
        const surface = el.querySelector('canvas, svg');
        const box = surface?.getBoundingClientRect();
        return {
          id: el.id,
          ready: el.getAttribute('data-chart-ready'),
          instance: Boolean(echarts?.getInstanceByDom(el)),
          width: box?.width ?? 0,
          height: box?.height ?? 0,
          describedBy: (el.getAttribute('aria-describedby') ?? '')
            .split(' ')
            .filter(Boolean)
            .every((id) => document.getElementById(id) !== null),
        };
      });
    });
    for (const c of charts) {
      expect({ url, ...c }).toMatchObject({ url, ready: 'true', instance: true, describedBy: true });
      expect(c.width).toBeGreaterThan(0);
      expect(c.height).toBeGreaterThan(0);
    }
    return charts.length;
  }

  async function audit(page: Page, url: string): Promise<void> {
    await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
    const result = await page.evaluate(() => {
      const g = globalThis as unknown as BrowserGlobals;
      return g.axe.run(g.document);
    });
    const serious = result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v) =>
          `${url} — ${v.impact} ${v.id} (${v.help}) : ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
      );
    expect(serious).toEqual([]);
  }

  for (const visitor of VISITORS) {
    it(`draws every page for ${visitor.name}, accessible, with nothing from another host`, async () => {
      const context = await contextFor(visitor);
      try {
        const { page, problems } = await watched(context);
        for (const p of pagesFor(visitor)) {
          // « load », then the charts' own readiness flag: waiting for network silence would add half a second.
          const response = await page.goto(`${origin}${p.url}`, { waitUntil: 'load' });
          expect({ url: p.url, status: response?.status() }).toEqual({ url: p.url, status: 200 });
          expect(
            await page.evaluate(
              () => (globalThis as unknown as BrowserGlobals).document.documentElement.lang,
            ),
          ).toBe('fr');
          const count = await checkCharts(page, p.url);
          if (p.charts) expect(count).toBeGreaterThan(0);
          await audit(page, p.url);
          await page.screenshot({ path: path.join(SHOTS, `${visitor.name}-${p.name}.png`), fullPage: true });
          expect(problems).toEqual([]);
        }
      } finally {
        await context.close();
      }
    });
  }

  it('reaches the content with the skip link and shows where the keyboard focus is', async () => {
    const context = await browser.createBrowserContext();
    try {
      const { page, problems } = await watched(context);
      await page.goto(`${origin}/`, { waitUntil: 'networkidle0' });
      await page.keyboard.press('Tab');
      const skip = await page.evaluate(() => {
        const g = globalThis as unknown as BrowserGlobals;
        const el = g.document.activeElement!;
        return {
          text: el.textContent?.trim(),
          href: el.getAttribute('href'),
          outline: g.getComputedStyle(el).outlineStyle,
        };
      });
      expect(skip).toMatchObject({ text: 'Contenu', href: '#contenu' });
      expect(skip.outline).not.toBe('none');
      await page.keyboard.press('Enter');
      expect(
        await page.evaluate(() => (globalThis as unknown as BrowserGlobals).document.activeElement?.id),
      ).toBe('contenu');
      // The image button of a chart works from the keyboard: it is a real button, shown once the chart is drawn.
      const button = await page.$('[data-chart-png="graphique-avancement-axes"]');
      expect(await button?.evaluate((b) => (b as unknown as DomElement).hidden)).toBe(false);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('keeps filters in the URL: the form changes the address and the back button restores the page', async () => {
    const context = await browser.createBrowserContext();
    try {
      const { page, problems } = await watched(context);
      await page.goto(`${origin}/indicateurs/SIAE_NB`, { waitUntil: 'networkidle0' });
      await page.select('#territoire', 'DEP-93');
      await page.select('#annee', '2019');
      await Promise.all([
        page.waitForNavigation({ waitUntil: 'networkidle0' }),
        page.click('form.dashboard-filters button[type=submit]'),
      ]);
      const url = new URL(page.url());
      expect(url.searchParams.get('territoire')).toBe('DEP-93');
      expect(url.searchParams.get('annee')).toBe('2019');
      expect(
        await page.$eval('h2#evolution-titre', (h) => (h as unknown as DomElement).textContent),
      ).toContain('Seine-Saint-Denis');
      await page.goBack({ waitUntil: 'networkidle0' });
      expect(new URL(page.url()).search).toBe('');
      expect(await page.$eval('#territoire', (s) => (s as unknown as DomElement).value)).toBe('REG-11');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
