import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from '../../src/database/data-source';
import { databaseUrl, newDatabaseName, writeRunState } from './test-db';

/** One database per jest run, created and migrated with the real migrations; dropped in teardown. */
export default async function globalSetup(): Promise<void> {
  const databaseName = newDatabaseName();
  const url = databaseUrl(databaseName);
  await migrate(url);
  const dataDir = mkdtempSync(join(tmpdir(), 'keyledger-data-'));
  process.env.KEYLEDGER_TEST_STATE = writeRunState({ databaseName, databaseUrl: url, dataDir });
}
