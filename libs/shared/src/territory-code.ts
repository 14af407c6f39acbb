/**
 * A territory is named by its level and its official code: `REG-11` (Île-de-France), `DEP-93`, `DEP-2A`, `FR`.
 * INSEE codes alone are ambiguous (région 11 and département 11 both exist), so the level is part of the key.
 * Later levels (EPT, bassin d'emploi) take their own prefix without changing the rule.
 */
export type TerritoryLevel = 'country' | 'region' | 'department' | 'ept' | 'employment_area';

const PREFIX: Record<TerritoryLevel, string> = {
  country: 'FR',
  region: 'REG',
  department: 'DEP',
  ept: 'EPT',
  employment_area: 'BASSIN',
};

export const TERRITORY_LEVEL_LABELS: Record<TerritoryLevel, string> = {
  country: 'France',
  region: 'Région',
  department: 'Département',
  ept: 'Établissement public territorial',
  employment_area: "Bassin d'emploi",
};

const CODE_PATTERN = /^(FR|REG-\d{2}|DEP-(?:\d{2,3}|2A|2B)|EPT-[A-Z0-9]{1,6}|BASSIN-[A-Z0-9]{1,8})$/;

export function territoryCode(level: TerritoryLevel, officialCode?: string): string {
  if (level === 'country') return PREFIX.country;
  if (!officialCode) throw new Error(`Code officiel manquant pour le niveau ${level}`);
  return `${PREFIX[level]}-${officialCode}`;
}

export function isTerritoryCodeWellFormed(code: string): boolean {
  return CODE_PATTERN.test(code);
}

export function levelOfTerritoryCode(code: string): TerritoryLevel | undefined {
  if (!isTerritoryCodeWellFormed(code)) return undefined;
  const prefix = code.split('-')[0];
  const entry = (Object.entries(PREFIX) as [TerritoryLevel, string][]).find(([, p]) => p === prefix);
  return entry?.[0];
}
