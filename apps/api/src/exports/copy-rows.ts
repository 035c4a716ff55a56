/**
 * Rows out of `COPY (SELECT …) TO STDOUT` (text format), parsed with node-pg's own type parsers, so
 * each row is the same object a normal query would return. COPY takes no bind parameters: the
 * query's parameters are inlined as escaped literals first.
 */
import { escapeLiteral, types } from 'pg';

/** `$1`… replaced by SQL literals: strings escaped, safe integers as they are, string arrays as ARRAY[…]. */
export function inlineParams(sql: string, params: readonly unknown[]): string {
  const literal = (v: unknown): string => {
    if (typeof v === 'string') return escapeLiteral(v);
    if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
    if (Array.isArray(v)) return `ARRAY[${v.map(literal).join(', ')}]`;
    throw new Error(`Cannot inline a ${typeof v} parameter into COPY`);
  };
  return sql.replace(/\$(\d+)/g, (_, n: string) => {
    const i = Number(n) - 1;
    if (i < 0 || i >= params.length) throw new Error(`No parameter $${n}`);
    return literal(params[i]);
  });
}

const ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** A field of COPY's text format: `\N` is NULL, control characters and backslashes come escaped. */
export function copyField(raw: string): string | null {
  if (raw === '\\N') return null;
  return raw.includes('\\') ? raw.replace(/\\(.)/g, (_, c: string) => ESCAPES[c] ?? c) : raw;
}

export interface CopyColumn {
  name: string;
  /** The pg type's oid, as in a query result's `fields`. */
  dataTypeID: number;
}

/**
 * Parses COPY text output into rows, one array of rows per incoming chunk. A row is only ever held
 * while it is being handed on, so memory stays flat however many rows pass.
 */
export async function* copyRows<T>(chunks: AsyncIterable<Buffer>, columns: readonly CopyColumn[]): AsyncGenerator<T[]> {
  const parsers = columns.map((c) => ({ name: c.name, parse: types.getTypeParser(c.dataTypeID, 'text') as (v: string) => unknown }));
  let carry: Buffer | null = null;
  for await (const chunk of chunks) {
    const data: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
    const rows: T[] = [];
    let start = 0;
    for (let end = data.indexOf(10, start); end !== -1; end = data.indexOf(10, start)) {
      const fields = data.toString('utf8', start, end).split('\t');
      if (fields.length !== parsers.length) throw new Error(`COPY row has ${fields.length} fields, expected ${parsers.length}`);
      const row: Record<string, unknown> = {};
      for (let i = 0; i < parsers.length; i++) {
        const value = copyField(fields[i]!);
        row[parsers[i]!.name] = value === null ? null : parsers[i]!.parse(value);
      }
      rows.push(row as T);
      start = end + 1;
    }
    carry = start < data.length ? data.subarray(start) : null;
    if (rows.length) yield rows;
  }
  if (carry) throw new Error('COPY output ended in the middle of a row');
}
