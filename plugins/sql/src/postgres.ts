import { Client, type DatabaseError, type QueryConfig } from 'pg';
import { PluginError } from '@cap-iae/plugin-sdk';
import type { Page } from './page';

const CURSOR = 'cap_iae_rows';
/** A transaction left idle by a host that stopped reading must not hold its snapshot on the source for long. */
const IDLE_IN_TRANSACTION_MS = 300_000;

/** Errors from native drivers may come from another realm (e.g. under Jest): `instanceof Error` is not reliable. */
function message(e: unknown): string {
  const m = (e as { message?: unknown } | null)?.message;
  return typeof m === 'string' ? m : String(e);
}

function sqlState(e: unknown): string | undefined {
  const code = (e as Partial<DatabaseError> | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Where a record comes from, without the user name and password the URL may hold. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `PostgreSQL ${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
  } catch {
    return 'PostgreSQL';
  }
}

function connectionError(e: unknown): PluginError {
  const code = sqlState(e);
  // 28xxx: authentication; 3D000: unknown database; 42501: no right to connect. Anything else is reaching the server.
  if (code?.startsWith('28') || code === '42501') {
    return new PluginError('SOURCE_REFUSED', `PostgreSQL a refusé la connexion : ${message(e)}`);
  }
  return new PluginError('SOURCE_UNREACHABLE', `connexion à PostgreSQL impossible : ${message(e)}`);
}

function queryError(e: unknown): PluginError {
  if (e instanceof PluginError) return e;
  const code = sqlState(e);
  if (code === '25006') {
    return new PluginError(
      'SOURCE_REFUSED',
      `écriture refusée par PostgreSQL (transaction en lecture seule) : ${message(e)}`,
    );
  }
  if (code === '42501')
    return new PluginError('SOURCE_REFUSED', `droits insuffisants sur la base : ${message(e)}`);
  if (code === '57014')
    return new PluginError(
      'TIMEOUT',
      `requête arrêtée par PostgreSQL (durée maximale dépassée) : ${message(e)}`,
    );
  // 42xxx: syntax or unknown object; 0A000: not supported (a data-modifying WITH in a cursor, for one).
  if (code?.startsWith('42') || code === '0A000') {
    return new PluginError('CONFIG_INVALID', `requête refusée par PostgreSQL : ${message(e)}`);
  }
  return new PluginError('SOURCE_REFUSED', `PostgreSQL a refusé la requête : ${message(e)}`);
}

/**
 * The extended protocol runs exactly one statement: even if a second one slipped past the text check, the server
 * would refuse it ("cannot insert multiple commands into a prepared statement"). `queryMode` is not in @types/pg.
 */
function single(text: string): QueryConfig {
  const config: QueryConfig & { queryMode: 'extended' } = { text, queryMode: 'extended' };
  return config;
}

/**
 * A connection that is ended at most once, and as soon as the run is cancelled: ending the client aborts the query
 * in flight (its promise rejects), which is all a cancellation needs.
 */
class Connection {
  readonly client: Client;
  private ending?: Promise<void>;
  private readonly onAbort = () => void this.end();

  constructor(
    url: string,
    private readonly signal: AbortSignal,
  ) {
    this.client = new Client({
      connectionString: url,
      application_name: 'cap-iae-source-sql',
      connectionTimeoutMillis: 15_000,
    });
    // An error on an idle client (server restart) would otherwise be an uncaught 'error' event.
    this.client.on('error', () => undefined);
    signal.addEventListener('abort', this.onAbort, { once: true });
  }

  async open(statementTimeoutSeconds: number): Promise<void> {
    if (this.signal.aborted) throw aborted();
    try {
      await this.client.connect();
    } catch (e) {
      throw this.signal.aborted ? aborted() : connectionError(e);
    }
    await this.run('BEGIN TRANSACTION READ ONLY');
    // Integers checked by parseConfig: safe to write into the statement (SET takes no parameters).
    await this.run(`SET LOCAL statement_timeout = ${Math.round(statementTimeoutSeconds * 1000)}`);
    await this.run(`SET LOCAL idle_in_transaction_session_timeout = ${IDLE_IN_TRANSACTION_MS}`);
  }

  async run(text: string | QueryConfig) {
    try {
      return await this.client.query<Record<string, unknown>>(typeof text === 'string' ? single(text) : text);
    } catch (e) {
      throw this.signal.aborted ? aborted() : queryError(e);
    }
  }

  end(): Promise<void> {
    this.signal.removeEventListener('abort', this.onAbort);
    this.ending ??= this.client.end().catch(() => undefined);
    return this.ending;
  }
}

function aborted(): PluginError {
  return new PluginError('ABORTED', 'exécution annulée');
}

/** Result columns of the query, without reading its rows (LIMIT 0 on the query as a subquery), for the health check. */
export async function postgresColumns(url: string, query: string, signal: AbortSignal): Promise<string[]> {
  const connection = new Connection(url, signal);
  try {
    await connection.open(10);
    const result = await connection.run(`SELECT * FROM (${query}) AS cap_iae_probe LIMIT 0`);
    return result.fields.map((f) => f.name);
  } finally {
    await connection.end();
  }
}

/**
 * Reads the result through a server-side cursor, one page at a time, inside a read-only transaction with a statement
 * timeout: memory stays bounded by the page size whatever the size of the result, and the transaction is rolled back
 * (nothing to keep) and the connection ended however the reading ends.
 */
export async function* readPostgres(
  url: string,
  query: string,
  pageSize: number,
  statementTimeoutSeconds: number,
  signal: AbortSignal,
): AsyncGenerator<Page> {
  const connection = new Connection(url, signal);
  try {
    await connection.open(statementTimeoutSeconds);
    await connection.run(`DECLARE ${CURSOR} NO SCROLL CURSOR FOR ${query}`);
    for (;;) {
      const result = await connection.run(`FETCH FORWARD ${pageSize} FROM ${CURSOR}`);
      yield { columns: result.fields.map((f) => f.name), rows: result.rows };
      if (result.rows.length < pageSize) break;
      if (signal.aborted) throw aborted();
    }
    await connection.run('ROLLBACK');
  } finally {
    await connection.end();
  }
}
