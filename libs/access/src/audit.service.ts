import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditRecord, AuditSink, currentContext, DomainError } from '@cap-iae/shared';
import { AuditEntry, AuditChannel } from './access.entities';

export interface AuditView {
  id: number;
  at: string;
  actor: string;
  channel: AuditChannel;
  action: string;
  objectType: string;
  objectId: string;
  before: unknown;
  after: unknown;
  summary: string | null;
}

export interface AuditFilter {
  objectType?: string;
  objectId?: string;
  actor?: string;
  limit: number;
  offset: number;
}

const CSV_COLUMNS = ['date', 'auteur', 'canal', 'action', 'objet', 'identifiant', 'résumé', 'avant', 'après'];

/** Spreadsheet programs run a cell starting with these as a formula: such a cell is prefixed with a quote. */
export function csvCell(value: unknown): string {
  let text =
    value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[;"\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

@Injectable()
export class AuditService implements AuditSink {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async record(entries: AuditRecord | AuditRecord[]): Promise<void> {
    const list = Array.isArray(entries) ? entries : [entries];
    if (list.length === 0) return;
    const ctx = currentContext();
    const at = new Date().toISOString();
    const rows = list.map((e) => ({
      at,
      actor: ctx.actor,
      channel: ctx.channel,
      action: e.action.slice(0, 60),
      objectType: e.objectType.slice(0, 40),
      objectId: e.objectId.slice(0, 200),
      before: e.before === undefined ? null : JSON.stringify(e.before),
      after: e.after === undefined ? null : JSON.stringify(e.after),
      summary: e.summary?.slice(0, 500) ?? null,
      requestId: ctx.requestId ?? null,
    }));
    for (let i = 0; i < rows.length; i += 200) {
      await this.dataSource
        .createQueryBuilder()
        .insert()
        .into(AuditEntry)
        .values(rows.slice(i, i + 200))
        .execute();
    }
  }

  async list(filter: AuditFilter): Promise<{ items: AuditView[]; total: number }> {
    if (filter.objectId && !filter.objectType) {
      throw DomainError.validation([
        { field: 'objectType', message: "obligatoire quand l'identifiant est donné" },
      ]);
    }
    const qb = this.dataSource.getRepository(AuditEntry).createQueryBuilder('a');
    if (filter.objectType) qb.andWhere('a.objectType = :t', { t: filter.objectType });
    if (filter.objectId) qb.andWhere('a.objectId = :i', { i: filter.objectId });
    if (filter.actor) qb.andWhere('a.actor = :actor', { actor: filter.actor });
    qb.orderBy('a.id', 'DESC').skip(filter.offset).take(filter.limit);
    const [rows, total] = await qb.getManyAndCount();
    return { items: rows.map(toView), total };
  }

  /** CSV in the French spreadsheet convention (semicolons, UTF-8 with BOM), every cell neutralised. */
  async exportCsv(filter: Omit<AuditFilter, 'limit' | 'offset'>): Promise<string> {
    const { items } = await this.list({ ...filter, limit: 1_000_000, offset: 0 });
    const lines = [CSV_COLUMNS.join(';')];
    for (const e of items) {
      lines.push(
        [e.at, e.actor, e.channel, e.action, e.objectType, e.objectId, e.summary, e.before, e.after]
          .map(csvCell)
          .join(';'),
      );
    }
    return `\ufeff${lines.join('\r\n')}\r\n`;
  }
}

function toView(e: AuditEntry): AuditView {
  return {
    id: e.id,
    at: e.at,
    actor: e.actor,
    channel: e.channel,
    action: e.action,
    objectType: e.objectType,
    objectId: e.objectId,
    before: e.before ? (JSON.parse(e.before) as unknown) : null,
    after: e.after ? (JSON.parse(e.after) as unknown) : null,
    summary: e.summary,
  };
}
