import { csvCell } from '@cap-iae/shared';
import type { Cell, ColumnKind, ConferenceTable } from './tables';

/**
 * Numbers we computed go out unquoted with a decimal comma (« 1234567,5 »), which French spreadsheets read as
 * numbers; they never need the formula guard (a leading « - » of a negative change is a sign, not a formula). Text
 * cells, which may come from people (comments, labels), go through `csvCell`.
 */
function csvValue(value: Cell): string {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value).replace('.', ',') : '';
  return csvCell(value);
}

/**
 * One table: header then rows (then its total). Several tables: each preceded by its caption and followed by an
 * empty line, in one file, so that « tout exporter » stays a single download.
 */
export function tablesToCsv(tables: readonly ConferenceTable[]): string {
  const lines: string[] = [];
  for (const table of tables) {
    if (tables.length > 1) lines.push(csvCell(table.caption));
    lines.push(table.columns.map((c) => csvCell(c.header)).join(';'));
    for (const row of table.total ? [...table.rows, table.total] : table.rows)
      lines.push(row.map(csvValue).join(';'));
    if (tables.length > 1) lines.push('');
  }
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

/**
 * Spreadsheet number formats. They are stored in the file's invariant syntax (`,` groups thousands, `.` is the
 * decimal point) and shown by a French Excel or LibreOffice as « # ##0 » and « # ##0,00 € ».
 */
const NUMBER_FORMATS: Record<ColumnKind, string | undefined> = {
  text: undefined,
  year: '0',
  count: '#,##0',
  euro: '#,##0.00 "€"',
  perEtp: '#,##0 "€"',
  etp: '#,##0.0',
  percent: '0.0%',
};

/** Percentages travel as fractions (45,3 % → 0.453) so that the spreadsheet treats them as percentages. */
function xlsxValue(value: Cell, kind: ColumnKind): string | number | null {
  if (value === null || value === '') return null;
  if (typeof value === 'number' && kind === 'percent') return value / 100;
  return value;
}

export async function tablesToXlsx(
  tables: readonly ConferenceTable[],
  about: { title: string; lines: string[] },
): Promise<Buffer> {
  // Loaded on demand: exceljs is large and most requests never build a workbook.
  const ExcelJS = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Cap IAE';
  workbook.created = new Date();
  const used = new Set<string>();
  for (const table of tables) {
    const sheet = workbook.addWorksheet(sheetName(table.sheet, used), {
      views: [{ state: 'frozen', ySplit: 1 }],
    });
    sheet.columns = table.columns.map((c) => ({
      header: c.header,
      width: Math.max(12, Math.min(45, c.header.length + 2)),
      style: NUMBER_FORMATS[c.kind] ? { numFmt: NUMBER_FORMATS[c.kind] } : {},
    }));
    sheet.getRow(1).font = { bold: true };
    for (const row of table.rows) sheet.addRow(row.map((v, i) => xlsxValue(v, table.columns[i].kind)));
    if (table.total) {
      const total = sheet.addRow(table.total.map((v, i) => xlsxValue(v, table.columns[i].kind)));
      total.font = { bold: true };
    }
  }
  const aboutSheet = workbook.addWorksheet(sheetName('À propos', used));
  aboutSheet.getColumn(1).width = 110;
  aboutSheet.addRow([about.title]).font = { bold: true };
  for (const line of about.lines) aboutSheet.addRow([line]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function sheetName(wanted: string, used: Set<string>): string {
  const base = wanted.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31);
  let name = base;
  for (let i = 2; used.has(name); i++) name = `${base.slice(0, 28)} ${i}`;
  used.add(name);
  return name;
}
