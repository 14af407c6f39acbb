import * as fs from 'node:fs';
import * as path from 'node:path';

let script: string | undefined;

/**
 * The chart builders (`chart-options.ts`) as a script for the browser, so that the dashboard draws its charts with
 * the very code that draws the bilans'. Compiled, the module is read from the build; run from the sources (tests,
 * development), it is transpiled once with TypeScript. Either way it is CommonJS: it runs with an `exports` object of
 * its own and is published as `window.capIaeChartOptions`.
 */
export function chartOptionsBrowserScript(): string {
  script ??= wrap(moduleCode());
  return script;
}

function moduleCode(): string {
  const compiled = path.join(__dirname, 'chart-options.js');
  if (fs.existsSync(compiled)) return fs.readFileSync(compiled, 'utf8');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require('typescript') as typeof import('typescript');
  const source = fs.readFileSync(path.join(__dirname, 'chart-options.ts'), 'utf8');
  return ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 },
  }).outputText;
}

function wrap(code: string): string {
  const body = code.replace(/^\/\/# sourceMappingURL=.*$/m, '');
  // A run-time import would have nothing to resolve it in a browser: the module must stay free of them.
  if (/\brequire\(/.test(body))
    throw new Error('chart-options.ts ne doit rien importer à l’exécution (types seulement).');
  return [
    '/* Cap IAE — constructeurs des graphiques, les mêmes que ceux des bilans PDF (libs/reporting/src/charts/chart-options.ts). */',
    '(function () {',
    '  var exports = {};',
    body,
    '  window.capIaeChartOptions = exports;',
    '})();',
    '',
  ].join('\n');
}
