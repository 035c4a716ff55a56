/**
 * argon2 never runs inside a transaction. A burst of user creations or admin password resets queues in
 * the per-process password gate; when the hash was computed inside the @Audited transaction, every
 * queued request held a pooled connection (and an open transaction) while it waited, so a burst
 * exhausted the pool and unrelated requests failed with 500 after the pool's 5 s wait (seen in CI).
 *
 * Here the gate runs one hash at a time, a burst of 36 writes queues behind it for seconds, and the
 * database is sampled meanwhile: no transaction of the API stays open anywhere near as long as the
 * burst, and every write answers 2xx with its entry.
 */
import { type Client } from 'pg';
import { ApiClient, uniqueEmail } from './support/client';
import { connectDb } from './support/db';
import { startApp, type TestApp } from './support/app';
import { ok, type TypedClient, typedClient } from './support/typed-client';

let t: TestApp;
let db: Client;
let owner: TypedClient;
let accountId: string;

beforeAll(async () => {
  // perAddress = (1 + 159) / 4 = 40 places for the one test address: the burst is queued, never refused.
  t = await startApp({ PASSWORD_HASH_CONCURRENCY: '1', PASSWORD_HASH_QUEUE: '159' });
  db = await connectDb();
  const client = new ApiClient(t.url);
  accountId = (await client.signup()).account.id;
  owner = typedClient(client);
});

afterAll(async () => {
  await db?.end();
  await t?.close();
});

/** Samples the longest-open transaction of this database's other sessions until `done` settles. */
async function longestTransactionWhile(done: Promise<unknown>): Promise<number> {
  let settled = false;
  void done.finally(() => (settled = true));
  let longest = 0;
  while (!settled) {
    const { rows } = await db.query<{ ms: number | null }>(
      `SELECT max(extract(epoch FROM clock_timestamp() - xact_start) * 1000)::float8 AS ms
         FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL`,
    );
    longest = Math.max(longest, rows[0]?.ms ?? 0);
    await new Promise((r) => setTimeout(r, 5));
  }
  return longest;
}

it('a burst of user creations and password resets holds no transaction open while it waits for argon2', async () => {
  const existing = await Promise.all(
    Array.from({ length: 6 }, async () =>
      ok(
        await owner.platformUsers.create({
          body: {
            email: uniqueEmail('reset'),
            name: 'To reset',
            password: 'first-password-1',
            permissionTemplateId: null,
          },
        }),
        201,
      ),
    ),
  );
  const before = Number(
    (await db.query('SELECT count(*) FROM audit_entries WHERE account_id = $1', [accountId]))
      .rows[0].count,
  );

  const started = Date.now();
  const burst = Promise.all([
    ...Array.from({ length: 30 }, (_, i) =>
      owner.platformUsers.create({
        body: {
          email: uniqueEmail(`burst${i}`),
          name: `Burst ${i}`,
          password: `burst-password-${i}`,
          permissionTemplateId: null,
        },
      }),
    ),
    ...existing.map((u, i) =>
      owner.platformUsers.update({
        params: { id: u.id },
        body: { password: `reset-password-${i}` },
      }),
    ),
  ]);
  const longest = await longestTransactionWhile(burst);
  const answers = await burst;
  const burstMs = Date.now() - started;

  expect(answers.map((a) => a.status)).toEqual([...Array(30).fill(201), ...Array(6).fill(200)]);
  const after = Number(
    (await db.query('SELECT count(*) FROM audit_entries WHERE account_id = $1', [accountId]))
      .rows[0].count,
  );
  // 30 platform_user_added; each reset is a platform_user_updated and a user_password_changed.
  expect(after - before).toBe(30 + 6 * 2);
  // The 36 hashes ran one after another: the burst took at least 36 argon2 runs. Had each write hashed
  // inside its transaction, the last ones would have held theirs open for most of that time.
  console.log(
    `36 queued password writes: ${burstMs} ms in all, longest open transaction ${longest.toFixed(1)} ms`,
  );
  expect(longest).toBeLessThan(burstMs / 3);
});

it('the prehashed password is the one stored: each new user signs in with their own', async () => {
  const emails = Array.from({ length: 4 }, (_, i) => ({
    email: uniqueEmail(`own${i}`),
    password: `own-password-${i}`,
  }));
  await Promise.all(
    emails.map((e, i) =>
      owner.platformUsers.create({
        body: {
          email: e.email,
          name: `Own ${i}`,
          password: e.password,
          permissionTemplateId: null,
        },
      }),
    ),
  );
  for (const [i, e] of emails.entries()) {
    const mine = await new ApiClient(t.url).post('/api/v1/auth/login', {
      email: e.email,
      password: e.password,
    });
    expect(mine.status).toBe(200);
    const other = await new ApiClient(t.url).post('/api/v1/auth/login', {
      email: e.email,
      password: emails[(i + 1) % emails.length]!.password,
    });
    expect(other.status).toBe(401);
  }
});
