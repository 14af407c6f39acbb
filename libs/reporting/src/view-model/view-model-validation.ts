import { DomainError, FieldIssue } from '@cap-iae/shared';
import { BILAN_KIND_LABELS } from '../bilan-kinds';
import type { BilanViewModel } from './bilan-view-model';

/** Fields every view-model of a kind must carry, whatever the template prints. */
const REQUIRED: Record<BilanViewModel['kind'], string[]> = {
  'cor-iae': [
    'kind',
    'territory',
    'region',
    'strategy',
    'year',
    'dataDate',
    'synthesis',
    'axes',
    'departments',
    'comparison',
    'actionPlans',
    'governance',
    'funding',
    'methodology',
    'annexes',
  ],
  cdiae: [
    'kind',
    'territory',
    'region',
    'strategy',
    'year',
    'dataDate',
    'synthesis',
    'axes',
    'actionPlans',
    'governance',
    'funding',
    'methodology',
    'annexes',
  ],
};

/** Paths of the values that have no place in a view-model: `undefined` (a missing value), NaN, infinities. */
export function missingValues(value: unknown, path = ''): string[] {
  if (value === undefined) return [path || '(racine)'];
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [path];
  if (value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => missingValues(v, `${path}[${i}]`));
  return Object.entries(value).flatMap(([k, v]) => missingValues(v, path ? `${path}.${k}` : k));
}

/**
 * Checks a view-model before it reaches a template: every required section present, no value missing. A gap here is
 * a bug or a source that broke its contract; the message names the bilan, its template and each faulty field, in
 * French, and nothing is rendered.
 */
export function assertViewModel(vm: BilanViewModel, templateId: string): void {
  const issues: FieldIssue[] = [];
  const record = vm as unknown as Record<string, unknown>;
  for (const key of REQUIRED[vm.kind] ?? [])
    if (record[key] === undefined || record[key] === null)
      issues.push({ field: `bilan.${key}`, message: 'section absente des données du bilan' });
  for (const path of missingValues(vm).slice(0, 50))
    issues.push({ field: `bilan.${path}`, message: 'valeur manquante (ni chiffre, ni « non renseigné »)' });
  if (issues.length > 0) {
    const names = issues
      .slice(0, 5)
      .map((i) => `« ${i.field} »`)
      .join(', ');
    throw new DomainError(
      'UNPROCESSABLE',
      `${BILAN_KIND_LABELS[vm.kind]} (modèle « ${templateId} ») : données incomplètes, valeur manquante pour ${names}` +
        `${issues.length > 5 ? ` et ${issues.length - 5} autre(s)` : ''}. Rien n’a été généré.`,
      issues,
    );
  }
}
