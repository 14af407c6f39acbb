import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The layering of docs/architecture.md, enforced: each library may import only the libraries listed here (through
 * `@cap-iae/<lib>`), and a new library must be placed in this table before it can be imported at all.
 */
const ALLOWED: Record<string, string[]> = {
  shared: [],
  // The plugin contract stands alone: plugins depend on it and nothing else of Cap IAE.
  'plugin-sdk': [],
  config: [],
  database: ['config', 'shared'],
  territories: ['shared'],
  strategy: ['territories', 'shared'],
  indicators: ['strategy', 'territories', 'database', 'shared'],
  'reference-data': ['indicators', 'strategy', 'territories', 'database', 'shared'],
  access: ['territories', 'shared'],
  'action-plans': ['strategy', 'territories', 'database', 'shared'],
  governance: ['action-plans', 'strategy', 'territories', 'database', 'shared'],
  funding: ['strategy', 'territories', 'database', 'shared'],
  'plugin-host': ['plugin-sdk', 'indicators', 'territories', 'database', 'shared'],
  // Bilans read every domain library; nothing below may import them.
  reporting: [
    'action-plans',
    'governance',
    'funding',
    'plugin-host',
    'indicators',
    'strategy',
    'territories',
    'database',
    'config',
    'shared',
  ],
  core: [
    'reporting',
    'action-plans',
    'governance',
    'funding',
    'plugin-host',
    'access',
    'reference-data',
    'indicators',
    'strategy',
    'territories',
    'database',
    'config',
    'shared',
  ],
};

const root = path.resolve(__dirname, '..');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sources(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [full] : [];
  });
}

function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*'([^']+)'|require\('([^']+)'\)/g)].map((m) => m[1] ?? m[2]);
}

describe('library layering', () => {
  const libs = fs
    .readdirSync(path.join(root, 'libs'))
    .filter((d) => fs.existsSync(path.join(root, 'libs', d, 'src')));

  it('knows every library', () => {
    expect(libs.filter((l) => !(l in ALLOWED))).toEqual([]);
  });

  it.each(Object.keys(ALLOWED))('%s imports only what it may, and only through library indexes', (lib) => {
    const violations: string[] = [];
    for (const file of sources(path.join(root, 'libs', lib, 'src'))) {
      for (const spec of importsOf(file)) {
        const m = /^@cap-iae\/([^/]+)(\/.*)?$/.exec(spec);
        if (m) {
          if (m[2]) violations.push(`${path.relative(root, file)} : import profond ${spec}`);
          else if (m[1] !== lib && !ALLOWED[lib].includes(m[1]))
            violations.push(`${path.relative(root, file)} → ${spec}`);
        } else if (
          spec.startsWith('.') &&
          !path.resolve(path.dirname(file), spec).startsWith(path.join(root, 'libs', lib))
        ) {
          violations.push(`${path.relative(root, file)} : chemin relatif hors de la bibliothèque ${spec}`);
        }
        if (/^(apps|@cap-iae\/(server|cli))/.test(spec))
          violations.push(`${path.relative(root, file)} → ${spec}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('has no cycle', () => {
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (lib: string, trail: string[]): void => {
      if (done.has(lib)) return;
      if (visiting.has(lib)) throw new Error(`cycle : ${[...trail, lib].join(' → ')}`);
      visiting.add(lib);
      for (const dep of ALLOWED[lib]) visit(dep, [...trail, lib]);
      visiting.delete(lib);
      done.add(lib);
    };
    expect(() => Object.keys(ALLOWED).forEach((l) => visit(l, []))).not.toThrow();
  });
});
