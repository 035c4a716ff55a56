/**
 * `npm run audit:verify -- --account <id> [--threads n]`: a full verification of one account's audit
 * chain (or every account's with --all) straight from PostgreSQL — seq ranges in worker threads, as
 * the worker's full verification job does — checks the latest signed checkpoint, prints the report as
 * JSON, and exits 1 when a chain is broken (2 on a usage error). It does not touch the stored status.
 */
import { Client } from 'pg';
import { loadEnv } from '../config/env';
import { loadSigningKey } from '../integrity/signing-key.service';
import { runFullVerification } from '../integrity/full-verification';
import { AuditStore } from '../audit/audit.store';

const USAGE = 'Usage: npm run audit:verify -- --account <account id> | --all [--threads <n>]';

export async function run(argv: string[], env = loadEnv()): Promise<number> {
  const all = argv.includes('--all');
  const i = argv.indexOf('--account');
  const accountArg = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--account='))?.split('=')[1];
  const t = argv.indexOf('--threads');
  const threads = t >= 0 ? Number(argv[t + 1]) : env.INTEGRITY_VERIFY_THREADS;
  if ((!all && !accountArg) || (threads !== undefined && !(Number.isInteger(threads) && threads >= 1 && threads <= 64))) {
    console.error(USAGE);
    return 2;
  }
  const { publicKey } = loadSigningKey(env);
  const client = new Client({ connectionString: env.DATABASE_URL });
  await client.connect();
  try {
    const store = new AuditStore(async (sql, params) => (await client.query(sql, params)).rows);
    const accounts = all ? await store.accountIds() : [accountArg!];
    let broken = 0;
    for (const accountId of accounts) {
      if (!(await store.hasHead(accountId).catch(() => false))) {
        console.error(`No account ${accountId}`);
        return 2;
      }
      const report = await runFullVerification({
        databaseUrl: env.DATABASE_URL,
        accountId,
        publicKey,
        threads,
        minEntriesPerThread: env.INTEGRITY_MIN_ENTRIES_PER_THREAD,
      });
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
