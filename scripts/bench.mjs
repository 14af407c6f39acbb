// `npm run bench`: the performance targets of the issues, measured and printed (not a timed unit test).
// `npm run bench -- --write-docs` also refreshes the figures in docs/benchmarks.md.
import path from 'node:path';
import { ensureBuild, ensureDependencies, root, run } from './ensure.mjs';

ensureDependencies();
ensureBuild();
// The libraries run from the compiled build, as in production; only the benchmark scripts are transpiled.
process.env.CAP_IAE_USE_DIST = '1';
const script = [
  '--expose-gc',
  '--max-old-space-size=4096',
  '-r',
  path.join(root, 'scripts', 'ts-register.cjs'),
  path.join(root, 'test', 'bench', 'run.ts'),
];
// One process per benchmark: memory figures must not include what the previous one left behind.
run(process.execPath, [...script, '--only=store', ...process.argv.slice(2)]);
run(process.execPath, [...script, '--only=csv', ...process.argv.slice(2)]);
run(process.execPath, [...script, '--only=dashboard', ...process.argv.slice(2)]);
run(process.execPath, [...script, '--only=bilans', ...process.argv.slice(2)]);
