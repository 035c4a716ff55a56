/**
 * `npm run audit:verify -- --account <id>`: walks one account's audit chain (or every account's with
 * --all) straight from PostgreSQL, checks the latest signed checkpoint, prints the report as JSON, and
 * exits 1 when a chain is broken (2 on a usage error).
 */
import { Client } from 'pg';
import { loadEnv } from '../config/env';
import { loadSigningKey } from '../integrity/signing-key.service';
import { verifyAccountChain } from '../integrity/verify-chain';

const USAGE = 'Usage: npm run audit:verify -- --account <account id> | --all';

export async function run(argv: string[], env = loadEnv()): Promise<number> {
  const all = argv.includes('--all');
  const i = argv.indexOf('--account');
  const accountArg = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--account='))?.split('=')[1];
  if (!all && !accountArg) {
    console.error(USAGE);
    return 2;
  }
  const { publicKey } = loadSigningKey(env);
  const client = new Client({ connectionString: env.DATABASE_URL });
  await client.connect();
  try {
    const accounts = all
      ? (await client.query<{ account_id: string }>('SELECT account_id FROM audit_heads ORDER BY account_id')).rows.map((r) => r.account_id)
      : [accountArg!];
    let broken = 0;
    for (const accountId of accounts) {
      const exists = await client.query('SELECT 1 FROM audit_heads WHERE account_id = $1', [accountId]).catch(() => ({ rowCount: 0 }));
      if (!exists.rowCount) {
        console.error(`No account ${accountId}`);
        return 2;
      }
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const report = await verifyAccountChain(async (sql, params) => (await client.query(sql, params)).rows, accountId, publicKey);
      await client.query('COMMIT');
      console.log(JSON.stringify({ accountId, ...report }, null, 2));
      if (!report.ok) {
        broken += 1;
        console.error(`BROKEN: account ${accountId}, first broken entry #${report.firstBrokenSeq}: ${report.reason}`);
      } else {
        console.error(`OK: account ${accountId}, verified through #${report.verifiedThroughSeq}`);
      }
    }
    return broken ? 1 : 0;
  } finally {
    await client.end();
  }
}

if (require.main === module) {
  run(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error('audit:verify failed:', err instanceof Error ? err.message : err);
      process.exit(2);
    },
  );
}
