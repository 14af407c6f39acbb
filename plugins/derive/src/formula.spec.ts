import {
  codesOf,
  evaluate,
  EvaluationIssue,
  FormulaSyntaxError,
  MAX_DEPTH,
  parseFormula,
  show,
} from './formula';

const shown = (source: string) => show(parseFormula(source));
const calc = (source: string, values: Record<string, number> = {}) =>
  evaluate(parseFormula(source), (code) => (code in values ? values[code] : undefined));

function syntaxError(source: string): FormulaSyntaxError {
  try {
    parseFormula(source);
  } catch (e) {
    if (e instanceof FormulaSyntaxError) return e;
    throw e;
  }
  throw new Error(`« ${source} » devait être refusée`);
}

describe('formula parser', () => {
  it('gives * and / precedence over + and -, left to right', () => {
    expect(shown('1 + 2 * 3')).toBe('(1 + (2 * 3))');
    expect(shown('1 - 2 - 3')).toBe('((1 - 2) - 3)');
    expect(shown('8 / 4 / 2')).toBe('((8 / 4) / 2)');
    expect(shown('100 * SORTIES_DYN / SORTIES_NB')).toBe('((100 * SORTIES_DYN) / SORTIES_NB)');
    expect(shown('(1 + 2) * 3')).toBe('((1 + 2) * 3)');
    expect(calc('1 + 2 * 3')).toBe(7);
    expect(calc('(1 + 2) * 3')).toBe(9);
    expect(calc('8 / 4 / 2')).toBe(1);
  });

  it('reads unary minus, also repeated and before a parenthesis', () => {
    expect(shown('-A * B')).toBe('((-A) * B)');
    expect(calc('-2 * 3')).toBe(-6);
    expect(calc('- -2')).toBe(2);
    expect(calc('3 - -2')).toBe(5);
    expect(calc('-(1 + 2)')).toBe(-3);
  });

  it('reads decimal numbers and indicator codes', () => {
    expect(calc('0.5 * ETP_CIP + .25', { ETP_CIP: 10 })).toBe(5.25);
    expect(codesOf(parseFormula('A + B_2 * somme(C, A)'))).toEqual(['A', 'B_2', 'C']);
  });

  it('computes somme, min and max with one or more arguments', () => {
    const v = { FIN_ETAT: 10, FIN_CD: 5, FIN_REGION: 2.5 };
    expect(calc('somme(FIN_ETAT, FIN_CD, FIN_REGION)', v)).toBe(17.5);
    expect(calc('min(FIN_ETAT, FIN_CD)', v)).toBe(5);
    expect(calc('max(FIN_ETAT, FIN_CD * 3)', v)).toBe(15);
    expect(calc('somme(FIN_ETAT)', v)).toBe(10);
    expect(calc('100 * max(1, min(2, 3)) / somme(1, 3)')).toBe(50);
  });

  it('reports syntax errors in French with their position', () => {
    expect(syntaxError('1 +').message).toBe(
      'nombre, indicateur ou parenthèse attendu au lieu de la fin de la formule (position 4)',
    );
    expect(syntaxError('(A + B').message).toBe(
      'parenthèse fermante attendue, trouvé la fin de la formule (position 7)',
    );
    expect(syntaxError('A + B)').message).toBe('parenthèse fermante en trop (position 6)');
    expect(syntaxError('A B').message).toBe('opérateur attendu avant « B » (position 3)');
    expect(syntaxError('A % B').message).toBe('caractère inattendu « % » (position 3)');
    expect(syntaxError('1,5 * A').position).toBe(2);
    expect(syntaxError('1.2.3').message).toContain('nombre mal écrit');
    expect(syntaxError('moyenne(A, B)').message).toContain('nom inconnu « moyenne »');
    expect(syntaxError('SIAE_NB(2)').message).toBe(
      "« SIAE_NB » n'est pas une fonction (somme, min, max) (position 8)",
    );
    expect(syntaxError('somme A').message).toContain('parenthèse ouvrante attendue après somme');
    expect(syntaxError('somme(A B)').message).toContain(
      'parenthèse fermante ou virgule attendue dans somme(…)',
    );
    expect(syntaxError('min()').position).toBe(5);
    expect(syntaxError('   ').message).toBe('formule vide (position 1)');
  });

  it('refuses anything that is not the formula language', () => {
    for (const attempt of [
      'process.exit()',
      'constructor',
      'A.constructor',
      '__proto__',
      'this',
      'require("fs")',
      'A; B',
      '`A`',
      'A[0]',
      'A = 1',
      'Function("return 1")()',
    ]) {
      expect(() => parseFormula(attempt)).toThrow(FormulaSyntaxError);
    }
  });

  it('bounds nesting instead of overflowing the stack', () => {
    const deep = `${'('.repeat(MAX_DEPTH + 1)}A${')'.repeat(MAX_DEPTH + 1)}`;
    expect(syntaxError(deep).message).toContain('formule trop imbriquée');
    expect(syntaxError('-'.repeat(1000) + 'A').message).toContain('formule trop imbriquée');
    expect(syntaxError('A + '.repeat(1000) + 'A').message).toContain('formule trop longue');
    expect(calc(`${'('.repeat(MAX_DEPTH - 2)}A${')'.repeat(MAX_DEPTH - 2)}`, { A: 1 })).toBe(1);
  });

  it('reports a division by zero and a missing value as evaluation issues', () => {
    expect(() => calc('A / (B - B)', { A: 1, B: 2 })).toThrow(
      new EvaluationIssue('division par zéro ((B - B) vaut 0)', 'division-by-zero'),
    );
    expect(() => calc('A / B', { A: 1 })).toThrow(new EvaluationIssue('valeur de B absente', 'missing'));
    expect(() => calc('A * 1e308', { A: 1 })).toThrow(FormulaSyntaxError);
    expect(() => calc('A * 10000000000 * 10000000000', { A: 1e300 })).toThrow('résultat non fini');
  });
});
