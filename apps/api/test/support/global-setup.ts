import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { migrate } from '../../src/database/data-source';
import { ADMIN_URL, databaseUrl, newDatabaseName, writeRunState } from './test-db';

const STALE_AFTER_MS = 6 * 3600_000;

/** Drop test databases left behind by runs that died more than six hours ago (their teardown never ran). */
async function dropStaleDatabases(): Promise<void> {
  const client = new Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'keyledger\\_test\\_%'");
    for (const { datname } of rows) {
      const started = Number(datname.split('_')[2]);
      if (Number.isFinite(started) && Date.now() - started > STALE_AFTER_MS) {
        await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      }
    }
  } finally {
    await client.end();
  }
}

/** One database per jest run, created and migrated with the real migrations; dropped in teardown. */
export default async function globalSetup(): Promise<void> {
  await dropStaleDatabases();
  const databaseName = newDatabaseName();
  const url = databaseUrl(databaseName);
  await migrate(url);
  const dataDir = mkdtempSync(join(tmpdir(), 'keyledger-data-'));
  process.env.KEYLEDGER_TEST_STATE = writeRunState({ databaseName, databaseUrl: url, dataDir });
}
