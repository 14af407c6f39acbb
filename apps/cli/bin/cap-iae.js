#!/usr/bin/env node
'use strict';
// The CLI runs from the compiled output so that it starts fast and needs no TypeScript at run time.
const path = require('node:path');
const fs = require('node:fs');
const entry = path.join(__dirname, '..', '..', '..', 'dist', 'apps', 'cli', 'src', 'main.js');
if (!fs.existsSync(entry)) {
  process.stderr.write("Cap IAE n'est pas compilé : lancez d'abord « npm run build » (ou « npm start »).\n");
  process.exit(1);
}
require(entry);
