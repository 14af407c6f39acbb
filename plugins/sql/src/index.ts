import * as path from 'node:path';
import {
  definePlugin,
  PluginError,
  type PluginContext,
  type PluginWarning,
  type SourceRecord,
} from '@cap-iae/plugin-sdk';
import { parseSqlConfig, type SqlConfig } from './config';
import { requested, RowMapper } from './mapping';
import type { Page } from './page';
import { describeUrl, postgresColumns, readPostgres } from './postgres';
import { readSqlite, sqliteColumns } from './sqlite';

/** Rows per page: one page of rows and its records is all the plugin holds in memory at a time. */
export const PAGE_SIZE = 5000;
/** Past this many bad rows, the report gives a count: a wrong mapping would otherwise list every row of the table. */
export const MAX_WARNINGS = 1000;

function urlOf(config: SqlConfig, secrets: Readonly<Record<string, string>>): string {
  const name = config.urlSecret!;
  const url = secrets[name];
  if (typeof url !== 'string' || !url.trim()) {
    throw new PluginError(
      'SECRET_MISSING',
      `le secret ${name} (adresse de la base PostgreSQL) n'est pas défini`,
    );
  }
  return url;
}

function pagesOf(
  config: SqlConfig,
  ctx: PluginContext<SqlConfig>,
): { pages: AsyncGenerator<Page>; label: string } {
  if (config.engine === 'sqlite') {
    return {
      pages: readSqlite(config.path!, config.query, PAGE_SIZE, ctx.signal),
      label: `requête SQL (SQLite ${path.basename(config.path!)})`,
    };
  }
  const url = urlOf(config, ctx.secrets);
  return {
    pages: readPostgres(url, config.query, PAGE_SIZE, config.statementTimeoutSeconds, ctx.signal),
    label: `requête SQL (${describeUrl(url)})`,
  };
}

async function columnsOf(config: SqlConfig, ctx: PluginContext<SqlConfig>): Promise<string[]> {
  if (config.engine === 'sqlite') return sqliteColumns(config.path!, config.query);
  return postgresColumns(urlOf(config, ctx.secrets), config.query, ctx.signal);
}

export default definePlugin<SqlConfig>({
  parseConfig: parseSqlConfig,

  async *fetchValues(request, ctx) {
    const { config, signal } = ctx;
    if (signal.aborted) throw new PluginError('ABORTED', 'exécution annulée');
    const { pages, label } = pagesOf(config, ctx);
    let mapper: RowMapper | undefined;
    let line = 0;
    let warned = 0;
    let produced = 0;
    for await (const page of pages) {
      // Checked on the first page, which comes even for an empty result: a wrong mapping fails the run at once.
      mapper ??= new RowMapper(config, page.columns, label);
      const records: SourceRecord[] = [];
      const warnings: PluginWarning[] = [];
      for (const row of page.rows) {
        line++;
        const outcome = mapper.map(row, line);
        if (outcome.record) {
          if (requested(request, outcome.record)) records.push(outcome.record);
          continue;
        }
        for (const w of outcome.warnings) if (++warned <= MAX_WARNINGS) warnings.push(w);
      }
      produced += records.length;
      ctx.progress(line);
      yield { records, warnings };
    }
    if (warned > MAX_WARNINGS) {
      yield {
        records: [],
        warnings: [{ message: `${warned - MAX_WARNINGS} autre(s) avertissement(s) non détaillé(s)` }],
      };
    }
    ctx.logger.info(`${line} ligne(s) lue(s), ${produced} enregistrement(s), ${warned} avertissement(s)`);
  },

  async healthCheck(ctx) {
    try {
      const columns = await columnsOf(ctx.config, ctx);
      // The mapper checks the mapping against the columns; it throws with the list of missing ones.
      new RowMapper(ctx.config, columns, '');
      const where = ctx.config.engine === 'sqlite' ? `fichier SQLite ${ctx.config.path}` : 'base PostgreSQL';
      return { ok: true, message: `${where} accessible, requête valide (colonnes : ${columns.join(', ')})` };
    } catch (e) {
      return { ok: false, message: e instanceof Error ? e.message : String(e) };
    }
  },
});
