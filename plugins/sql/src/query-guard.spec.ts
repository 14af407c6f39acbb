import { checkReadOnlyQuery, QueryRefused, type Dialect } from './query-guard';

function refusal(query: string, dialect: Dialect = 'sqlite'): string {
  try {
    checkReadOnlyQuery(query, dialect);
  } catch (e) {
    if (e instanceof QueryRefused) return e.message;
    throw e;
  }
  throw new Error(`« ${query} » devait être refusée`);
}

describe('read-only query check', () => {
  it('accepts a SELECT or a WITH, removes comments and a final semicolon', () => {
    expect(checkReadOnlyQuery('SELECT a FROM t', 'sqlite')).toBe('SELECT a FROM t');
    expect(checkReadOnlyQuery('  select a from t ;  -- fin\n', 'sqlite')).toBe('select a from t');
    expect(checkReadOnlyQuery('/* lecture */ WITH x AS (SELECT 1 AS a) SELECT a FROM x', 'postgresql')).toBe(
      'WITH x AS (SELECT 1 AS a) SELECT a FROM x',
    );
  });

  it('keeps semicolons, comment marks and keywords that are inside literals or quoted names', () => {
    const q = `SELECT 'a;b -- c /* d */', "delete", 'DROP TABLE t' FROM t WHERE x = 'it''s'`;
    expect(checkReadOnlyQuery(q, 'sqlite')).toBe(q);
    expect(checkReadOnlyQuery(q, 'postgresql')).toBe(q);
    expect(checkReadOnlyQuery('SELECT `update`, [insert] FROM t', 'sqlite')).toBe(
      'SELECT `update`, [insert] FROM t',
    );
    expect(
      checkReadOnlyQuery("SELECT $$; DROP TABLE t$$, $q$a'b$q$, E'\\'; DELETE' FROM t", 'postgresql'),
    ).toBe("SELECT $$; DROP TABLE t$$, $q$a'b$q$, E'\\'; DELETE' FROM t");
    expect(checkReadOnlyQuery('SELECT created_at, updated_by, pragma_x FROM t', 'sqlite')).toBe(
      'SELECT created_at, updated_by, pragma_x FROM t',
    );
  });

  it('refuses anything but a single reading statement', () => {
    expect(refusal('DELETE FROM t')).toBe('la requête doit commencer par SELECT ou WITH (et non DELETE)');
    expect(refusal('SELECT 1; DROP TABLE t')).toBe(
      'une seule instruction est permise : rien ne doit suivre le « ; »',
    );
    expect(refusal('SELECT 1; -- commentaire\n SELECT 2')).toContain('une seule instruction');
    expect(refusal('SELECT 1 /* ; */; DROP TABLE t', 'postgresql')).toContain('une seule instruction');
    expect(refusal('WITH x AS (DELETE FROM t RETURNING 1) SELECT * FROM x', 'postgresql')).toContain(
      'mot-clé DELETE interdit',
    );
    expect(refusal('WITH x AS (UPDATE t SET a = 1 RETURNING a) SELECT * FROM x', 'postgresql')).toContain(
      'mot-clé UPDATE interdit',
    );
    expect(refusal('SELECT * INTO copie FROM t', 'postgresql')).toContain('mot-clé INTO interdit');
    expect(refusal('SELECT * FROM t FOR UPDATE', 'postgresql')).toContain('mot-clé UPDATE interdit');
    expect(refusal('-- SELECT\nPRAGMA writable_schema = 1')).toContain('(et non PRAGMA)');
    expect(refusal('ATTACH DATABASE "x.db" AS x')).toContain('(et non ATTACH)');
    expect(refusal('  ')).toBe('requête vide');
    expect(refusal('-- rien')).toBe('la requête doit commencer par SELECT ou WITH');
  });

  it('refuses unterminated literals and comments rather than guess', () => {
    expect(refusal("SELECT 'abc")).toBe('chaîne non fermée (caractère 8)');
    expect(refusal('SELECT 1 /* ; DROP TABLE t')).toContain('commentaire /* non fermé');
    // PostgreSQL nests block comments: the first */ does not end this one, so the DELETE is still commented out.
    expect(checkReadOnlyQuery('SELECT 1 /* a /* b */ DELETE */', 'postgresql')).toBe('SELECT 1');
    // SQLite does not nest: the same text leaves code after the first */, and that code is checked.
    expect(refusal('SELECT 1 /* a /* b */ DELETE */', 'sqlite')).toContain('mot-clé DELETE interdit');
  });
});
