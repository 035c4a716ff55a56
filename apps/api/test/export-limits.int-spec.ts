import { Queue, QueueEvents } from 'bullmq';
import Redis from 'ioredis';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Client } from 'pg';
import { ExportLinkSigner } from '../src/exports/export-link.signer';
import { bullConnection } from '../src/jobs/bull';
import { MAINTENANCE_JOBS, QUEUES } from '../src/jobs/queues';
import { startApp, type TestApp } from './support/app';
import { errorMessage, expectStatus, ok, signedUpTyped } from './support/typed-client';
import { connectDb } from './support/db';
import { readRunState, REDIS_URL } from './support/test-db';
import { startWorker, type TestWorker } from './support/worker';


describe('bounded exports: at most a few active per account, files removed after the retention', () => {
  const tag = randomUUID().slice(0, 8);
  const state = readRunState();
  // Nothing consumes this prefix's queue: every accepted export stays queued.
  const idle = { REDIS_PREFIX: `kltest-idle-${tag}`, EXPORT_MAX_ACTIVE_PER_ACCOUNT: '3' };
  const busy = {
    REDIS_PREFIX: `kltest-busy-${tag}`,
    EXPORT_SIGNING_SECRET: randomBytes(32).toString('hex'),
    EXPORTS_DIR: join(state.dataDir, `exports-${tag}`),
    EXPORT_RETENTION: '7d',
  };
  let idleApp: TestApp;
  let t: TestApp;
  let worker: TestWorker;
  let db: Client;

  beforeAll(async () => {
    idleApp = await startApp(idle);
    t = await startApp(busy);
    worker = await startWorker(busy);
    db = await connectDb();
  });

  afterAll(async () => {
    await db?.end();
    await worker?.close();
    await t?.close();
    await idleApp?.close();
    const redis = new Redis(REDIS_URL);
    for (const prefix of [idle.REDIS_PREFIX, busy.REDIS_PREFIX]) {
      for await (const keys of redis.scanStream({ match: `${prefix}:*` }) as AsyncIterable<string[]>) {
        if (keys.length) await redis.del(...keys);
      }
    }
    redis.disconnect();
  });

  it('accepts exactly 3 of 50 simultaneous export requests of one account and refuses the rest with 429', async () => {
    const { session: { account }, api } = await signedUpTyped(idleApp.url);
    const request = () => api.auditExports.create({ body: { format: 'csv', filter: {} } });
    const answers = await Promise.all(Array.from({ length: 50 }, request));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(47);
    const refused = answers.find((a) => a.status === 429)!;
    expect(errorMessage(refused)).toMatch(/already has 3 exports queued or running \(at most 3 at once\).*wait until one is done/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_exports WHERE account_id = $1', [account.id]);
    expect(rows[0]!.n).toBe(3);

    // Another account has its own allowance.
    const { api: other } = await signedUpTyped(idleApp.url);
    expect((await other.auditExports.create({ body: { format: 'ndjson', filter: {} } })).status).toBe(202);

    // Once one is done (here: failed), the account may ask again — once.
    const ids = answers.flatMap((a) => (a.status === 202 ? [a.body.id] : []));
    await db.query(`UPDATE audit_exports SET status = 'failed', error = 'test' WHERE id = $1`, [ids[0]]);
    expect((await request()).status).toBe(202);
    expect((await request()).status).toBe(429);
  });

  it('deletes the file after the retention: the export stays, marked expired, and its link answers 410', async () => {
    const { session: { account }, api } = await signedUpTyped(t.url);
    const queue = new Queue(QUEUES.auditExports, { connection: bullConnection(t.env), prefix: busy.REDIS_PREFIX });
    const events = new QueueEvents(QUEUES.auditExports, { connection: bullConnection(t.env), prefix: busy.REDIS_PREFIX });
    const maintenance = new Queue(QUEUES.maintenance, { connection: bullConnection(t.env), prefix: busy.REDIS_PREFIX });
    const maintenanceEvents = new QueueEvents(QUEUES.maintenance, { connection: bullConnection(t.env), prefix: busy.REDIS_PREFIX });
    try {
      await Promise.all([events.waitUntilReady(), maintenanceEvents.waitUntilReady()]);
      // The worker schedules the repeatable job itself.
      expect((await maintenance.getJobSchedulers()).map((s) => s.key)).toContain(MAINTENANCE_JOBS.expireExports);

      const created = await api.auditExports.create({ body: { format: 'csv', filter: {} } });
      expectStatus(created, 202);
      const id = created.body.id;
      await (await queue.getJob(id))!.waitUntilFinished(events, 60_000);
      const done = ok(await api.auditExports.get({ params: { id } }), 200);
      expect(done.status).toBe('completed');
      const file = join(busy.EXPORTS_DIR, account.id, `${id}.csv`);
      expect(existsSync(file)).toBe(true);
      const link = done.downloadUrl!.replace(t.env.PUBLIC_URL, t.url);
      expect((await fetch(link)).status).toBe(200);
      // Only the canonical link opens the file: no uppercase id, no leading zero in the expiry.
      const token = new URL(link).searchParams.get('token')!;
      const [tokAccount, tokExp, tokSig] = token.split('.') as [string, string, string];
      for (const variant of [
        link.replace(`/exports/${id}/`, `/exports/${id.toUpperCase()}/`),
        link.replace(token, encodeURIComponent(`${tokAccount.toUpperCase()}.${tokExp}.${tokSig}`)),
        link.replace(token, encodeURIComponent(`${tokAccount}.0${tokExp}.${tokSig}`)),
      ]) {
        const res = await fetch(variant);
        expect({ variant, status: res.status }).toEqual({ variant, status: 403 });
      }

      const entriesBefore = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_entries WHERE account_id = $1', [account.id]);
      // A young file is kept …
      const first = await maintenance.add(MAINTENANCE_JOBS.expireExports, { v: 1 });
      await first.waitUntilFinished(maintenanceEvents, 30_000);
      expect(existsSync(file)).toBe(true);
      // … one finished 8 days ago (retention 7d) is deleted.
      await db.query(`UPDATE audit_exports SET finished_at = now() - interval '8 days' WHERE id = $1`, [id]);
      const second = await maintenance.add(MAINTENANCE_JOBS.expireExports, { v: 1 });
      expect(await second.waitUntilFinished(maintenanceEvents, 30_000)).toEqual({ expired: 1 });
      expect(existsSync(file)).toBe(false);

      const expired = ok(await api.auditExports.get({ params: { id } }), 200);
      expect(expired).toMatchObject({ id, status: 'expired', rowsWritten: done.rowsWritten, sha256: done.sha256, downloadUrl: null, fileName: null });
      expect(expired.expiredAt).toEqual(expect.any(String));
      expect(ok(await api.auditExports.list(), 200).items.find((e) => e.id === id)?.status).toBe('expired');

      const gone = await fetch(link);
      expect(gone.status).toBe(410);
      expect(((await gone.json()) as { message: string }).message).toMatch(/deleted 7 days after it was made.*audit log itself is kept/);
      // A link whose own time has run out says the same: a new link would not bring the file back.
      const oldLink = t.app.get(ExportLinkSigner).link(id, account.id, new Date(Date.now() - 48 * 3600_000)).url.replace(t.env.PUBLIC_URL, t.url);
      const oldGone = await fetch(oldLink);
      expect(oldGone.status).toBe(410);
      expect(((await oldGone.json()) as { message: string }).message).toMatch(/deleted 7 days after it was made/);
      // The audit log is untouched.
      const entriesAfter = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_entries WHERE account_id = $1', [account.id]);
      expect(entriesAfter.rows[0]!.n).toBeGreaterThanOrEqual(entriesBefore.rows[0]!.n);
      expect(entriesBefore.rows[0]!.n).toBeGreaterThan(0);
    } finally {
      await maintenanceEvents.close();
      await maintenance.close();
      await events.close();
      await queue.close();
    }
  });
});
