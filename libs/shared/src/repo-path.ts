import * as fs from 'node:fs';
import * as path from 'node:path';

let root: string | undefined;

/** The repository root, found the same way from sources (ts-jest) and from the compiled `dist/` tree. */
export function repoPath(...parts: string[]): string {
  if (!root) {
    let dir = __dirname;
    while (!fs.existsSync(path.join(dir, 'nest-cli.json'))) {
      const parent = path.dirname(dir);
      if (parent === dir) throw new Error('Racine du dépôt Cap IAE introuvable (nest-cli.json absent).');
      dir = parent;
    }
    root = dir;
  }
  return path.join(root, ...parts);
}
