import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatNumberFr } from '@cap-iae/shared';

// hbs ships no types; only the two calls used here are described.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const hbs = require('hbs') as {
  registerHelper(name: string, fn: (...args: unknown[]) => unknown): void;
  registerPartial(name: string, template: string): void;
};

const dateTime = new Intl.DateTimeFormat('fr-FR', {
  dateStyle: 'long',
  timeStyle: 'short',
  timeZone: 'Europe/Paris',
});
const dateOnly = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'Europe/Paris' });

const FIELD_LABELS: Record<string, string> = {
  login: 'Identifiant',
  password: 'Mot de passe',
  displayName: 'Nom affiché',
  currentPassword: 'Mot de passe actuel',
  newPassword: 'Nouveau mot de passe',
  name: 'Nom',
  'roles[0].role': 'Rôle',
  'roles[0].territory': 'Territoire du rôle',
  indicator: 'Indicateur',
  territory: 'Territoire',
  period: 'Période',
  value: 'Valeur',
  numerator: 'Numérateur',
  denominator: 'Dénominateur',
  dimensions: 'Ventilation',
};

const CHANNEL_LABELS: Record<string, string> = {
  web: 'web',
  api: 'API',
  cli: 'ligne de commande',
  source: 'source',
  system: 'système',
};

/** Registers partials and the few helpers the templates need (French dates and numbers, comparisons). */
export function registerViewHelpers(viewsDir: string): void {
  const partials = path.join(viewsDir, 'partials');
  for (const file of fs.readdirSync(partials)) {
    if (file.endsWith('.hbs'))
      hbs.registerPartial(path.basename(file, '.hbs'), fs.readFileSync(path.join(partials, file), 'utf8'));
  }
  const args = (a: unknown[]) => a.slice(0, -1); // Handlebars passes its options object last.
  hbs.registerHelper('eq', (...a) => args(a)[0] === args(a)[1]);
  hbs.registerHelper('formatDate', (v) => (typeof v === 'string' && v ? dateOnly.format(new Date(v)) : ''));
  hbs.registerHelper('formatDateTime', (v) =>
    typeof v === 'string' && v ? dateTime.format(new Date(v)) : '',
  );
  hbs.registerHelper('formatNumber', (v) => (typeof v === 'number' ? formatNumberFr(v) : ''));
  hbs.registerHelper('json', (v) => (v === null || v === undefined ? '' : JSON.stringify(v)));
  hbs.registerHelper('channelLabel', (v) => CHANNEL_LABELS[String(v)] ?? String(v));
  hbs.registerHelper('fieldLabel', (v) => FIELD_LABELS[String(v)] ?? String(v));
  hbs.registerHelper('hasError', (...a) => {
    const [error, field] = args(a) as [{ errors?: { field: string }[] } | undefined, string];
    return Boolean(error?.errors?.some((e) => e.field === field));
  });
}
