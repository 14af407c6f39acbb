import { PluginError } from '@cap-iae/plugin-sdk';

/**
 * Header text as compared with the saved mapping: people retype « Année » as « annee » or « ANNÉE », Excel pads
 * with no-break spaces, Word turns apostrophes curly. None of that should break a saved mapping.
 */
export function normalizeHeader(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/[\s\u00a0\u202f\u2009]+/g, ' ')
    .trim()
    .toLowerCase();
}

const LETTERS = /^[A-Za-z]{1,3}$/;

/** Spreadsheet letter of a 0-based column index: 0 → A, 26 → AA. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    letters = String.fromCharCode(65 + r) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

/** 0-based index of a spreadsheet letter: A → 0, AA → 26. */
export function letterIndex(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

export interface ResolvedColumn {
  index: number;
  /** Name shown in warnings: the header as written in the file, or the letter when the header cell is empty. */
  name: string;
}

/**
 * The header row of a file, and how the saved mapping's column references (header text or letter) land on it.
 * A header match wins over a letter, so that a column titled « AN » is found by its name.
 */
export class HeaderRow {
  private readonly normalized: string[];

  constructor(
    readonly cells: readonly string[],
    readonly line: number,
  ) {
    this.normalized = cells.map(normalizeHeader);
  }

  nameOf(index: number): string {
    const text = (this.cells[index] ?? '').trim();
    return text || columnLetter(index);
  }

  resolve(reference: string, role: string): ResolvedColumn {
    const wanted = normalizeHeader(reference);
    const matches: number[] = [];
    this.normalized.forEach((h, i) => {
      if (h === wanted) matches.push(i);
    });
    if (matches.length === 1) return { index: matches[0], name: this.nameOf(matches[0]) };
    if (matches.length > 1) {
      throw new PluginError(
        'INPUT_INVALID',
        `la colonne « ${reference} » (${role}) apparaît ${matches.length} fois dans l'en-tête (colonnes ${matches
          .map(columnLetter)
          .join(', ')}) : désignez-la par sa lettre`,
      );
    }
    if (LETTERS.test(reference.trim())) {
      const index = letterIndex(reference.trim());
      if (index < this.cells.length) return { index, name: this.nameOf(index) };
      throw new PluginError(
        'INPUT_INVALID',
        `colonne ${reference.trim().toUpperCase()} (${role}) absente : l'en-tête ligne ${this.line} n'a que ${this.cells.length} colonne(s)`,
      );
    }
    throw new PluginError(
      'INPUT_INVALID',
      `colonne « ${reference} » (${role}) introuvable dans l'en-tête ligne ${this.line} ; colonnes présentes : ${this.describe()}`,
    );
  }

  private describe(): string {
    const names = this.cells
      .map((c) => c.trim())
      .filter(Boolean)
      .slice(0, 30)
      .map((c) => `« ${c} »`);
    const more = this.cells.length > 30 ? '…' : '';
    return names.length ? names.join(', ') + more : '(aucune)';
  }
}
