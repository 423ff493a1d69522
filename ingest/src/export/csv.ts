/** CSV for `format=csv`: RFC 4180 with a header row, safe to open in a spreadsheet. */
import { stringify } from 'csv-stringify/sync';

/**
 * OWASP's advice for CSV injection, done by csv-stringify: a cell that starts with = + - @ (or a
 * tab or carriage return, or their full-width forms) gets a leading apostrophe so a spreadsheet
 * keeps it text (`escape_formulas`); a cell holding `;` is quoted like one holding `,`, a quote or
 * a line break, since `;` is the field separator of many locales' spreadsheets. A cell that starts
 * with NUL is prefixed too (ASVS 5.0, 1.2.10): csv-stringify leaves it alone. Paths start with
 * "/", so ordinary values are never touched.
 */
const OPTIONS = {
  escape_formulas: true,
  quoted_match: ';',
  record_delimiter: '\r\n',
  cast: {
    string: (text: string) => (text.startsWith('\0') ? `'${text}` : text),
    object: (value: object) => JSON.stringify(value),
    boolean: (value: boolean) => String(value),
  },
} as const;

export function toCsv(columns: readonly string[], records: ReadonlyArray<Record<string, unknown>>): string {
  const header = stringify([columns], OPTIONS);
  return header + stringify(records as Array<Record<string, unknown>>, { ...OPTIONS, columns: [...columns] });
}
