import * as fs from 'node:fs';
import * as path from 'node:path';

export type DatabaseConfig =
  | { kind: 'sqlite'; path: string }
  | { kind: 'postgres'; url: string; schema?: string };

export interface AppConfig {
  readonly env: 'development' | 'production' | 'test';
  readonly port: number;
  readonly host: string;
  readonly database: DatabaseConfig;
  /** Load demonstration data on a fresh database (never in production unless asked explicitly). */
  readonly demo: boolean;
  readonly logLevel: 'error' | 'warn' | 'log' | 'debug';
  /** Express `trust proxy`: number of proxies in front of the app (0 when it faces clients directly). */
  readonly trustProxy: number;
  /** Bilans PDF: templates, the one each kind uses, where files go, which Chromium (see docs/bilans.md). */
  readonly reporting: ReportingConfig;
}

export interface ReportingConfig {
  /** `null`: the repository's `templates/` folder. */
  readonly templatesDir: string | null;
  /** Folder name under `<templates>/bilans/` of the COR-IAE and CDIAE bilans. */
  readonly corIaeTemplate: string;
  readonly cdiaeTemplate: string;
  readonly bilansDir: string;
  /** `null`: CHROMIUM_PATH unset, the usual Debian locations are tried. */
  readonly chromiumPath: string | null;
}

/** A template id is a folder name: no path separators, so that configuration cannot reach outside `bilans/`. */
const TEMPLATE_ID = /^[a-z0-9][a-z0-9_-]{0,59}$/;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration invalide :\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function parseBoolean(name: string, raw: string | undefined, fallback: boolean, problems: string[]): boolean {
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'oui', 'yes'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'non', 'no'].includes(raw.toLowerCase())) return false;
  problems.push(`${name} doit valoir true ou false (reçu « ${raw} »)`);
  return fallback;
}

/**
 * Reads the environment once, at boot, and fails with every problem listed rather than the first one met at run time.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): AppConfig {
  const problems: string[] = [];
  const rawEnv = env.NODE_ENV ?? 'development';
  const appEnv = (['development', 'production', 'test'] as const).find((e) => e === rawEnv);
  if (!appEnv) problems.push(`NODE_ENV doit valoir development, production ou test (reçu « ${rawEnv} »)`);

  const port = Number(env.PORT ?? '3000');
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    problems.push(`PORT doit être un numéro de port (reçu « ${env.PORT} »)`);

  let database: DatabaseConfig;
  const url = env.DATABASE_URL?.trim();
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url)) {
      problems.push(
        'DATABASE_URL doit commencer par postgres:// (seul PostgreSQL est pris en charge en dehors de SQLite)',
      );
    }
    database = { kind: 'postgres', url, schema: env.DATABASE_SCHEMA || undefined };
  } else {
    database = {
      kind: 'sqlite',
      path: path.resolve(cwd, env.DATABASE_PATH ?? path.join('data', 'cap-iae.sqlite')),
    };
  }

  const logLevel = (['error', 'warn', 'log', 'debug'] as const).find((l) => l === (env.LOG_LEVEL ?? 'log'));
  if (!logLevel) problems.push(`LOG_LEVEL doit valoir error, warn, log ou debug (reçu « ${env.LOG_LEVEL} »)`);

  const trustProxy = Number(env.TRUST_PROXY ?? '0');
  if (!Number.isInteger(trustProxy) || trustProxy < 0 || trustProxy > 10) {
    problems.push(
      `TRUST_PROXY doit être le nombre de mandataires inverses devant l'application (reçu « ${env.TRUST_PROXY} »)`,
    );
  }

  const demo = parseBoolean('CAP_IAE_DEMO', env.CAP_IAE_DEMO, appEnv !== 'production', problems);

  const templatesDir = env.CAP_IAE_TEMPLATES_DIR?.trim()
    ? path.resolve(cwd, env.CAP_IAE_TEMPLATES_DIR.trim())
    : null;
  if (templatesDir && !fs.existsSync(path.join(templatesDir, 'bilans')))
    problems.push(
      `CAP_IAE_TEMPLATES_DIR doit désigner un dossier de modèles contenant bilans/ (reçu « ${templatesDir} »)`,
    );
  const templateId = (name: string, fallback: string): string => {
    const raw = env[name]?.trim() || fallback;
    if (!TEMPLATE_ID.test(raw))
      problems.push(
        `${name} doit être le nom d'un dossier de templates/bilans/ (minuscules, chiffres, - ou _ ; reçu « ${raw} »)`,
      );
    return raw;
  };
  const reporting: ReportingConfig = {
    templatesDir,
    corIaeTemplate: templateId('CAP_IAE_BILAN_TEMPLATE_COR_IAE', 'cor-iae'),
    cdiaeTemplate: templateId('CAP_IAE_BILAN_TEMPLATE_CDIAE', 'cdiae'),
    bilansDir: path.resolve(cwd, env.CAP_IAE_BILANS_DIR?.trim() || path.join('data', 'bilans')),
    chromiumPath: env.CHROMIUM_PATH?.trim() || null,
  };

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    env: appEnv ?? 'development',
    port,
    host: env.HOST ?? '0.0.0.0',
    database,
    demo,
    logLevel: logLevel ?? 'log',
    trustProxy,
    reporting,
  };
}
