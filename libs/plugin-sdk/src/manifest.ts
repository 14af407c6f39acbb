import * as semver from 'semver';
import type { Capability, ConfigProperty, PluginManifest } from './types';
import { CONTRACT_VERSION, SDK_VERSION } from './version';

const CAPABILITIES: Capability[] = ['fetch', 'health-check', 'list-indicators', 'file-input', 'reads-values'];
const ID = /^[a-z][a-z0-9-]{1,40}$/;
const CRON_FIELD = /^(\*|\d+(-\d+)?)(\/\d+)?(,(\*|\d+(-\d+)?)(\/\d+)?)*$/;
const PROPERTY_TYPES = ['string', 'number', 'integer', 'boolean', 'array', 'object'];

export interface ManifestCheck {
  manifest?: PluginManifest;
  problems: string[];
}

/**
 * Checks a manifest as read from package.json (`capIae` key), without loading any plugin code: shape, contract
 * version, SDK range against this SDK, configuration schema. Every problem is listed, in French.
 */
export function checkManifest(raw: unknown, sdkVersion = SDK_VERSION): ManifestCheck {
  const problems: string[] = [];
  if (typeof raw !== 'object' || raw === null)
    return { problems: ['manifeste absent (clé « capIae » du package.json)'] };
  const m = raw as Record<string, unknown>;
  const str = (k: string, test?: (v: string) => boolean, hint = '') => {
    if (typeof m[k] !== 'string' || !m[k].trim()) problems.push(`${k} : texte obligatoire`);
    else if (test && !test(m[k])) problems.push(`${k} : valeur invalide « ${m[k]} »${hint}`);
  };
  str('id', (v) => ID.test(v), ' (minuscules, chiffres et tirets)');
  str('name');
  str('description');
  str('version', (v) => semver.valid(v) !== null, ' (version semver attendue)');
  str('sdk', (v) => semver.validRange(v) !== null, ' (intervalle semver attendu, ex. ^1.0.0)');
  str('main', (v) => !v.startsWith('/') && !v.includes('..'), ' (chemin relatif au dossier du greffon)');
  if (m.contractVersion !== CONTRACT_VERSION) {
    problems.push(
      `contractVersion : ${String(m.contractVersion)} non pris en charge (cet hôte suit le contrat ${CONTRACT_VERSION})`,
    );
  }
  if (typeof m.sdk === 'string' && semver.validRange(m.sdk) && !semver.satisfies(sdkVersion, m.sdk)) {
    problems.push(`sdk : le greffon demande le SDK ${m.sdk}, l'hôte fournit ${sdkVersion}`);
  }
  if (!Array.isArray(m.capabilities) || !m.capabilities.includes('fetch'))
    problems.push('capabilities : doit contenir « fetch »');
  else
    for (const c of m.capabilities)
      if (!CAPABILITIES.includes(c as Capability)) problems.push(`capabilities : « ${String(c)} » inconnue`);
  if (
    !(
      m.indicators === '*' ||
      (Array.isArray(m.indicators) && m.indicators.every((i) => typeof i === 'string'))
    )
  ) {
    problems.push('indicators : liste de codes ou « * »');
  }
  if (
    !Array.isArray(m.territories) ||
    m.territories.some((t) => !['country', 'region', 'department'].includes(t as string))
  ) {
    problems.push('territories : liste parmi country, region, department');
  }
  if (
    !Array.isArray(m.granularity) ||
    m.granularity.length === 0 ||
    m.granularity.some((g) => g !== 'year' && g !== 'quarter')
  ) {
    problems.push('granularity : liste parmi year, quarter');
  }
  if (
    !Array.isArray(m.secrets) ||
    m.secrets.some((s) => typeof s !== 'string' || !/^[A-Z][A-Z0-9_]*$/.test(s))
  ) {
    problems.push('secrets : liste de noms en MAJUSCULES_AVEC_SOULIGNÉS');
  }
  if (m.defaultSchedule !== undefined && !isCron(m.defaultSchedule))
    problems.push('defaultSchedule : expression cron à 5 champs attendue');
  if (typeof m.timeoutSeconds !== 'number' || m.timeoutSeconds < 1 || m.timeoutSeconds > 3600) {
    problems.push('timeoutSeconds : nombre entre 1 et 3600');
  }
  problems.push(...schemaProblems(m.configSchema));
  return problems.length ? { problems } : { manifest: raw as PluginManifest, problems };
}

export function isCron(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const fields = value.trim().split(/\s+/);
  return fields.length === 5 && fields.every((f) => CRON_FIELD.test(f));
}

function schemaProblems(schema: unknown): string[] {
  if (typeof schema !== 'object' || schema === null) return ['configSchema : schéma JSON obligatoire'];
  const s = schema as { type?: unknown; properties?: unknown; required?: unknown };
  if (s.type !== 'object' || typeof s.properties !== 'object' || s.properties === null) {
    return ['configSchema : doit être un objet (type « object ») avec des « properties »'];
  }
  const problems: string[] = [];
  const walk = (props: Record<string, ConfigProperty>, path: string) => {
    for (const [name, p] of Object.entries(props)) {
      if (!PROPERTY_TYPES.includes(p?.type)) problems.push(`configSchema.${path}${name} : type inconnu`);
      if (typeof p?.title !== 'string')
        problems.push(`configSchema.${path}${name} : title (libellé français) obligatoire`);
      if (p?.properties) walk(p.properties, `${path}${name}.`);
    }
  };
  walk(s.properties as Record<string, ConfigProperty>, '');
  if (
    s.required !== undefined &&
    (!Array.isArray(s.required) || s.required.some((r) => !(r in (s.properties as object))))
  ) {
    problems.push('configSchema.required : ne peut citer que des propriétés déclarées');
  }
  return problems;
}
