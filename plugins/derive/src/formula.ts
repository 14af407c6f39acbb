/**
 * The formula language of derived indicators, read by a hand-written tokenizer and recursive-descent parser into an
 * AST, then evaluated by walking that tree. Nothing of the formula text ever reaches `eval` or `Function`: the only
 * things a formula can name are indicator codes (looked up in a Map, never on an object, so `constructor` or
 * `__proto__` cannot reach a prototype) and the three functions listed in FUNCTIONS.
 *
 * Grammar (positions in messages are 1-based character columns):
 *   expression := term (("+" | "-") term)*
 *   term       := unary (("*" | "/") unary)*
 *   unary      := "-" unary | primary
 *   primary    := NUMBER | CODE | FUNCTION "(" expression ("," expression)* ")" | "(" expression ")"
 *   NUMBER     := digits ["." digits] | "." digits
 *   CODE       := [A-Z][A-Z0-9_]*            (indicator code, UPPER_SNAKE)
 *   FUNCTION   := somme | min | max         (lower case, so they never collide with an indicator code)
 */

export type Node =
  | { kind: 'number'; value: number; position: number }
  | { kind: 'code'; code: string; position: number }
  | { kind: 'negate'; operand: Node; position: number }
  | { kind: 'binary'; operator: BinaryOperator; left: Node; right: Node; position: number }
  | { kind: 'call'; name: FunctionName; args: Node[]; position: number };

export type BinaryOperator = '+' | '-' | '*' | '/';
export type FunctionName = 'somme' | 'min' | 'max';

const FUNCTIONS: ReadonlySet<string> = new Set<FunctionName>(['somme', 'min', 'max']);
const CODE = /^[A-Z][A-Z0-9_]*$/;

/** Bounds that keep a hostile or mistyped formula from costing more than a normal one (deep nesting overflows the stack). */
export const MAX_FORMULA_LENGTH = 2000;
export const MAX_DEPTH = 64;

/** A formula that cannot be read; `position` is the 1-based column where reading stopped. */
export class FormulaSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} (position ${position})`);
    this.name = 'FormulaSyntaxError';
  }
}

type Token =
  | { type: 'number'; value: number; text: string; position: number }
  | { type: 'code'; text: string; position: number }
  | { type: 'function'; text: FunctionName; position: number }
  | { type: 'operator'; text: BinaryOperator; position: number }
  | { type: '(' | ')' | ','; text: string; position: number }
  | { type: 'end'; text: ''; position: number };

function describe(token: Token): string {
  return token.type === 'end' ? 'la fin de la formule' : `« ${token.text} »`;
}

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    const position = i + 1;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(source[i + 1] ?? ''))) {
      const match = /^(\d+(\.\d+)?|\.\d+)/.exec(source.slice(i))!;
      const after = source[i + match[0].length];
      // `1.2.3` or `1.` would otherwise be read as two tokens and fail later with a less helpful message.
      if (after === '.' || (after !== undefined && /[0-9A-Za-z_]/.test(after))) {
        throw new FormulaSyntaxError(`nombre mal écrit « ${match[0]}${after} »`, position);
      }
      tokens.push({ type: 'number', value: Number(match[0]), text: match[0], position });
      i += match[0].length;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i))![0];
      if (FUNCTIONS.has(word)) tokens.push({ type: 'function', text: word as FunctionName, position });
      else if (CODE.test(word)) tokens.push({ type: 'code', text: word, position });
      else {
        throw new FormulaSyntaxError(
          `nom inconnu « ${word} » : les indicateurs s'écrivent en MAJUSCULES_AVEC_SOULIGNÉS, les fonctions permises sont somme, min et max`,
          position,
        );
      }
      i += word.length;
      continue;
    }
    if (c === '+' || c === '-' || c === '*' || c === '/') {
      tokens.push({ type: 'operator', text: c, position });
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({ type: c, text: c, position });
      i++;
      continue;
    }
    throw new FormulaSyntaxError(`caractère inattendu « ${c} »`, position);
  }
  tokens.push({ type: 'end', text: '', position: source.length + 1 });
  return tokens;
}

/** Reads a formula into its tree, or throws FormulaSyntaxError with a French message and the column. */
export function parseFormula(source: string): Node {
  if (source.length > MAX_FORMULA_LENGTH) {
    throw new FormulaSyntaxError(
      `formule trop longue (${MAX_FORMULA_LENGTH} caractères au plus)`,
      MAX_FORMULA_LENGTH + 1,
    );
  }
  const tokens = tokenize(source);
  if (tokens.length === 1) throw new FormulaSyntaxError('formule vide', 1);
  let index = 0;
  let depth = 0;
  const peek = () => tokens[index];
  const next = () => tokens[index++];

  const nested = <T>(position: number, read: () => T): T => {
    if (++depth > MAX_DEPTH)
      throw new FormulaSyntaxError(`formule trop imbriquée (${MAX_DEPTH} niveaux au plus)`, position);
    try {
      return read();
    } finally {
      depth--;
    }
  };

  const expression = (): Node =>
    nested(peek().position, () => {
      let left = term();
      for (let t = peek(); t.type === 'operator' && (t.text === '+' || t.text === '-'); t = peek()) {
        next();
        left = { kind: 'binary', operator: t.text, left, right: term(), position: t.position };
      }
      return left;
    });

  const term = (): Node => {
    let left = unary();
    for (let t = peek(); t.type === 'operator' && (t.text === '*' || t.text === '/'); t = peek()) {
      next();
      left = { kind: 'binary', operator: t.text, left, right: unary(), position: t.position };
    }
    return left;
  };

  const unary = (): Node => {
    const t = peek();
    if (t.type === 'operator' && t.text === '-') {
      next();
      return nested(t.position, () => ({ kind: 'negate', operand: unary(), position: t.position }));
    }
    return primary();
  };

  const primary = (): Node => {
    const t = next();
    switch (t.type) {
      case 'number':
        return { kind: 'number', value: t.value, position: t.position };
      case 'code':
        if (peek().type === '(')
          throw new FormulaSyntaxError(
            `« ${t.text} » n'est pas une fonction (somme, min, max)`,
            peek().position,
          );
        return { kind: 'code', code: t.text, position: t.position };
      case 'function': {
        if (peek().type !== '(')
          throw new FormulaSyntaxError(`parenthèse ouvrante attendue après ${t.text}`, peek().position);
        next();
        const args = [expression()];
        while (peek().type === ',') {
          next();
          args.push(expression());
        }
        expect(')', `parenthèse fermante ou virgule attendue dans ${t.text}(…)`);
        return { kind: 'call', name: t.text, args, position: t.position };
      }
      case '(': {
        const inner = expression();
        expect(')', 'parenthèse fermante attendue');
        return inner;
      }
      case 'operator':
      case ')':
      case ',':
      case 'end':
        throw new FormulaSyntaxError(
          `nombre, indicateur ou parenthèse attendu au lieu de ${describe(t)}`,
          t.position,
        );
    }
  };

  const expect = (type: ')', message: string) => {
    const t = peek();
    if (t.type !== type) throw new FormulaSyntaxError(`${message}, trouvé ${describe(t)}`, t.position);
    next();
  };

  const tree = expression();
  const rest = peek();
  if (rest.type !== 'end') {
    throw new FormulaSyntaxError(
      rest.type === ')' ? 'parenthèse fermante en trop' : `opérateur attendu avant ${describe(rest)}`,
      rest.position,
    );
  }
  return tree;
}

/** Indicator codes a tree reads, sorted and without duplicates. */
export function codesOf(node: Node): string[] {
  const codes = new Set<string>();
  const walk = (n: Node): void => {
    switch (n.kind) {
      case 'number':
        return;
      case 'code':
        codes.add(n.code);
        return;
      case 'negate':
        return walk(n.operand);
      case 'binary':
        walk(n.left);
        return walk(n.right);
      case 'call':
        return n.args.forEach(walk);
    }
  };
  walk(node);
  return [...codes].sort();
}

/** Fully parenthesised rendering of a tree: shows how a formula was understood (precedence) in tests and messages. */
export function show(node: Node): string {
  switch (node.kind) {
    case 'number':
      return String(node.value);
    case 'code':
      return node.code;
    case 'negate':
      return `(-${show(node.operand)})`;
    case 'binary':
      return `(${show(node.left)} ${node.operator} ${show(node.right)})`;
    case 'call':
      return `${node.name}(${node.args.map(show).join(', ')})`;
  }
}

/** Why one combination could not be computed; the caller turns it into a warning and moves on. */
export class EvaluationIssue extends Error {
  constructor(
    message: string,
    readonly reason: 'missing' | 'division-by-zero' | 'not-finite',
  ) {
    super(message);
    this.name = 'EvaluationIssue';
  }
}

/** Computes a tree; `valueOf` answers undefined for an indicator that has no value for the combination at hand. */
export function evaluate(node: Node, valueOf: (code: string) => number | undefined): number {
  const result = walk(node, valueOf);
  if (!Number.isFinite(result))
    throw new EvaluationIssue('résultat non fini (nombre trop grand)', 'not-finite');
  return result;
}

function walk(node: Node, valueOf: (code: string) => number | undefined): number {
  switch (node.kind) {
    case 'number':
      return node.value;
    case 'code': {
      const v = valueOf(node.code);
      if (v === undefined) throw new EvaluationIssue(`valeur de ${node.code} absente`, 'missing');
      return v;
    }
    case 'negate':
      return -walk(node.operand, valueOf);
    case 'binary': {
      const left = walk(node.left, valueOf);
      const right = walk(node.right, valueOf);
      switch (node.operator) {
        case '+':
          return left + right;
        case '-':
          return left - right;
        case '*':
          return left * right;
        case '/':
          if (right === 0)
            throw new EvaluationIssue(`division par zéro (${show(node.right)} vaut 0)`, 'division-by-zero');
          return left / right;
      }
      break;
    }
    case 'call': {
      const args = node.args.map((a) => walk(a, valueOf));
      switch (node.name) {
        case 'somme':
          return args.reduce((a, b) => a + b, 0);
        case 'min':
          return Math.min(...args);
        case 'max':
          return Math.max(...args);
      }
    }
  }
}
