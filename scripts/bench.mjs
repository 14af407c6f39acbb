// `npm run bench`: the performance targets of the issues, measured and printed (not a timed unit test).
// `npm run bench -- --write-docs` also refreshes the figures in docs/benchmarks.md.
import path from 'node:path';
import { ensureDependencies, root, run } from './ensure.mjs';

ensureDependencies();
run(process.execPath, [
  '--max-old-space-size=4096',
  '-r',
  path.join(root, 'scripts', 'ts-register.cjs'),
  path.join(root, 'test', 'bench', 'run.ts'),
  ...process.argv.slice(2),
]);
