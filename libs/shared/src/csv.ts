/**
 * CSV for spreadsheets used in France: `;` separator, CRLF, UTF-8 with a BOM (so that Excel reads the accents).
 * A cell starting with `= + - @`, a tab or a carriage return is prefixed with `'`: opened in a spreadsheet, it would
 * otherwise run as a formula (CSV injection).
 */
export function csvCell(value: unknown): string {
  let text =
    value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[;"\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Whole file, header row included: every cell neutralised, with the BOM and a final line break. */
export function toCsv(rows: readonly (readonly unknown[])[]): string {
  return `\ufeff${rows.map((r) => r.map(csvCell).join(';')).join('\r\n')}\r\n`;
}
