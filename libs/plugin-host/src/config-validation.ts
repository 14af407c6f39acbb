import Ajv, { ErrorObject } from 'ajv';
import type { ConfigSchema } from '@cap-iae/plugin-sdk';
import type { FieldIssue } from '@cap-iae/shared';

const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true });
// These formats only choose how the form shows a field (or document intent): every string is acceptable to them.
for (const format of ['uri', 'uri-template', 'textarea', 'sql', 'formula']) ajv.addFormat(format, true);
const cache = new WeakMap<object, ReturnType<typeof ajv.compile>>();

function french(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return `« ${String(p.missingProperty)} » est obligatoire`;
    case 'type':
      return `doit être de type ${({ string: 'texte', number: 'nombre', integer: 'entier', boolean: 'vrai/faux', array: 'liste', object: 'objet' } as Record<string, string>)[String(p.type)] ?? String(p.type)}`;
    case 'enum':
      return `valeur non admise (attendu : ${(p.allowedValues as unknown[]).join(', ')})`;
    case 'additionalProperties':
      return `champ inconnu « ${String(p.additionalProperty)} »`;
    case 'minimum':
    case 'maximum':
      return `doit être ${e.keyword === 'minimum' ? '≥' : '≤'} ${String(p.limit)}`;
    default:
      return 'valeur invalide';
  }
}

/** Checks a source's configuration against its plugin's schema, and fills in the schema's defaults. */
export function configIssues(schema: ConfigSchema, config: unknown): FieldIssue[] {
  let validate = cache.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    cache.set(schema, validate);
  }
  if (validate(config)) return [];
  return (validate.errors ?? []).map((e) => {
    const path = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
    const field =
      e.keyword === 'required'
        ? [path, String((e.params as { missingProperty: string }).missingProperty)].filter(Boolean).join('.')
        : path;
    return { field: `config${field ? `.${field}` : ''}`, message: french(e) };
  });
}
