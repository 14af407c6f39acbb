// `npm test`: installs what is missing, builds (the CLI tests run the compiled CLI), then runs every test on SQLite
// and, when DATABASE_URL points at a PostgreSQL server, the end-to-end tests again on PostgreSQL.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ensureBuild, ensureChromium, ensureDependencies, root } from './ensure.mjs';

ensureDependencies();
ensureChromium();
ensureBuild();

const artifacts = path.join(root, 'test', 'artifacts');
fs.mkdirSync(artifacts, { recursive: true });
const jest = path.join(root, 'node_modules', 'jest', 'bin', 'jest.js');
const extra = process.argv.slice(2);

function runJest(label, env, args) {
  const out = path.join(artifacts, `jest-${label}.json`);
  process.stdout.write(`\n=== Tests ${label} ===\n`);
  const r = spawnSync(process.execPath, [jest, '--json', `--outputFile=${out}`, ...args, ...extra], {
    cwd: root,
    stdio: 'inherit',
    env,
  });
  const summary = fs.existsSync(out)
    ? JSON.parse(fs.readFileSync(out, 'utf8'))
    : { numPassedTests: 0, numFailedTests: 1 };
  return { status: r.status ?? 1, passed: summary.numPassedTests, failed: summary.numFailedTests };
}

const { DATABASE_URL, ...withoutPostgres } = process.env;
const results = [runJest('sqlite', { ...withoutPostgres, TEST_DB: 'sqlite' }, [])];
if (DATABASE_URL) {
  results.push(runJest('postgresql', { ...process.env, TEST_DB: 'postgres' }, ['--selectProjects', 'e2e']));
} else {
  process.stdout.write(
    '\nDATABASE_URL absent : les tests de bout en bout ne sont pas rejoués sur PostgreSQL.\n',
  );
}
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exit(results.some((r) => r.status !== 0) || failed > 0 ? 1 : 0);
