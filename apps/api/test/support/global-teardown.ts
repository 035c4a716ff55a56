import { rmSync } from 'node:fs';
import { Client } from 'pg';
import { ADMIN_URL, readRunState, removeRunState } from './test-db';

export default async function globalTeardown(): Promise<void> {
  const state = readRunState();
  const client = new Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${state.databaseName}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
  rmSync(state.dataDir, { recursive: true, force: true });
  removeRunState(process.env.KEYLEDGER_TEST_STATE!);
}
