// `npm start`: install what is missing, build, prepare the database (migrations, reference data, demo data the first
// time) and serve on http://localhost:3000 (PORT to change it).
import path from 'node:path';
import { ensureBuild, ensureChromium, ensureDependencies, root, run } from './ensure.mjs';

ensureDependencies();
ensureChromium();
ensureBuild();
run(process.execPath, [path.join(root, 'dist', 'apps', 'server', 'src', 'main.js')]);
