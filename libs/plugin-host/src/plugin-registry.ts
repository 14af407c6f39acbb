import * as fs from 'node:fs';
import * as path from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { checkManifest, PluginManifest } from '@cap-iae/plugin-sdk';
import { repoPath } from '@cap-iae/shared';

export interface PluginDescriptor {
  id: string;
  dir: string;
  manifest?: PluginManifest;
  /** The module a worker loads: compiled JavaScript when the app runs from dist/, the TypeScript source otherwise. */
  entry?: string;
  status: 'ok' | 'refused';
  problems: string[];
}

/** Folders holding plugins: the repository's `plugins/` and any listed in CAP_IAE_PLUGIN_DIRS (separated by `:`). */
export function pluginFolders(env: NodeJS.ProcessEnv = process.env): string[] {
  const extra = (env.CAP_IAE_PLUGIN_DIRS ?? '').split(':').filter(Boolean);
  return [repoPath('plugins'), ...extra.map((d) => path.resolve(d))];
}

const compiled = __filename.endsWith('.js');

/**
 * Finds plugins and checks their manifests without importing any plugin code: a broken or incompatible plugin is
 * listed as refused, with its reasons, and never stops the application from starting.
 */
@Injectable()
export class PluginRegistry {
  private readonly logger = new Logger('Greffons');
  private plugins?: Map<string, PluginDescriptor>;

  discover(folders = pluginFolders()): Map<string, PluginDescriptor> {
    const found = new Map<string, PluginDescriptor>();
    for (const folder of folders) {
      if (!fs.existsSync(folder)) continue;
      for (const name of fs.readdirSync(folder).sort()) {
        const dir = path.join(folder, name);
        const pkgFile = path.join(dir, 'package.json');
        if (!fs.existsSync(pkgFile)) continue;
        const descriptor = describe(dir, pkgFile);
        if (found.has(descriptor.id)) {
          descriptor.status = 'refused';
          descriptor.problems.push(
            `identifiant « ${descriptor.id} » déjà utilisé par ${found.get(descriptor.id)!.dir}`,
          );
          found.set(`${descriptor.id}@${dir}`, descriptor);
          continue;
        }
        if (descriptor.status === 'refused')
          this.logger.warn(`Greffon refusé (${dir}) : ${descriptor.problems.join(' ; ')}`);
        found.set(descriptor.id, descriptor);
      }
    }
    this.plugins = found;
    return found;
  }

  all(): PluginDescriptor[] {
    return [...(this.plugins ?? this.discover()).values()];
  }

  get(id: string): PluginDescriptor | undefined {
    return (this.plugins ?? this.discover()).get(id);
  }
}

function describe(dir: string, pkgFile: string): PluginDescriptor {
  let pkg: { capIae?: unknown };
  try {
    pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { capIae?: unknown };
  } catch (e) {
    return {
      id: path.basename(dir),
      dir,
      status: 'refused',
      problems: [`package.json illisible : ${(e as Error).message}`],
    };
  }
  const { manifest, problems } = checkManifest(pkg.capIae);
  const id =
    manifest?.id ??
    ((pkg.capIae as { id?: unknown } | undefined)?.id as string | undefined) ??
    path.basename(dir);
  if (!manifest) return { id, dir, status: 'refused', problems };
  const entry = resolveEntry(dir, manifest.main);
  if (!entry)
    return {
      id,
      dir,
      manifest,
      status: 'refused',
      problems: [`module ${manifest.main} introuvable (compilé ou source)`],
    };
  return { id, dir, manifest, entry, status: 'ok', problems: [] };
}

function resolveEntry(dir: string, main: string): string | undefined {
  const source = path.join(dir, main);
  if (compiled) {
    // Repository plugins are compiled with the app into dist/; an external folder may ship its own .js.
    const inDist = repoPath('dist', path.relative(repoPath(), source)).replace(/\.ts$/, '.js');
    if (fs.existsSync(inDist)) return inDist;
    const js = source.replace(/\.ts$/, '.js');
    if (fs.existsSync(js)) return js;
  }
  return fs.existsSync(source) ? source : undefined;
}
