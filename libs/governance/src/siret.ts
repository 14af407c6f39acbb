/** SIREN of La Poste: its establishments are too many for the Luhn key, so INSEE numbers them by another rule. */
const LA_POSTE_SIREN = '356000000';

/** A SIRET as typed (« 123 456 789 00012 ») reduced to its 14 digits; `undefined` when it cannot be one. */
export function normaliseSiret(text: string): string | undefined {
  const digits = text.replace(/[\s.\u00a0\u202f-]/g, '');
  return /^\d{14}$/.test(digits) ? digits : undefined;
}

/**
 * Checks the SIRET key: Luhn over the 14 digits; La Poste's establishments may instead have digits summing to a
 * multiple of 5. Catches most typos before a decision is linked to an establishment that does not exist.
 */
export function isValidSiret(siret: string): boolean {
  if (!/^\d{14}$/.test(siret)) return false;
  if (luhn(siret)) return true;
  return siret.startsWith(LA_POSTE_SIREN) && [...siret].reduce((s, d) => s + Number(d), 0) % 5 === 0;
}

function luhn(siret: string): boolean {
  let sum = 0;
  for (let i = 0; i < 14; i++) {
    let d = Number(siret[13 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** « 123 456 789 00012 »: how a SIRET is printed in French documents. */
export function formatSiret(siret: string): string {
  return `${siret.slice(0, 3)} ${siret.slice(3, 6)} ${siret.slice(6, 9)} ${siret.slice(9)}`;
}

/** Completes 13 digits with the Luhn key digit (used by the demo data to make plausible, fictive SIRETs). */
export function withSiretKey(thirteen: string): string {
  for (let d = 0; d <= 9; d++) if (isValidSiret(`${thirteen}${d}`)) return `${thirteen}${d}`;
  throw new Error(`aucune clé possible pour ${thirteen}`);
}
