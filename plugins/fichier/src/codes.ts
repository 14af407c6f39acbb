/**
 * Territory and period cells turned into Cap IAE codes. Only the FORM is checked here: whether `DEP-93` exists, or
 * whether the indicator is published for 2021, is the host's business (it knows the reference tables).
 */

export type TerritoryFormat = 'cap-iae' | 'insee-departement' | 'insee-region';

export const TERRITORY_FORMATS: readonly TerritoryFormat[] = ['cap-iae', 'insee-departement', 'insee-region'];

export const TERRITORY_FORMAT_LABELS: Record<TerritoryFormat, string> = {
  'cap-iae': 'code Cap IAE (DEP-93, REG-11)',
  'insee-departement': 'code INSEE de département (93, 2A, 971)',
  'insee-region': 'code INSEE de région (11, 84)',
};

/** What the person should have written, appended to « territoire « X » inconnu ». */
export const TERRITORY_HINTS: Record<TerritoryFormat, string> = {
  'cap-iae': 'code attendu comme DEP-93 ou REG-11',
  'insee-departement': 'code INSEE de département attendu (93, 2A, 971)',
  'insee-region': 'code INSEE de région attendu (11, 84)',
};

/** Same bounds as the platform (libs/shared period.ts), repeated because a plugin only depends on the SDK. */
export const MIN_YEAR = 1980;
export const MAX_YEAR = 2100;

const CAP_IAE = /^(?:REG-\d{2}|DEP-(?:\d{2}|97\d|2A|2B))$/;
// An INSEE code, optionally followed by its label as bilans print it: « 93 - Seine-Saint-Denis », « 93 Seine-Saint-Denis ».
const DEPARTMENT = /^(\d{1,2}|97\d|2[AB])(?:\s*[-–—:]\s*\S.*|\s+\D.*)?$/i;
const REGION = /^(\d{1,2})(?:\s*[-–—:]\s*\S.*|\s+\D.*)?$/;

/**
 * Cap IAE code of a territory cell, or undefined when its form does not fit the configured format. One-digit INSEE
 * codes get their leading zero back: spreadsheets drop it when a column of codes was typed as numbers (Ain « 1 »).
 */
export function territoryCode(text: string, format: TerritoryFormat): string | undefined {
  const t = text.trim();
  switch (format) {
    case 'cap-iae': {
      const code = t.toUpperCase().replace(/\s+/g, '');
      return CAP_IAE.test(code) ? code : undefined;
    }
    case 'insee-departement': {
      const m = DEPARTMENT.exec(t);
      if (!m) return undefined;
      const code = m[1].toUpperCase();
      return `DEP-${code.length === 1 ? `0${code}` : code}`;
    }
    case 'insee-region': {
      const m = REGION.exec(t);
      if (!m) return undefined;
      return `REG-${m[1].length === 1 ? `0${m[1]}` : m[1]}`;
    }
  }
}

const YEAR = /^(\d{4})$/;
const YEAR_QUARTER = /^(\d{4})\s*[-/ ]?\s*T([1-4])$/;
const QUARTER_YEAR = /^T([1-4])\s*[-/ ]?\s*(\d{4})$/;
// Dates typed in a period column (« 31/12/2021 », « 2021-12-31 », with or without time): the year is what counts.
const FRENCH_DATE = /^\d{1,2}\/\d{1,2}\/(\d{4})(?:\s.*)?$/;
const ISO_DATE = /^(\d{4})-\d{2}-\d{2}(?:[T ].*)?$/;

function yearInRange(year: number): boolean {
  return year >= MIN_YEAR && year <= MAX_YEAR;
}

/** Cap IAE period (`2021`, `2021-T3`) of a period cell or column header, or undefined. */
export function periodCode(text: string): string | undefined {
  const t = text.trim().toUpperCase();
  let m = YEAR.exec(t);
  if (m) return yearInRange(Number(m[1])) ? m[1] : undefined;
  m = YEAR_QUARTER.exec(t);
  if (m) return yearInRange(Number(m[1])) ? `${m[1]}-T${m[2]}` : undefined;
  m = QUARTER_YEAR.exec(t);
  if (m) return yearInRange(Number(m[2])) ? `${m[2]}-T${m[1]}` : undefined;
  m = FRENCH_DATE.exec(t) ?? ISO_DATE.exec(t);
  if (m) return yearInRange(Number(m[1])) ? m[1] : undefined;
  return undefined;
}

/** Period of a numeric spreadsheet cell: a year typed as a number, or an unformatted date serial. */
export function periodOfNumber(n: number): string | undefined {
  if (!Number.isInteger(n)) return undefined;
  if (yearInRange(n)) return String(n);
  // A date whose cell style was not available to the streaming reader arrives as its serial number (days since
  // 1899-12-30); in a period column nothing else can be that large.
  if (n >= 29221 && n <= 73415)
    return String(new Date(Math.round((n - 25569) * 86_400_000)).getUTCFullYear());
  return undefined;
}
