/**
 * CSV exports written by PostgreSQL itself: `COPY (SELECT <cells>) TO STDOUT (FORMAT csv, FORCE_QUOTE *)`
 * formats, quotes (every cell but NULL) and escapes every cell in C, and Node only hashes the bytes
 * on their way to the file — an export runs at the speed of COPY (P2 in `npm run bench`).
 *
 * What PostgreSQL does not do, the SQL and CsvRecords below do:
 * - text cells get the formula rule of audit-export.format.ts (FORMULA_GUARD, one regexp_replace);
 * - the action's label comes from the contract's catalog, through a CASE;
 * - `changes` is compact JSON as stored: the column is `json`, which keeps the writer's JSON.stringify
 *   text (migration 1764600000000);
 * - records end with CRLF (RFC 4180); COPY ends them with LF. CsvRecords follows the quoting (a quote
 *   toggles it; doubled quotes inside a cell toggle twice) and puts a CR before each LF outside quotes.
 */
import { AUDIT_ACTIONS, auditActionLabel } from '@keyledger/contract';
import { escapeLiteral } from 'pg';
import { FORMULA_GUARD } from './audit-export.format';

/** The SQL form of neutraliseFormulas (audit-export.format.ts) over a text expression. */
export const neutralSql = (cell: string) => `regexp_replace(${cell}, ${escapeLiteral(FORMULA_GUARD)}, ${escapeLiteral("\\1'")}, 'g')`;
const neutral = neutralSql;

const ACTION_LABEL = `CASE e.action ${AUDIT_ACTIONS.map((a) => `WHEN ${escapeLiteral(a)} THEN ${escapeLiteral(auditActionLabel(a))}`).join(' ')} END`;

/** The cells of AUDIT_EXPORT_CSV_COLUMNS, in order, over audit_entries `e`. */
export const CSV_CELLS = [
  `to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
  'e.seq',
  'e.action',
  ACTION_LABEL,
  'e.actor_type',
  neutral('e.actor_name'),
  neutral('e.actor_email'),
  'e.target_type',
  'e.target_id', // a uuid
  neutral('e.target_label'),
  neutral('e.changes::text'),
  neutral('e.request_id'),
  neutral('e.ip'),
  neutral('e.user_agent'),
].join(', ');

/** Every cell but NULL quoted. */
export const CSV_COPY_OPTIONS = '(FORMAT csv, FORCE_QUOTE *)';

const LF = 0x0a;
const QUOTE = 0x22;
const CRLF = Buffer.from('\r\n');

/**
 * Turns COPY's CSV output into RFC 4180 records (CRLF), counting records and keeping the first and
 * last record's seq (the second cell). Chunks may split records anywhere.
 */
export class CsvRecords {
  rows = 0;
  firstSeq: number | null = null;
  lastSeq: number | null = null;
  /** Whether the bytes so far end inside a quoted cell. */
  private quoted = false;
  /** The start of the record being read, kept until its seq is known. */
  private head: Buffer = Buffer.alloc(0);
  private inHead = true;

  /** The chunk with CR before every record-ending LF. */
  push(chunk: Buffer): Buffer {
    const parts: Buffer[] = [];
    let from = 0;
    let quoted = this.quoted;
    // One pass over the bytes (a typed-array loop: about a nanosecond a byte).
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b === QUOTE) quoted = !quoted;
      else if (b === LF && !quoted) {
        this.takeHead(chunk.subarray(from, i));
        this.endRecord();
        parts.push(chunk.subarray(from, i), CRLF);
        from = i + 1;
      }
    }
    this.quoted = quoted;
    this.takeHead(chunk.subarray(from));
    if (from === 0) return chunk;
    if (from < chunk.length) parts.push(chunk.subarray(from));
    return Buffer.concat(parts);
  }

  /** Throws if the output ended inside a record. */
  end(): void {
    if (this.head.length > 0) throw new Error('COPY output ended in the middle of a CSV record');
  }

  /** Collect the record's first bytes until its second cell is complete. */
  private takeHead(bytes: Buffer) {
    if (!this.inHead || bytes.length === 0) return;
    this.head = this.head.length ? Buffer.concat([this.head, bytes]) : Buffer.from(bytes);
    if (this.seqOf(this.head) !== null) this.inHead = false;
  }

  private endRecord() {
    const seq = this.seqOf(this.head);
    if (seq === null) throw new Error('a CSV record without its seq cell');
    this.rows++;
    this.firstSeq ??= seq;
    this.lastSeq = seq;
    this.head = Buffer.alloc(0);
    this.inHead = true;
  }

  /** `"<occurred_at>","<seq>",…`: neither cell holds a comma or a quote inside its quotes. */
  private seqOf(head: Buffer): number | null {
    const a = head.indexOf(0x2c);
    if (a === -1) return null;
    const b = head.indexOf(0x2c, a + 1);
    if (b === -1) return null;
    return Number(head.toString('latin1', a + 1, b).replace(/"/g, ''));
  }
}
