import ExcelJS from 'exceljs';
import type { Response } from 'express';
import { csvCell } from '@cap-iae/access';
import { DomainError } from '@cap-iae/shared';
import type { TableCell, TableModel } from './dashboard-format';

export type ExportFormat = 'csv' | 'xlsx';

export function exportFormat(value: string | undefined): ExportFormat | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === 'csv' || value === 'xlsx') return value;
  throw DomainError.validation([{ field: 'format', message: 'doit valoir csv ou xlsx' }]);
}

/** A number as French spreadsheets read it: decimal comma, no thousands separator, no unit. */
function csvNumber(value: number): string {
  return String(value).replace('.', ',');
}

function csvText(cell: TableCell): string {
  // Numbers cannot carry a formula; text goes through the same neutralisation as the audit export.
  if (typeof cell.value === 'number') return csvNumber(cell.value);
  return csvCell(cell.text);
}

/** `;`-separated, UTF-8 with BOM, CRLF: what a French spreadsheet opens without an import dialog. */
export function tableToCsv(table: TableModel): string {
  const lines = [table.columns.map((c) => csvCell(c.label)).join(';')];
  for (const row of table.rows) lines.push(row.map(csvText).join(';'));
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

export async function tableToXlsx(table: TableModel): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Cap IAE';
  workbook.title = table.caption;
  // Sheet names are limited to 31 characters and a few forbidden signs.
  const sheet = workbook.addWorksheet(table.caption.replace(/[\\/?*[\]:]/g, ' ').slice(0, 31));
  const header = sheet.addRow(table.columns.map((c) => c.label));
  header.font = { bold: true };
  for (const row of table.rows) {
    const added = sheet.addRow(row.map((c) => (typeof c.value === 'number' ? c.value : c.text)));
    row.forEach((c, i) => {
      if (typeof c.value === 'number' && c.numFmt) added.getCell(i + 1).numFmt = c.numFmt;
    });
  }
  sheet.columns.forEach((column, i) => {
    const longest = Math.max(
      table.columns[i]?.label.length ?? 8,
      ...table.rows.map((r) => r[i]?.text.length ?? 0),
    );
    column.width = Math.min(60, Math.max(10, longest + 2));
  });
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export async function sendTable(
  res: Response,
  tables: TableModel[],
  tableId: string | undefined,
  format: ExportFormat,
  baseName: string,
): Promise<void> {
  const table = tables.find((t) => t.id === tableId);
  if (!table)
    throw DomainError.validation([
      {
        field: 'table',
        message: `tableau inconnu « ${tableId ?? ''} » (attendu : ${tables.map((t) => t.id).join(', ')})`,
      },
    ]);
  const name = `${baseName}-${table.id}`.replace(/[^A-Za-z0-9_-]+/g, '-');
  if (format === 'csv') {
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${name}.csv"`);
    res.send(tableToCsv(table));
    return;
  }
  res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  res.setHeader('Content-Disposition', `attachment; filename="${name}.xlsx"`);
  res.send(await tableToXlsx(table));
}
