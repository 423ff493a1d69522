/** CSV for `format=csv`: RFC 4180 with a header row, safe to open in a spreadsheet. */

/**
 * A cell that starts with = + - @ (or a tab or carriage return) would run as a formula in a
 * spreadsheet; a leading apostrophe keeps it text (OWASP's advice for CSV injection). Paths start
 * with "/", so ordinary values are never touched.
 */
function cell(value: unknown): string {
  let text = value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(columns: readonly string[], records: ReadonlyArray<Record<string, unknown>>): string {
  const lines = [columns.map(cell).join(',')];
  for (const record of records) lines.push(columns.map((column) => cell(record[column])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
