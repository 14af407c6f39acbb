import type { ConfigProperty, ConfigSchema } from '@cap-iae/plugin-sdk';
import type { FieldIssue } from '@cap-iae/shared';

export interface FormField {
  name: string;
  label: string;
  hint?: string;
  kind: 'text' | 'number' | 'checkbox' | 'select' | 'textarea' | 'json';
  required: boolean;
  value: string;
  checked?: boolean;
  options?: { value: string; label: string; selected: boolean }[];
  error?: string;
}

/** A scalar as form text; lists and objects are shown as JSON by their own field kind. */
function text(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
    ? String(v)
    : JSON.stringify(v);
}

/**
 * The configuration form of a source, generated from its plugin's JSON schema: one field per property, lists and
 * nested objects as JSON text (with the expected shape in the hint).
 */
export function formFields(
  schema: ConfigSchema,
  config: Record<string, unknown>,
  issues: FieldIssue[] = [],
): FormField[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties).map(([name, p]: [string, ConfigProperty]) => {
    const current = config[name] ?? p.default;
    const error = issues.find(
      (i) => i.field === `config.${name}` || i.field.startsWith(`config.${name}.`),
    )?.message;
    const base = {
      name: `config.${name}`,
      label: p.title,
      hint: p.description,
      required: required.has(name),
      error,
    };
    if (p.enum) {
      return {
        ...base,
        kind: 'select' as const,
        value: text(current),
        options: [
          { value: '', label: '—', selected: current === undefined },
          ...p.enum.map((v) => ({ value: String(v), label: String(v), selected: v === current })),
        ],
      };
    }
    switch (p.type) {
      case 'boolean':
        return { ...base, kind: 'checkbox' as const, value: 'oui', checked: current === true };
      case 'number':
      case 'integer':
        return {
          ...base,
          kind: 'number' as const,
          value: text(current),
        };
      case 'array':
      case 'object':
        return {
          ...base,
          kind: 'json' as const,
          hint: `${p.description ? `${p.description}. ` : ''}Au format JSON.`,
          value: current === undefined ? '' : JSON.stringify(current, null, 2),
        };
      case 'string':
        return {
          ...base,
          kind:
            p.format === 'textarea' || p.format === 'sql' || p.format === 'formula'
              ? ('textarea' as const)
              : ('text' as const),
          value: text(current),
        };
    }
  });
}

/** Reads the generated form back into a configuration object; unreadable JSON or numbers are reported per field. */
export function configFromForm(
  schema: ConfigSchema,
  form: Record<string, string | undefined>,
): { config: Record<string, unknown>; issues: FieldIssue[] } {
  const config: Record<string, unknown> = {};
  const issues: FieldIssue[] = [];
  for (const [name, p] of Object.entries(schema.properties)) {
    const raw = form[`config.${name}`];
    const field = `config.${name}`;
    if (p.type === 'boolean') {
      config[name] = raw === 'oui';
      continue;
    }
    if (raw === undefined || raw.trim() === '') continue;
    if (p.type === 'number' || p.type === 'integer') {
      const n = Number(raw.replace(',', '.').replace(/\s/g, ''));
      if (!Number.isFinite(n) || (p.type === 'integer' && !Number.isInteger(n)))
        issues.push({ field, message: p.type === 'integer' ? 'nombre entier attendu' : 'nombre attendu' });
      else config[name] = n;
    } else if (p.type === 'array' || p.type === 'object') {
      try {
        config[name] = JSON.parse(raw) as unknown;
      } catch (e) {
        issues.push({ field, message: `JSON illisible : ${(e as Error).message}` });
      }
    } else config[name] = raw.trim();
  }
  return { config, issues };
}
