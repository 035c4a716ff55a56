/**
 * How one audit entry is written in each export format.
 * - CSV: RFC 4180 (CRLF line ends, quotes doubled), a header row, every cell that is not NULL in
 *   double quotes (so a reader splitting on `;`, tab or `|` instead of `,` still finds each
 *   separator inside quotes), and formulas neutralised — see FORMULA_GUARD. The header is written
 *   here (csvRecord); the entries by PostgreSQL, to the same rules (csv-copy.ts), pinned against
 *   each other by test/csv-safety.int-spec.ts.
 * - NDJSON: one entry per line, the same JSON as the API returns (which carries `hash` and
 *   `prevHash` for offline chain checks).
 */
import { AUDIT_EXPORT_CSV_COLUMNS, type AuditExportFormat } from '@keyledger/contract';
import { type AuditEntryRow, toAuditEntry } from '../audit/audit-entry.mapper';

/**
 * The formula rule, one regular expression for Node and PostgreSQL alike: a `'` is inserted before
 * every formula trigger — `=` `+` `-` `@`, their full-width forms `＝` `＋` `－` `＠`, tab, CR — that
 * starts the cell or follows a separator — `,` `;` `|` tab, CR, LF — with only spaces in between.
 * So no piece of a cell, however a spreadsheet splits it (any locale's separator, or lines), starts
 * with a trigger. `a-b`, `x=1` and `ann@acme.test` stay as they are; `-5`, `x;=cmd` and `a, +1`
 * become `'-5`, `x;'=cmd` and `a, '+1`. NDJSON keeps every value exact.
 */
export const FORMULA_GUARD = '(?:^|(?<=[,;|\\t\\r\\n]))( *)(?=[=+@\\t\\r\uFF1D\uFF0B\uFF0D\uFF20-])';
const FORMULA_GUARD_JS = new RegExp(FORMULA_GUARD, 'g');

/** A text cell's content with the formula rule applied. */
export function neutraliseFormulas(text: string): string {
  return text.replace(FORMULA_GUARD_JS, "$1'");
}

/** One CSV cell: neutralised against formulas, then quoted (quotes doubled); null is an empty, unquoted cell. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  return `"${neutraliseFormulas(String(value)).replace(/"/g, '""')}"`;
}

export function csvRecord(cells: Array<string | number | null | undefined>): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

export function ndjsonEntry(r: AuditEntryRow): string {
  return `${JSON.stringify(toAuditEntry(r))}\n`;
}

export interface ExportEncoding {
  /** Written before the first entry. */
  header: string;
  contentType: string;
  extension: string;
}

export function encodingOf(format: AuditExportFormat): ExportEncoding {
  switch (format) {
    case 'csv':
      return {
        header: csvRecord([...AUDIT_EXPORT_CSV_COLUMNS]),
        contentType: 'text/csv; charset=utf-8; header=present',
        extension: 'csv',
      };
    case 'ndjson':
      return { header: '', contentType: 'application/x-ndjson; charset=utf-8', extension: 'ndjson' };
  }
}
