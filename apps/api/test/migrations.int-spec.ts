/**
 * Migrations on a database of their own: `npm start` starts the API and the worker together, and both
 * migrate when they start. On an empty database they must not both run the first migration.
 */
import { Client } from 'pg';
import { migrate, MIGRATIONS } from '../src/database/data-source';
import { ADMIN_URL, databaseUrl, newDatabaseName } from './support/test-db';

describe('migrations', () => {
  it('run once when two processes migrate one empty database at the same time', async () => {
    const name = newDatabaseName();
    const url = databaseUrl(name);
    try {
      const runs = await Promise.all([migrate(url), migrate(url), migrate(url)]);
      // One process ran every migration, in timestamp order; the others found nothing left to run.
      const stamp = (n: string) => Number(/(\d{13})$/.exec(n)![1]);
      const names = MIGRATIONS.map((m) => new m().name ?? m.name).sort((a, b) => stamp(a) - stamp(b));
      expect(runs.map((r) => r.length).sort((a, b) => a - b)).toEqual([0, 0, names.length]);
      expect(runs.find((r) => r.length)).toEqual(names);
    } finally {
      const admin = new Client({ connectionString: ADMIN_URL });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    }
  });
});
