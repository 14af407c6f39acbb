import * as fs from 'node:fs';
import type { Browser, HTTPRequest, Page, PuppeteerNode } from 'puppeteer-core';
import { DomainError } from '@cap-iae/shared';

/**
 * Puppeteer is loaded on the first bilan, not at start: a server or a command that renders nothing (an import, a
 * migration) does not pay its memory.
 */
function puppeteer(): PuppeteerNode {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('puppeteer-core') as { default: PuppeteerNode }).default;
}

/** One request Chromium tried to make while rendering a bilan, and what became of it. */
export interface RequestLogEntry {
  url: string;
  /** `false` only for `data:` URLs: nothing else is allowed to load. */
  allowed: boolean;
  at: string;
}

export interface ChromiumPoolOptions {
  /** `null`: CHROMIUM_PATH unset; the usual Debian locations are tried. */
  executablePath: string | null;
  /** Pages rendering at the same time; each is reused from one bilan to the next. */
  size: number;
}

/** The binary before the wrapper: Debian's /usr/bin/chromium is a shell script that prints a warning. */
const CANDIDATES = [
  '/usr/lib/chromium/chromium',
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
];

export function findChromium(configured: string | null): string {
  const found = configured
    ? fs.existsSync(configured)
      ? configured
      : undefined
    : CANDIDATES.find((c) => fs.existsSync(c));
  if (!found)
    throw new DomainError(
      'CONFIGURATION',
      configured
        ? `Chromium est introuvable à l’emplacement indiqué par CHROMIUM_PATH (« ${configured} »).`
        : 'Chromium est introuvable : installez le paquet « chromium » (Debian) ou indiquez son chemin dans CHROMIUM_PATH.',
    );
  return found;
}

interface PooledPage {
  page: Page;
  /** Requests of the render under way on this page. */
  log: RequestLogEntry[];
}

const LOG_LIMIT = 500;

/**
 * One Chromium for the whole process, launched on first use and reused, with a small pool of pages: launching a browser
 * costs more than rendering a bilan. Pages run with JavaScript off and every request intercepted: only `data:` URLs
 * (the embedded fonts and images) may load, everything else is aborted and logged, so that rendering a template never
 * reaches the network, whatever the template contains.
 */
export class ChromiumPool {
  private browser: Browser | null = null;
  private launching: Promise<Browser> | null = null;
  private readonly idle: PooledPage[] = [];
  private open = 0;
  private readonly waiting: { resolve: (p: PooledPage) => void; reject: (e: unknown) => void }[] = [];
  private closed = false;
  /** Every request seen since start (the last 500), for checks and diagnostics. */
  readonly requestLog: RequestLogEntry[] = [];

  constructor(private readonly options: ChromiumPoolOptions) {}

  /** Process id of Chromium's main process, for memory measurements; `null` before the first render. */
  browserPid(): number | null {
    return this.browser?.process()?.pid ?? null;
  }

  /** Runs `work` on a pooled page; the requests it caused are passed to it for the caller's report. */
  async use<T>(work: (page: Page, requests: RequestLogEntry[]) => Promise<T>): Promise<T> {
    const pooled = await this.acquire();
    pooled.log = [];
    let healthy = true;
    try {
      return await work(pooled.page, pooled.log);
    } catch (e) {
      // A page that failed may be in any state (crashed, navigating): it is replaced rather than reused.
      healthy = false;
      throw e;
    } finally {
      this.release(pooled, healthy);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const browser = this.browser ?? (this.launching ? await this.launching.catch(() => null) : null);
    this.browser = null;
    this.launching = null;
    this.idle.length = 0;
    this.open = 0;
    if (browser) await browser.close().catch(() => undefined);
  }

  private async launch(): Promise<Browser> {
    if (this.browser?.connected) return this.browser;
    if (!this.launching) {
      const executablePath = findChromium(this.options.executablePath);
      const args = [
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-extensions',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-default-apps',
        '--disable-domain-reliability',
        '--disable-sync',
        '--no-first-run',
        '--mute-audio',
        '--font-render-hinting=none',
        // Belt and braces behind request interception: anything that escaped it would meet a dead proxy.
        '--proxy-server=http://127.0.0.1:9',
        '--proxy-bypass-list=<-loopback>',
      ];
      // Chromium refuses to start as root with its sandbox; it renders only our own templates, scripts disabled.
      if (process.getuid?.() === 0) args.push('--no-sandbox');
      this.launching = puppeteer()
        .launch({ executablePath, headless: true, pipe: true, args, timeout: 30_000 })
        .then((browser) => {
          this.browser = browser;
          browser.on('disconnected', () => {
            if (this.browser === browser) {
              this.browser = null;
              this.idle.length = 0;
              this.open = 0;
            }
          });
          return browser;
        })
        .finally(() => {
          this.launching = null;
        });
    }
    return this.launching;
  }

  private async newPage(): Promise<PooledPage> {
    const browser = await this.launch();
    const page = await browser.newPage();
    const pooled: PooledPage = { page, log: [] };
    await page.setJavaScriptEnabled(false);
    await page.setRequestInterception(true);
    page.on('request', (request: HTTPRequest) => {
      const url = request.url();
      const allowed = url.startsWith('data:');
      const entry = {
        url: url.length > 200 ? `${url.slice(0, 200)}…` : url,
        allowed,
        at: new Date().toISOString(),
      };
      pooled.log.push(entry);
      this.requestLog.push(entry);
      if (this.requestLog.length > LOG_LIMIT) this.requestLog.splice(0, this.requestLog.length - LOG_LIMIT);
      const handled = allowed ? request.continue() : request.abort('blockedbyclient');
      handled.catch(() => undefined);
    });
    return pooled;
  }

  private async acquire(): Promise<PooledPage> {
    if (this.closed) throw new DomainError('INTERNAL', 'Le moteur de rendu des bilans est arrêté.');
    const free = this.idle.pop();
    if (free && !free.page.isClosed()) return free;
    if (this.open < this.options.size) {
      this.open += 1;
      try {
        return await this.newPage();
      } catch (e) {
        this.open -= 1;
        if (e instanceof DomainError) throw e;
        throw new DomainError(
          'INTERNAL',
          `Chromium n’a pas pu démarrer : ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
        );
      }
    }
    return new Promise<PooledPage>((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private release(pooled: PooledPage, healthy: boolean): void {
    if (!healthy || pooled.page.isClosed() || !this.browser) {
      this.open = Math.max(0, this.open - 1);
      pooled.page.close().catch(() => undefined);
      const next = this.waiting.shift();
      if (next) {
        this.open += 1;
        this.newPage().then(next.resolve, (e: unknown) => {
          this.open -= 1;
          next.reject(e);
        });
      }
      return;
    }
    const next = this.waiting.shift();
    if (next) next.resolve(pooled);
    else this.idle.push(pooled);
  }
}
