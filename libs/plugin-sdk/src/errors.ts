/**
 * Codes a plugin (or the host on its behalf) reports a failed run with. Bad rows are not errors: they are warnings
 * with their line; an error means the run as a whole could not produce data.
 */
export const PLUGIN_ERROR_CODES = {
  CONFIG_INVALID: 'configuration invalide',
  SECRET_MISSING: 'secret manquant',
  SOURCE_UNREACHABLE: 'source injoignable',
  SOURCE_REFUSED: 'la source a refusé la demande (authentification ou droits)',
  SOURCE_FORMAT: 'réponse de la source dans un format inattendu',
  INPUT_INVALID: 'fichier ou entrée illisible',
  TIMEOUT: 'délai dépassé',
  ABORTED: 'exécution interrompue',
  TOO_MANY_RECORDS: "trop d'enregistrements",
  INTERNAL: 'erreur interne du greffon',
} as const;

export type PluginErrorCode = keyof typeof PLUGIN_ERROR_CODES;

export class PluginError extends Error {
  constructor(
    readonly code: PluginErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'PluginError';
  }
}

export function isPluginError(e: unknown): e is PluginError {
  return e instanceof Error && e.name === 'PluginError' && typeof (e as PluginError).code === 'string';
}
