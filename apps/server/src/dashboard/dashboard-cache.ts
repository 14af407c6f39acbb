import { DataSource } from 'typeorm';
import { isPostgres } from '@cap-iae/database';
import { ObservationStore } from '@cap-iae/indicators';

/**
 * Beyond this many entries the oldest are dropped. Keys follow the filters of the URL, which anyone can vary: the bound
 * keeps memory in check (a page's model weighs tens of kilobytes, the largest about a hundred).
 */
const MAX_ENTRIES = 300;

/**
 * Audited changes that no dashboard figure depends on: logging in and out, API tokens, accounts, generated bilans.
 * Any other type, including one added later, empties the cache: forgetting a type here costs a recomputation, never
 * a stale page.
 */
const IRRELEVANT_AUDIT_TYPES = new Set(['session', 'jeton', 'utilisateur', 'bilan', 'texte de bilan']);

/**
 * Read-model cache of the dashboard pages. Their figures change only when data change, while they are read far more
 * often than written: a page is computed once, then served from memory until a write invalidates it.
 *
 * Two signals invalidate it:
 * - `ObservationStore.onWritten`, heard in this process at once (imports, forms, source runs, seeds);
 * - the high-water mark of the audit trail (`MAX(id)` of `audit_entry`, a primary-key lookup): every change the
 *   application makes is audited (values, validations, targets, forced statuses, plans, funding), from this process
 *   or from another one (the command line, a second server instance). Reading it costs one indexed query per page,
 *   and spares the dashboard from knowing every service that may write. When the mark moved, the new entries' types
 *   are read (a key range): logins and account changes leave the pages as they were.
 * Entries are never served across a change of either signal: the whole map is dropped, since a single write can move
 * a regional total, a ranking, a progress status and a freshness date at once.
 */
export class DashboardCache {
  private generation = 0;
  private auditId: number | null = null;
  private readonly entries = new Map<string, Promise<unknown>>();
  private checking: Promise<void> | null = null;

  constructor(
    private readonly dataSource: DataSource,
    store: ObservationStore,
  ) {
    store.onWritten(() => this.invalidate());
  }

  invalidate(): void {
    this.generation += 1;
    this.entries.clear();
  }

  /** The value for `key`, computed by `load` if the data changed since it was last computed. */
  async get<T>(key: string, load: () => Promise<T>): Promise<T> {
    // Requests arriving together share one look at the audit trail.
    this.checking ??= this.check().finally(() => (this.checking = null));
    await this.checking;
    const generation = this.generation;
    const found = this.entries.get(key) as Promise<T> | undefined;
    if (found) return found;
    const pending = load();
    // Concurrent requests for the same page share one computation; a failure is not remembered.
    this.entries.set(key, pending);
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    // A write that landed while computing made the result stale: it serves this request only.
    void pending.then(
      () => {
        if (generation !== this.generation && this.entries.get(key) === pending) this.entries.delete(key);
      },
      () => {
        if (this.entries.get(key) === pending) this.entries.delete(key);
      },
    );
    return pending;
  }

  private async check(): Promise<void> {
    if (await this.auditChanged()) this.entries.clear();
  }

  /** Whether the audit trail recorded a change that may concern the dashboard since the last look. */
  private async auditChanged(): Promise<boolean> {
    const rows: { m: number | string | null }[] = await this.dataSource.query(
      'SELECT MAX(id) AS m FROM audit_entry',
    );
    const id = Number(rows[0]?.m ?? 0);
    const previous = this.auditId;
    if (id === previous) return false;
    this.auditId = id;
    if (previous === null || id < previous) return true;
    // New entries only: a primary-key range, a handful of rows.
    const types: { t: string }[] = await this.dataSource.query(
      isPostgres(this.dataSource)
        ? 'SELECT DISTINCT object_type AS t FROM audit_entry WHERE id > $1 AND id <= $2'
        : 'SELECT DISTINCT object_type AS t FROM audit_entry WHERE id > ? AND id <= ?',
      [previous, id],
    );
    return types.some((r) => !IRRELEVANT_AUDIT_TYPES.has(r.t));
  }
}
