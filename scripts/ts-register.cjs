// Lets `node -r ./scripts/ts-register.cjs file.ts` run TypeScript from the sources (benchmarks, one-off tools):
// each file is transpiled on load, and `@cap-iae/<lib>` resolves to libs/<lib>/src as tsconfig's paths say.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const ts = require('typescript');

const root = path.resolve(__dirname, '..');
const { compilerOptions } = ts.readConfigFile(path.join(root, 'tsconfig.json'), ts.sys.readFile).config;
const options = ts.convertCompilerOptionsFromJson(compilerOptions, root).options;
options.sourceMap = false;
options.inlineSourceMap = true;

// With CAP_IAE_USE_DIST=1 the libraries come from the compiled build (as in production), and only the entry script
// is transpiled: benchmarks then measure the app, not the TypeScript compiler.
const useDist = process.env.CAP_IAE_USE_DIST === '1';
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  const m = /^@cap-iae\/([^/]+)(\/.*)?$/.exec(request);
  if (m && m[1] !== 'cli')
    request = path.join(root, ...(useDist ? ['dist', 'libs'] : ['libs']), m[1], 'src', m[2] ?? '');
  return resolve.call(this, request, parent, ...rest);
};

require.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions: options, fileName: filename });
  module._compile(outputText, filename);
};
