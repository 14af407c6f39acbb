// Shared by `npm start` and `npm test`: installs dependencies and builds when needed, with Node built-ins only
// (these scripts run before node_modules exists).
import { execSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    process.stderr.write(
      `\nÉchec de « ${[cmd, ...args].join(' ')} » (code ${result.status ?? result.signal}).\n`,
    );
    process.exit(result.status ?? 1);
  }
}

function newestMtime(dir) {
  let newest = 0;
  if (!fs.existsSync(dir)) return newest;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else if (entry.name.endsWith('.ts') || entry.name === 'package.json' || entry.name.endsWith('.json')) {
      newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  }
  return newest;
}

export function ensureDependencies() {
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  const stale = !fs.existsSync(marker) || fs.statSync(lock).mtimeMs > fs.statSync(marker).mtimeMs;
  if (!stale) return;
  process.stdout.write(
    'Installation des dépendances (la première fois, SQLite est compilé : 1 à 3 minutes)…\n',
  );
  // No browser download: Chromium comes from the system package (see docs/operations.md).
  run('npm', ['ci', '--no-audit', '--no-fund'], {
    env: { ...process.env, PUPPETEER_SKIP_DOWNLOAD: 'true', SCARF_ANALYTICS: 'false' },
  });
}

export function ensureBuild() {
  const stamp = path.join(root, 'dist', '.build-stamp');
  const sources = Math.max(
    ...['apps', 'libs', 'plugins'].map((d) => newestMtime(path.join(root, d))),
    fs.statSync(path.join(root, 'tsconfig.json')).mtimeMs,
  );
  if (fs.existsSync(stamp) && fs.statSync(stamp).mtimeMs >= sources) return;
  process.stdout.write('Compilation…\n');
  run(process.execPath, [
    path.join(root, 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js'),
    'build',
    'server',
  ]);
  fs.writeFileSync(stamp, new Date().toISOString());
}

export function hasCommand(cmd) {
  try {
    execSync(`command -v ${cmd}`, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Where Chromium is: CHROMIUM_PATH, else Debian's package. */
export function chromiumPath() {
  for (const candidate of [
    process.env.CHROMIUM_PATH,
    '/usr/bin/chromium',
    '/usr/lib/chromium/chromium',
    '/usr/bin/chromium-browser',
  ]) {
    if (candidate && fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Bilans (PDF) and browser tests need Chromium from the system's packages (no browser is downloaded by npm here);
 * pdftotext (poppler-utils) reads the PDFs back in the tests. Installed with apt-get when running as root.
 */
export function ensureChromium() {
  if (chromiumPath() && hasCommand('pdftotext')) return;
  if (process.getuid?.() !== 0 || !hasCommand('apt-get')) {
    process.stdout.write(
      'Chromium (paquet « chromium ») et poppler-utils sont nécessaires aux bilans PDF : installez-les, ou indiquez CHROMIUM_PATH.\n',
    );
    return;
  }
  process.stdout.write('Installation de Chromium et de poppler-utils (paquets Debian, ~40 s)…\n');
  run('apt-get', ['update', '-qq'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  run(
    'apt-get',
    ['install', '-y', '-qq', '--no-install-recommends', 'chromium', 'poppler-utils', 'fonts-dejavu-core'],
    {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    },
  );
}
