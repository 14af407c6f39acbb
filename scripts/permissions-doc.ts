import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONTROLLERS } from '../apps/server/src/app.module';
import { renderPermissionsDoc, routeCatalog } from '../apps/server/src/access/route-catalog';

const file = path.resolve(__dirname, '..', 'docs', 'permissions.md');
fs.writeFileSync(file, renderPermissionsDoc(routeCatalog(CONTROLLERS)));
process.stdout.write(`docs/permissions.md régénéré (${routeCatalog(CONTROLLERS).length} routes).\n`);
