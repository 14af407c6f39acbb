/**
 * Secrets never live in the database: a source names them, the host reads CAP_IAE_SECRET_<NAME> from its
 * environment (or a file named by CAP_IAE_SECRET_<NAME>_FILE, for container secrets).
 */
import * as fs from 'node:fs';

export function readSecrets(
  names: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const secrets: Record<string, string> = {};
  for (const name of names) {
    const direct = env[`CAP_IAE_SECRET_${name}`];
    const file = env[`CAP_IAE_SECRET_${name}_FILE`];
    if (direct) secrets[name] = direct;
    else if (file && fs.existsSync(file)) secrets[name] = fs.readFileSync(file, 'utf8').trim();
  }
  return secrets;
}
