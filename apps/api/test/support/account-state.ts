import { type Client } from 'pg';

/** Columns a read may touch (none today); left out of the checksum. */
const VOLATILE_COLUMNS = ['last_used_at', 'last_seen_at'];

export interface AccountState {
  entries: number;
  checksum: string;
}

/**
 * One SQL statement that sums up everything an account owns: its audit entries counted, and an MD5
 * over every row of every table with an `account_id` (and its `accounts` row). Equal before and
 * after a request means the request wrote nothing there.
 */
export async function accountStateReader(db: Client, accountId: string): Promise<() => Promise<AccountState>> {
  const { rows } = await db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.columns
      WHERE table_schema = 'public' AND column_name = 'account_id' ORDER BY table_name`,
  );
  const strip = `- ARRAY[${VOLATILE_COLUMNS.map((c) => `'${c}'`).join(', ')}]`;
  const parts = rows.map(
    ({ table_name: t }) =>
      `(SELECT coalesce(md5(string_agg(md5((to_jsonb(x) ${strip})::text), '' ORDER BY md5((to_jsonb(x) ${strip})::text))), '-') FROM "${t}" x WHERE x.account_id = $1)`,
  );
  parts.push(`(SELECT md5(to_jsonb(a)::text) FROM accounts a WHERE a.id = $1)`);
  const sql = `SELECT (SELECT count(*)::int FROM audit_entries WHERE account_id = $1) AS entries, md5(${parts.join(" || ")}) AS checksum`;
  return async () => {
    const r = await db.query<AccountState>(sql, [accountId]);
    return r.rows[0]!;
  };
}
