/**
 * How one audit entry is written in each export format.
 * - CSV: RFC 4180 (CRLF line ends, fields quoted when they hold a quote, comma, CR or LF, quotes
 *   doubled), a header row, and every cell that a spreadsheet would run as a formula (one starting
 *   with =, +, -, @, tab or carriage return) prefixed with a single quote. The header is written
 *   here (csvRecord); the entries by PostgreSQL, to the same rules (csv-copy.ts).
 * - NDJSON: one entry per line, the same JSON as the API returns (which carries `hash` and
 *   `prevHash` for offline chain checks).
 */
import { AUDIT_EXPORT_CSV_COLUMNS, type AuditExportFormat } from '@keyledger/contract';
import { type AuditEntryRow, toAuditEntry } from '../audit/audit-entry.mapper';

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV cell: neutralised against formula injection, then quoted if RFC 4180 requires it. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
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
