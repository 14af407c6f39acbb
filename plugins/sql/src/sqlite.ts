import { setImmediate as nextTick } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { PluginError } from '@cap-iae/plugin-sdk';
import type { Page } from './page';

/** Errors from native drivers may come from another realm (e.g. under Jest): `instanceof Error` is not reliable. */
function message(e: unknown): string {
  const m = (e as { message?: unknown } | null)?.message;
  return typeof m === 'string' ? m : String(e);
}

/**
 * Opens the file the way the run may use it: read-only connection, file must exist (never create an empty database
 * at a mistyped path), and `query_only` so that even a statement SQLite would let through on a read-only connection
 * (a temporary table, for one) is refused.
 */
function open(path: string): Database.Database {
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true, timeout: 5000 });
  } catch (e) {
    throw new PluginError(
      'SOURCE_UNREACHABLE',
      `base SQLite « ${path} » impossible à ouvrir : ${message(e)}`,
    );
  }
  db.pragma('query_only = ON');
  return db;
}

function prepare(db: Database.Database, query: string): Database.Statement {
  let statement: Database.Statement;
  try {
    statement = db.prepare(query);
  } catch (e) {
    throw new PluginError('CONFIG_INVALID', `requête refusée par SQLite : ${message(e)}`);
  }
  // SQLite knows whether a compiled statement writes: the last guard, whatever the query text looked like.
  if (!statement.readonly)
    throw new PluginError('CONFIG_INVALID', 'requête refusée : elle modifierait la base');
  if (!statement.reader)
    throw new PluginError('CONFIG_INVALID', 'requête refusée : elle ne renvoie pas de lignes');
  return statement;
}

/** Result columns without running the query (for the health check). */
export function sqliteColumns(path: string, query: string): string[] {
  const db = open(path);
  try {
    return prepare(db, query)
      .columns()
      .map((c) => c.name);
  } finally {
    db.close();
  }
}

/**
 * Reads the result in pages, keeping one page in memory. better-sqlite3 is synchronous: between pages the generator
 * waits for one turn of the event loop, so that a cancellation or the run's timeout can be noticed. The statement's
 * iterator, then the connection, are closed however the reading ends (done, error, consumer stopping early): a
 * connection with an unfinished iterator refuses to close.
 */
export async function* readSqlite(
  path: string,
  query: string,
  pageSize: number,
  signal: AbortSignal,
): AsyncGenerator<Page> {
  const db = open(path);
  try {
    const statement = prepare(db, query);
    const columns = statement.columns().map((c) => c.name);
    const refused = (e: unknown) =>
      e instanceof PluginError
        ? e
        : new PluginError('SOURCE_REFUSED', `SQLite a refusé la requête : ${message(e)}`);
    let iterator: IterableIterator<unknown>;
    try {
      iterator = statement.iterate();
    } catch (e) {
      throw refused(e);
    }
    try {
      let rows: Record<string, unknown>[] = [];
      for (;;) {
        let next: IteratorResult<unknown>;
        try {
          next = iterator.next();
        } catch (e) {
          throw refused(e);
        }
        if (next.done) break;
        rows.push(next.value as Record<string, unknown>);
        if (rows.length >= pageSize) {
          yield { columns, rows };
          rows = [];
          await nextTick();
          if (signal.aborted) throw new PluginError('ABORTED', 'exécution annulée');
        }
      }
      yield { columns, rows };
    } finally {
      iterator.return?.();
    }
  } finally {
    db.close();
  }
}
