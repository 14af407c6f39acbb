/**
 * Département codes as « les emplois de l'inclusion » writes them (`93`, `2A`, `971`, sometimes `1` for 01) and as
 * postal codes imply them. Kept free of any I/O so that the rules can be tested one by one.
 */

/** Normalises a département code (`1` → `01`, `2a` → `2A`); null when it is not one. */
export function normalizeDepartement(raw: unknown): string | null {
  if (typeof raw !== 'string' && typeof raw !== 'number') return null;
  const text = String(raw).trim().toUpperCase();
  const code = /^\d$/.test(text) ? `0${text}` : text;
  // `20` (Corsica before 1976) cannot say whether 2A or 2B is meant; `96` and `00` do not exist.
  if (code === '00' || code === '20' || code === '96') return null;
  return /^(\d{2}|2A|2B|97[1-8])$/.test(code) ? code : null;
}

/**
 * Département of a French postal code: two first digits, three for overseas (97xxx), and Corsica split by its
 * postal ranges (200xx–201xx Corse-du-Sud, 202xx–206xx Haute-Corse). Postal codes follow the distribution office,
 * not the commune: a few border communes get the neighbour's code, which is why this is only a fallback.
 */
export function departementFromPostalCode(raw: unknown): string | null {
  if (typeof raw !== 'string' && typeof raw !== 'number') return null;
  // Only a number may have lost its leading zero (1000 for 01000); a short text is a broken code, not padded.
  const text = typeof raw === 'number' ? String(raw).padStart(5, '0') : raw.trim();
  if (!/^\d{5}$/.test(text)) return null;
  if (text.startsWith('97')) return normalizeDepartement(text.slice(0, 3));
  if (text.startsWith('20')) return text[2] === '0' || text[2] === '1' ? '2A' : '2B';
  // 98xxx: Monaco and Pacific collectivities, outside the départements.
  if (text.startsWith('98')) return null;
  return normalizeDepartement(text.slice(0, 2));
}
