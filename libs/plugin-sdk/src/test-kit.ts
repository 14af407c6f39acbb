import * as fs from 'node:fs';
import * as path from 'node:path';
import { batchesOf, isPlugin } from './define-plugin';
import { isPluginError } from './errors';
import { checkManifest } from './manifest';
import type { FetchRequest, Plugin, PluginContext, PluginManifest, SourceRecord } from './types';
import { CONTRACT_VERSION } from './version';

export interface ContractScenario {
  /** Raw configuration, as a source owner would save it. */
  config: Record<string, unknown>;
  request?: FetchRequest;
  secrets?: Record<string, string>;
  /** A fetch to use instead of the global one (plugins are tested offline against local servers or fakes). */
  fetch?: typeof fetch;
  /** Least number of records the scenario must produce. */
  minRecords?: number;
}

export interface ContractReport {
  manifest?: PluginManifest;
  problems: string[];
  records: SourceRecord[];
}

const PERIOD = /^\d{4}(-T[1-4])?$/;
const TERRITORY = /^(FR|REG-\d{2}|DEP-(\d{2,3}|2A|2B)|EPT-\w+|BASSIN-\w+)$/;

/** Loads a plugin folder the way the host does: manifest first, then the entry module. */
export function loadPluginFolder(dir: string): {
  manifest?: PluginManifest;
  plugin?: Plugin<unknown>;
  problems: string[];
} {
  const pkgPath = path.join(dir, 'package.json');
  if (!fs.existsSync(pkgPath)) return { problems: [`package.json absent dans ${dir}`] };
  const pkg = JSON.parse(fs.readFileSync(pkgPath, 'utf8')) as { capIae?: unknown };
  const { manifest, problems } = checkManifest(pkg.capIae);
  if (!manifest) return { problems };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(path.join(dir, manifest.main)) as { default?: unknown; plugin?: unknown };
  const plugin = mod.default ?? mod.plugin;
  if (!isPlugin(plugin))
    return {
      manifest,
      problems: [`${manifest.main} doit exporter par défaut le résultat de definePlugin()`],
    };
  return { manifest, plugin, problems: [] };
}

function context<C>(config: C, scenario: ContractScenario, signal: AbortSignal): PluginContext<C> {
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
  return {
    config,
    secrets: scenario.secrets ?? {},
    logger: quiet,
    signal,
    fetch: scenario.fetch ?? fetch,
    progress: () => undefined,
  };
}

/**
 * The contract every plugin runs on itself: manifest, entry module, configuration, records shape, abort handling,
 * health check. Returns problems rather than throwing, so that a plugin's test can show them all at once.
 */
export async function runContractKit(dir: string, scenario: ContractScenario): Promise<ContractReport> {
  const loaded = loadPluginFolder(dir);
  if (!loaded.plugin || !loaded.manifest)
    return { manifest: loaded.manifest, problems: loaded.problems, records: [] };
  const { manifest, plugin } = loaded;
  const problems: string[] = [];
  if (plugin.contractVersion !== CONTRACT_VERSION)
    problems.push(`contrat ${plugin.contractVersion} au lieu de ${CONTRACT_VERSION}`);

  let config: unknown = scenario.config;
  try {
    if (plugin.parseConfig) config = plugin.parseConfig(scenario.config);
  } catch (e) {
    problems.push(`parseConfig refuse la configuration du scénario : ${(e as Error).message}`);
    return { manifest, problems, records: [] };
  }
  const required = manifest.configSchema.required ?? [];
  if (plugin.parseConfig && required.length) {
    const incomplete = { ...scenario.config };
    delete incomplete[required[0]];
    try {
      plugin.parseConfig(incomplete);
      problems.push(`parseConfig accepte une configuration sans « ${required[0]} » (obligatoire)`);
    } catch (e) {
      if (!isPluginError(e) || e.code !== 'CONFIG_INVALID')
        problems.push('parseConfig doit refuser avec PluginError("CONFIG_INVALID")');
    }
  }

  const records: SourceRecord[] = [];
  const controller = new AbortController();
  try {
    for await (const batch of batchesOf(
      plugin.fetchValues(scenario.request ?? {}, context(config, scenario, controller.signal)),
    )) {
      if (!Array.isArray(batch?.records) || !Array.isArray(batch?.warnings)) {
        problems.push('chaque lot doit avoir records[] et warnings[]');
        break;
      }
      records.push(...batch.records);
      for (const w of batch.warnings)
        if (typeof w?.message !== 'string') problems.push('un avertissement sans message');
    }
  } catch (e) {
    problems.push(
      `fetchValues a échoué : ${isPluginError(e) ? `${e.code} ${e.message}` : (e as Error).message}`,
    );
  }
  records.forEach((r, i) => {
    const where = `enregistrement ${i + 1}`;
    if (typeof r.indicator !== 'string' || !r.indicator) problems.push(`${where} : indicator manquant`);
    else if (manifest.indicators !== '*' && !manifest.indicators.includes(r.indicator)) {
      problems.push(`${where} : indicateur ${r.indicator} absent du manifeste`);
    }
    if (typeof r.territory !== 'string' || !TERRITORY.test(r.territory))
      problems.push(`${where} : territoire « ${String(r.territory)} » mal formé`);
    if (typeof r.period !== 'string' || !PERIOD.test(r.period))
      problems.push(`${where} : période « ${String(r.period)} » mal formée`);
    const numbers = [r.value, r.numerator, r.denominator].filter((v) => v !== undefined && v !== null);
    if (numbers.length === 0 || numbers.some((v) => typeof v !== 'number' || !Number.isFinite(v)))
      problems.push(`${where} : valeur numérique manquante`);
  });
  if (records.length < (scenario.minRecords ?? 1))
    problems.push(`${records.length} enregistrement(s), ${scenario.minRecords ?? 1} attendu(s) au moins`);

  // A run cancelled before it starts must end promptly, without data.
  const aborted = new AbortController();
  aborted.abort();
  const started = Date.now();
  try {
    let n = 0;
    for await (const batch of batchesOf(
      plugin.fetchValues(scenario.request ?? {}, context(config, scenario, aborted.signal)),
    ))
      n += batch.records.length;
    if (n > 0) problems.push("fetchValues produit des données alors que l'exécution est annulée");
  } catch {
    // Throwing is the expected reaction to an aborted signal.
  }
  if (Date.now() - started > 2000) problems.push("fetchValues met plus de 2 s à s'arrêter une fois annulé");

  if (manifest.capabilities.includes('health-check')) {
    if (!plugin.healthCheck) problems.push('capacité health-check déclarée sans healthCheck()');
    else {
      const h = await plugin
        .healthCheck(context(config, scenario, new AbortController().signal))
        .catch((e: Error) => ({ ok: false, message: e.message, thrown: true }));
      if (typeof h.ok !== 'boolean' || typeof h.message !== 'string' || 'thrown' in h)
        problems.push('healthCheck doit rendre { ok, message } sans lever');
    }
  }
  if (manifest.capabilities.includes('reads-values') && !plugin.inputsOf)
    problems.push('capacité reads-values déclarée sans inputsOf()');
  return { manifest, problems, records };
}
