import { FieldIssue } from './domain-error';

/**
 * Disaggregations an indicator may allow. An observation's dimension set is stored as one canonical key
 * (`sex=F;siae_type=ACI`, keys sorted) so that it can be part of the natural key; the empty key is the total.
 */
export const DIMENSIONS = {
  siae_type: {
    label: 'Type de SIAE',
    values: {
      ACI: 'Atelier et chantier d’insertion',
      AI: 'Association intermédiaire',
      EI: 'Entreprise d’insertion',
      ETTI: 'Entreprise de travail temporaire d’insertion',
      EITI: 'Entreprise d’insertion par le travail indépendant',
    },
  },
  public: {
    label: 'Public',
    values: {
      DELD: 'Demandeurs d’emploi de longue durée',
      RSA: 'Bénéficiaires du RSA',
      QPV: 'Résidents des quartiers prioritaires',
      TH: 'Travailleurs handicapés',
      JEUNES: 'Jeunes de moins de 26 ans',
      SENIORS: 'Seniors de 50 ans et plus',
      REFUGIES: 'Réfugiés',
      INFRA_CAP: 'Niveau inférieur au CAP-BEP',
    },
  },
  sex: { label: 'Sexe', values: { F: 'Femmes', H: 'Hommes' } },
  age_band: {
    label: "Tranche d'âge",
    values: { MOINS_26: 'Moins de 26 ans', '26_49': '26 à 49 ans', '50_PLUS': '50 ans et plus' },
  },
} as const;

export type DimensionName = keyof typeof DIMENSIONS;
export type DimensionSet = Partial<Record<DimensionName, string>>;

export const DIMENSION_NAMES = Object.keys(DIMENSIONS) as DimensionName[];

export function isDimensionName(name: string): name is DimensionName {
  return Object.prototype.hasOwnProperty.call(DIMENSIONS, name);
}

export function dimensionKey(dimensions: DimensionSet | undefined): string {
  if (!dimensions) return '';
  return Object.keys(dimensions)
    .filter(
      (name) => dimensions[name as DimensionName] !== undefined && dimensions[name as DimensionName] !== '',
    )
    .sort()
    .map((name) => `${name}=${dimensions[name as DimensionName]}`)
    .join(';');
}

export function parseDimensionKey(key: string): DimensionSet {
  const set: DimensionSet = {};
  if (!key) return set;
  for (const part of key.split(';')) {
    const [name, value] = part.split('=');
    if (name && value && isDimensionName(name)) set[name] = value;
  }
  return set;
}

/** Checks a dimension set against the dimensions an indicator allows; returns one issue per faulty entry. */
export function dimensionIssues(
  field: string,
  dimensions: unknown,
  allowed: readonly string[],
): FieldIssue[] {
  if (dimensions === undefined || dimensions === null) return [];
  if (typeof dimensions !== 'object' || Array.isArray(dimensions)) {
    return [{ field, message: 'doit être un objet { dimension: modalité }' }];
  }
  const issues: FieldIssue[] = [];
  for (const [name, value] of Object.entries(dimensions as Record<string, unknown>)) {
    if (!isDimensionName(name)) {
      issues.push({
        field: `${field}.${name}`,
        message: `dimension inconnue (attendu : ${DIMENSION_NAMES.join(', ')})`,
      });
      continue;
    }
    if (!allowed.includes(name)) {
      issues.push({
        field: `${field}.${name}`,
        message: "cet indicateur n'est pas ventilé selon cette dimension",
      });
      continue;
    }
    const values = DIMENSIONS[name].values as Record<string, string>;
    if (typeof value !== 'string' || !Object.prototype.hasOwnProperty.call(values, value)) {
      issues.push({
        field: `${field}.${name}`,
        message: `modalité inconnue « ${String(value)} » (attendu : ${Object.keys(values).join(', ')})`,
      });
    }
  }
  return issues;
}
