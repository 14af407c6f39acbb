/**
 * First line of defence of the `sql` source: only one SELECT (or WITH … SELECT) is accepted, before anything
 * reaches a database. It is a lexer, not a parser: it knows where string literals, quoted identifiers and comments
 * start and end in each dialect, so that a `;` or a keyword inside them is not mistaken for code, and it looks at
 * what is left. The databases add their own guards at run time (read-only connection, read-only transaction),
 * because a lexer can be wrong about a dialect and a SELECT can still call a function with side effects.
 */

export type Dialect = 'sqlite' | 'postgresql';

export class QueryRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueryRefused';
  }
}

/** Far above any hand-written query; bounds the work of the check itself. */
export const MAX_QUERY_LENGTH = 100_000;

/**
 * Words that only appear in statements that write or change the schema. Searched outside literals and quoted
 * identifiers, so a column that has such a name can still be read by quoting it ("update"). `INTO` catches
 * PostgreSQL's `SELECT … INTO new_table`, which creates a table.
 */
const FORBIDDEN = [
  'INSERT',
  'UPDATE',
  'DELETE',
  'MERGE',
  'DROP',
  'ALTER',
  'CREATE',
  'TRUNCATE',
  'GRANT',
  'REVOKE',
  'COPY',
  'ATTACH',
  'DETACH',
  'PRAGMA',
  'VACUUM',
  'REINDEX',
  'CALL',
  'LOCK',
  'INTO',
];

interface Scan {
  /** The query without its comments (each replaced by a space): what will be run. */
  text: string;
  /** Same, with the content of literals and quoted identifiers blanked: what the keyword checks look at. */
  skeleton: string;
}

function scan(query: string, dialect: Dialect): Scan {
  let text = '';
  let skeleton = '';
  let i = 0;
  const n = query.length;
  const isWordChar = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_$]/.test(c);

  /** Copies a quoted run ending at `close`, where a doubled `close` is an escaped one; returns the end index. */
  const quoted = (
    start: number,
    open: string,
    close: string,
    unterminated: string,
    backslashEscapes = false,
  ) => {
    let j = start + open.length;
    for (;;) {
      if (j >= n) throw new QueryRefused(`${unterminated} (caractère ${start + 1})`);
      if (backslashEscapes && query[j] === '\\') {
        j += 2;
        continue;
      }
      if (query.startsWith(close, j)) {
        if (close.length === 1 && query[j + 1] === close && close !== ']') {
          j += 2;
          continue;
        }
        j += close.length;
        break;
      }
      j++;
    }
    text += query.slice(start, j);
    skeleton += `${open}${close}`;
    return j;
  };

  while (i < n) {
    const c = query[i];
    const next = query[i + 1];
    if (c === '-' && next === '-') {
      const end = query.indexOf('\n', i);
      i = end < 0 ? n : end;
      text += ' ';
      skeleton += ' ';
      continue;
    }
    if (c === '/' && next === '*') {
      // PostgreSQL nests block comments, SQLite does not: the same text can end at different places.
      let depth = 1;
      let j = i + 2;
      while (depth > 0) {
        if (j >= n) throw new QueryRefused(`commentaire /* non fermé (caractère ${i + 1})`);
        if (query.startsWith('*/', j)) {
          depth--;
          j += 2;
        } else if (dialect === 'postgresql' && query.startsWith('/*', j)) {
          depth++;
          j += 2;
        } else j++;
      }
      i = j;
      text += ' ';
      skeleton += ' ';
      continue;
    }
    if (c === "'") {
      // PostgreSQL's E'…' strings escape with backslashes; the E is already copied as a word character.
      const escaped =
        dialect === 'postgresql' && /[Ee]/.test(query[i - 1] ?? '') && !isWordChar(query[i - 2]);
      i = quoted(i, "'", "'", 'chaîne non fermée', escaped);
      continue;
    }
    if (c === '"') {
      i = quoted(i, '"', '"', 'identifiant entre guillemets non fermé');
      continue;
    }
    if (dialect === 'sqlite' && c === '`') {
      i = quoted(i, '`', '`', 'identifiant entre accents graves non fermé');
      continue;
    }
    if (dialect === 'sqlite' && c === '[') {
      i = quoted(i, '[', ']', 'identifiant entre crochets non fermé');
      continue;
    }
    if (dialect === 'postgresql' && c === '$' && !isWordChar(query[i - 1])) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(query.slice(i));
      if (tag) {
        i = quoted(i, tag[0], tag[0], 'chaîne entre dollars non fermée');
        continue;
      }
    }
    text += c;
    skeleton += c;
    i++;
  }
  return { text, skeleton };
}

/**
 * Returns the query as it will be run (comments removed, a final `;` dropped), or throws QueryRefused with a French
 * message when it is anything but a single reading statement.
 */
export function checkReadOnlyQuery(query: string, dialect: Dialect): string {
  if (!query.trim()) throw new QueryRefused('requête vide');
  if (query.length > MAX_QUERY_LENGTH)
    throw new QueryRefused(`requête trop longue (${MAX_QUERY_LENGTH} caractères au plus)`);
  const { text, skeleton } = scan(query, dialect);

  const semicolon = skeleton.indexOf(';');
  if (semicolon >= 0 && skeleton.slice(semicolon + 1).trim() !== '') {
    throw new QueryRefused('une seule instruction est permise : rien ne doit suivre le « ; »');
  }
  // Literals keep their length in `text` but not in `skeleton`: cut `text` at its own last `;`, which is the same one
  // since nothing but blanks follows it in the skeleton.
  const runnable = (semicolon >= 0 ? text.slice(0, text.lastIndexOf(';')) : text).trim();
  const code = semicolon >= 0 ? skeleton.slice(0, semicolon) : skeleton;

  const first = /^\s*([A-Za-z]+)/.exec(code)?.[1]?.toUpperCase();
  if (first !== 'SELECT' && first !== 'WITH') {
    throw new QueryRefused(
      `la requête doit commencer par SELECT ou WITH${first ? ` (et non ${first})` : ''}`,
    );
  }
  for (const word of FORBIDDEN) {
    const pattern = new RegExp(`(^|[^A-Za-z0-9_$])${word}($|[^A-Za-z0-9_$])`, 'i');
    if (pattern.test(code)) {
      throw new QueryRefused(
        `mot-clé ${word} interdit : la requête doit seulement lire (mettez entre guillemets doubles une colonne qui porterait ce nom)`,
      );
    }
  }
  return runnable;
}
