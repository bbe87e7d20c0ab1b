/**
 * CSV as RFC 4180 writes it, with spreadsheet formula injection defused. No CSV library is a
 * dependency of the backend, and writing (not parsing) needs only these few rules, tested cell
 * by cell in test/exports/csv.test.ts. Decision record: docs/decisions/0039-incident-notes-and-exports.md.
 */

/** What a cell may hold: text, a number, or nothing (an empty cell). */
export type Cell = string | number | null;

/** One column of an export: its header and how a row fills it. */
export interface Column<Row> {
  header: string;
  cell: (row: Row) => Cell;
}

/**
 * A spreadsheet runs a cell starting with one of these as a formula (`=HYPERLINK(...)`, `+cmd|…`,
 * `@SUM(…)`); tab and CR are on OWASP's list because some spreadsheets strip them first.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A field holding one of these must be quoted (RFC 4180 §2.6). */
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One field. Text starting like a formula gets a leading `'` (the spreadsheet then shows it as
 * text) and is quoted; text with a comma, a quote or a line break is quoted with its quotes
 * doubled. Numbers are written as numbers, so a negative value stays a number (-3, not '-3);
 * null and non-finite numbers are empty cells.
 */
export function csvField(value: Cell): string {
  if (value === null) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (FORMULA_START.test(value)) return `"'${value.replaceAll('"', '""')}"`;
  if (NEEDS_QUOTES.test(value)) return `"${value.replaceAll('"', '""')}"`;
  return value;
}

/** One record, ended with CRLF as RFC 4180 asks. */
export function csvRecord(values: readonly Cell[]): string {
  return `${values.map(csvField).join(",")}\r\n`;
}

/** The header record, then one record per row. Lazy: a record is built when the stream asks for it. */
export function* csvLines<Row>(columns: readonly Column<Row>[], rows: Iterable<Row>): Generator<string> {
  yield csvRecord(columns.map((c) => c.header));
  for (const row of rows) yield csvRecord(columns.map((c) => c.cell(row)));
}
