import { type AuditEntry, type AuditExport } from '@keyledger/contract';
import { Queue, QueueEvents } from 'bullmq';
import Redis from 'ioredis';
import { createHash, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { type Client } from 'pg';
import { bullConnection } from '../src/jobs/bull';
import { MAINTENANCE_JOBS, QUEUES } from '../src/jobs/queues';
import { startApp, type TestApp } from './support/app';
import { connectDb } from './support/db';
import { S3Server } from './support/s3';
import { SmtpCapture } from './support/smtp';
import { REDIS_URL } from './support/test-db';
import { expectStatus, ok, signedUpTyped, type TypedClient } from './support/typed-client';
import { ChildWorker, startWorker } from './support/worker';

/** Polls the bucket (S3 has no change events to wait on) until `check` holds. */
async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const MiB = 1024 * 1024;
/** Loaded entries (after the sign-up entry): NDJSON several times the upload's memory bound (about 120 MiB). */
const LOADED = 150_000;
/** For the kill test: enough for a multipart upload of several 5 MiB parts. */
const LOADED_SMALL = 30_000;

/**
 * Exports with EXPORT_STORAGE_URL pointing at an S3-protocol server (s3rver, started here): the API in
 * this process and the worker in a process of its own, each with its own DATA_DIR and EXPORTS_DIR (no
 * shared disk), sharing only PostgreSQL, Redis, the link secret and the bucket. Objects are checked
 * through the S3 API, never on disk.
 */
describe('audit-log exports on S3-compatible storage (no shared disk)', () => {
  const s3 = new S3Server();
  const smtp = new SmtpCapture();
  const tag = randomUUID().slice(0, 8);
  const prefix = `kl-${tag}`;
  let settings: Record<string, string>;
  let apiDir: string;
  let workerDir: string;
  let t: TestApp;
  let db: Client;
  let queue: Queue;
  let events: QueueEvents;
  let maintenance: Queue;
  let maintenanceEvents: QueueEvents;
  const workers: ChildWorker[] = [];

  const spawnWorker = async () => {
    const w = ChildWorker.spawn({
      ...settings,
      DATA_DIR: workerDir,
      EXPORTS_DIR: join(workerDir, 'exports'),
    });
    workers.push(w);
    await w.ready();
    return w;
  };

  beforeAll(async () => {
    await s3.start();
    apiDir = await mkdtemp(join(tmpdir(), 'kltest-api-'));
    workerDir = await mkdtemp(join(tmpdir(), 'kltest-worker-'));
    settings = {
      REDIS_PREFIX: `kltest-s3-${tag}`,
      SMTP_URL: await smtp.start(),
      EXPORT_STORAGE_URL: s3.url(prefix),
      // What the API and the worker must share when they share no disk: the link secret and the signing key.
      EXPORT_SIGNING_SECRET: randomBytes(32).toString('hex'),
      AUDIT_SIGNING_KEY: generateKeyPairSync('ed25519')
        .privateKey.export({ type: 'pkcs8', format: 'pem' })
        .toString(),
      EXPORT_RETENTION: '7d',
      JOB_LOCK_MS: '2000',
      // The loaded entries are not a valid chain: keep the incremental verifier from writing its break entry mid-test.
      INTEGRITY_VERIFY_INTERVAL_SECONDS: '3600',
      INTEGRITY_FULL_VERIFY_INTERVAL_HOURS: '0',
    };
    t = await startApp({ ...settings, DATA_DIR: apiDir, EXPORTS_DIR: join(apiDir, 'exports') });
    db = await connectDb();
    const connection = bullConnection(t.env);
    queue = new Queue(QUEUES.auditExports, { connection, prefix: settings.REDIS_PREFIX });
    events = new QueueEvents(QUEUES.auditExports, { connection, prefix: settings.REDIS_PREFIX });
    maintenance = new Queue(QUEUES.maintenance, { connection, prefix: settings.REDIS_PREFIX });
    maintenanceEvents = new QueueEvents(QUEUES.maintenance, {
      connection,
      prefix: settings.REDIS_PREFIX,
    });
    await Promise.all([events.waitUntilReady(), maintenanceEvents.waitUntilReady()]);
  }, 60_000);

  afterAll(async () => {
    for (const w of workers) await w.kill('SIGKILL');
    await events?.close();
    await maintenanceEvents?.close();
    await queue?.close();
    await maintenance?.close();
    await db?.end();
    await t?.close();
    await smtp.close();
    await s3.close();
    for (const dir of [apiDir, workerDir]) if (dir) await rm(dir, { recursive: true, force: true });
    const redis = new Redis(REDIS_URL);
    try {
      for await (const keys of redis.scanStream({
        match: `${settings.REDIS_PREFIX}:*`,
        count: 500,
      }) as AsyncIterable<string[]>) {
        if (keys.length) await redis.del(...keys);
      }
    } finally {
      redis.disconnect();
    }
  });

  async function finished(api: TypedClient, id: string): Promise<AuditExport> {
    const job = await queue.getJob(id);
    if (!job) throw new Error(`no job for export ${id}`);
    await job.waitUntilFinished(events, 120_000);
    return ok(await api.auditExports.get({ params: { id } }), 200);
  }

  /** A link at the test API's address (links are built from PUBLIC_URL). */
  async function download(link: string, headers: Record<string, string> = {}) {
    const res = await fetch(link.replace(t.env.PUBLIC_URL, t.url), { headers });
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
  }

  async function entries(api: TypedClient, itemId: string): Promise<AuditEntry[]> {
    return ok(
      await api.auditLog.list({
        query: {
          limit: 200,
          action: 'audit_log_export_downloaded',
          itemType: 'audit_export',
          itemId,
        },
      }),
      200,
    ).items;
  }

  /** The account's chain head: the rows an export requested now covers. */
  async function headSeq(accountId: string): Promise<number> {
    const { rows } = await db.query<{ last_seq: string }>(
      'SELECT last_seq FROM audit_heads WHERE account_id = $1',
      [accountId],
    );
    return Number(rows[0]!.last_seq);
  }

  /** `count` entries in one statement (the table refuses UPDATE and DELETE, not INSERT), after the sign-up entry. */
  async function load(accountId: string, userId: string, count: number): Promise<void> {
    await db.query(
      `INSERT INTO audit_entries (account_id, seq, id, occurred_at, action, actor_type, actor_id, actor_name, actor_email,
         target_type, target_id, target_label, links, changes, request_id, ip, user_agent, source, search_text, prev_hash, hash)
       SELECT $1, g, gen_random_uuid(), $2::timestamptz + make_interval(secs => g), 'license_updated', 'platform_user', $3,
         'Bulk Loader', 'bulk@vendor.test', 'license', $4::uuid, 'License ' || g,
         jsonb_build_array(jsonb_build_object('type', 'license', 'id', $4::text, 'label', 'License ' || g)),
         jsonb_build_array(jsonb_build_object('field', 'notes', 'before', 'note ' || (g - 1), 'after', 'note ' || g)),
         'req-' || g, '10.0.0.1', 'Mozilla/5.0 (X11; Linux x86_64) keyledger-bulk', 'api', 'bulk', repeat('0', 64),
         encode(sha256(g::text::bytea), 'hex')
       FROM generate_series(2, $5::bigint) g`,
      [accountId, '2026-01-01T00:00:00Z', userId, randomUUID(), count + 1],
    );
    await db.query('UPDATE audit_heads SET last_seq = $2 WHERE account_id = $1', [
      accountId,
      count + 1,
    ]);
  }

  const objectKey = (accountId: string, id: string, ext: string) =>
    `${prefix}/${accountId}/${id}.${ext}`;

  it('writes the export to the bucket (not to a disk); the emailed and the returned links stream the same bytes, each download an audit entry', async () => {
    const worker = await spawnWorker();
    const { session, client, api } = await signedUpTyped(t.url);
    await load(session.account.id, session.user.id, LOADED);

    const created = await api.auditExports.create({ body: { format: 'ndjson', filter: {} } });
    expectStatus(created, 202);
    const id = created.body.id;
    const rows = await headSeq(session.account.id);
    const status = await finished(api, id);
    expect(status).toMatchObject({
      status: 'completed',
      rowsWritten: rows,
      firstSeq: 1,
      lastSeq: rows,
    });
    // Several parts of a multipart upload.
    expect(status.sizeBytes).toBeGreaterThan(100 * MiB);
    // The upload holds a few parts, never the file: the worker grows by less than the file's size (by
    // the parts and the garbage V8 lets external memory reach before it collects: 54–88 MiB in our runs,
    // for 48 MiB and 121 MiB files alike).
    const written = await worker.waitForLog(
      (l) => l.exportId === id && typeof l.peakRssBytes === 'number',
    );
    console.log(
      `${rows}-entry NDJSON export to S3: ${(status.sizeBytes! / MiB).toFixed(0)} MiB in ${String(written.durationMs)} ms, ` +
        `worker RSS ${((written.startRssBytes as number) / MiB).toFixed(0)} MiB at the start, peak ${((written.peakRssBytes as number) / MiB).toFixed(0)} MiB`,
    );
    expect((written.peakRssBytes as number) - (written.startRssBytes as number)).toBeLessThan(
      status.sizeBytes!,
    );

    // In the bucket, through the S3 API: exactly the file, whole, under <prefix>/<account>/<export>.ndjson.
    const key = objectKey(session.account.id, id, 'ndjson');
    expect(await s3.keys(`${prefix}/${session.account.id}/`)).toEqual([key]);
    const stored = await s3.read(key);
    expect(stored.length).toBe(status.sizeBytes);
    expect(sha256(stored)).toBe(status.sha256);
    expect(JSON.parse(stored.subarray(0, stored.indexOf('\n')).toString())).toHaveProperty(
      'manifest.accountId',
      session.account.id,
    );
    expect(await s3.uploads(prefix)).toEqual([]);
    // Neither process wrote an export file on its disk.
    expect(existsSync(join(apiDir, 'exports'))).toBe(false);
    expect(existsSync(join(workerDir, 'exports'))).toBe(false);

    // The emailed link, without a cookie: streamed from the bucket by the API.
    const mail = await smtp.waitFor((m) => m.text.includes(`/exports/${id}/download`));
    const emailed = /^(http\S+\/download\?token=\S+)$/m.exec(mail.text)![1]!;
    const viaMail = await download(emailed);
    expect(viaMail.status).toBe(200);
    expect(viaMail.headers.get('content-length')).toBe(String(status.sizeBytes));
    expect(viaMail.headers.get('repr-digest')).toBe(
      `sha-256=:${Buffer.from(status.sha256!, 'hex').toString('base64')}:`,
    );
    expect(sha256(viaMail.body)).toBe(status.sha256);
    // The link the API returns, signed in.
    const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const viaApi = await download(status.downloadUrl!, { cookie });
    expect(viaApi.status).toBe(200);
    expect(viaApi.body.equals(stored)).toBe(true);
    // Both are in the audit log, as every download is.
    const downloads = await entries(api, id);
    expect(downloads.map((e) => e.changes.find((c) => c.field === 'via')?.after)).toEqual([
      'download link, signed in',
      'download link, not signed in',
    ]);
  }, 180_000);

  it('after the retention deletes the object from the bucket; the export stays, expired, and its link answers 410', async () => {
    if (!workers.some((w) => w.process.exitCode === null)) await spawnWorker();
    const { session, api } = await signedUpTyped(t.url);
    const created = await api.auditExports.create({ body: { format: 'csv', filter: {} } });
    expectStatus(created, 202);
    const id = created.body.id;
    const done = await finished(api, id);
    expect(done.status).toBe('completed');
    const key = objectKey(session.account.id, id, 'csv');
    expect(sha256(await s3.read(key))).toBe(done.sha256);

    // A young file is kept …
    const first = await maintenance.add(MAINTENANCE_JOBS.expireExports, { v: 1 });
    await first.waitUntilFinished(maintenanceEvents, 30_000);
    expect(await s3.exists(key)).toBe(true);
    // … one finished 8 days ago (retention 7d) is deleted from the bucket.
    await db.query(
      `UPDATE audit_exports SET finished_at = now() - interval '8 days' WHERE id = $1`,
      [id],
    );
    const second = await maintenance.add(MAINTENANCE_JOBS.expireExports, { v: 1 });
    expect(await second.waitUntilFinished(maintenanceEvents, 30_000)).toEqual({ expired: 1 });
    expect(await s3.exists(key)).toBe(false);
    expect(await s3.keys(`${prefix}/${session.account.id}/`)).toEqual([]);

    const expired = ok(await api.auditExports.get({ params: { id } }), 200);
    expect(expired).toMatchObject({
      id,
      status: 'expired',
      sha256: done.sha256,
      downloadUrl: null,
    });
    const gone = await download(done.downloadUrl!);
    expect(gone.status).toBe(410);
    expect((JSON.parse(gone.body.toString()) as { message: string }).message).toMatch(
      /deleted 7 days after it was made/,
    );
    // Nothing left to expire: the next run removes nothing and fails on nothing.
    const third = await maintenance.add(MAINTENANCE_JOBS.expireExports, { v: 1 });
    expect(await third.waitUntilFinished(maintenanceEvents, 30_000)).toEqual({ expired: 0 });
  }, 120_000);

  it('answers 410, and writes no download entry, for a completed export whose object is missing from the bucket', async () => {
    if (!workers.some((w) => w.process.exitCode === null)) await spawnWorker();
    const { session, api } = await signedUpTyped(t.url);
    const created = await api.auditExports.create({ body: { format: 'csv', filter: {} } });
    expectStatus(created, 202);
    const done = await finished(api, created.body.id);
    await s3.client.send(
      new DeleteObjectCommand({
        Bucket: s3.bucket,
        Key: objectKey(session.account.id, done.id, 'csv'),
      }),
    );
    const res = await download(done.downloadUrl!);
    expect(res.status).toBe(410);
    expect((JSON.parse(res.body.toString()) as { message: string }).message).toMatch(
      /no longer kept/,
    );
    expect(await entries(api, done.id)).toEqual([]);
  }, 120_000);

  it('fails an export whose bucket does not exist after its attempts, saying what to check, with nothing written', async () => {
    const broken = {
      ...settings,
      REDIS_PREFIX: `${settings.REDIS_PREFIX}-broken`,
      EXPORT_STORAGE_URL: s3.url(prefix).replace(`@${s3.bucket}/`, '@kltest-no-such-bucket/'),
      DATA_DIR: apiDir,
    };
    const app = await startApp(broken);
    const w = await startWorker(broken);
    const q = new Queue(QUEUES.auditExports, {
      connection: bullConnection(t.env),
      prefix: broken.REDIS_PREFIX,
    });
    const ev = new QueueEvents(QUEUES.auditExports, {
      connection: bullConnection(t.env),
      prefix: broken.REDIS_PREFIX,
    });
    try {
      await ev.waitUntilReady();
      const { session, api } = await signedUpTyped(app.url);
      const created = await api.auditExports.create({ body: { format: 'csv', filter: {} } });
      expectStatus(created, 202);
      const id = created.body.id;
      await expect((await q.getJob(id))!.waitUntilFinished(ev, 60_000)).rejects.toThrow(
        /NoSuchBucket/,
      );
      // The failure email is sent once the failure is recorded (after the job's own failed event).
      const mail = await smtp.waitFor((m) => m.text.includes(`Export id: ${id}`));
      const status = ok(await api.auditExports.get({ params: { id } }), 200);
      expect(status).toMatchObject({ status: 'failed', downloadUrl: null });
      expect(status.error).toBe(
        'The export could not be completed after 3 attempts: the export storage failed (Completing the export file in S3: S3 answered NoSuchBucket (HTTP 404)). ' +
          `The audit log itself is unaffected. Ask your Keyledger administrator to check the export storage (EXPORT_STORAGE_URL), then try again, quoting export ${id}.`,
      );
      expect(mail.text).toContain(status.error);
      expect(mail.text).not.toContain(s3.endpoint.replace('http://', ''));
      expect(await s3.keys(`${prefix}/${session.account.id}/`)).toEqual([]);
    } finally {
      await ev.close();
      await q.close();
      await w.close();
      await app.close();
    }
  }, 90_000);

  it('shows nothing in the bucket while a worker killed mid-upload is replaced; the retry leaves one whole object and no unfinished upload', async () => {
    for (const w of workers) await w.kill('SIGKILL');
    const first = await spawnWorker();
    const { session, api } = await signedUpTyped(t.url);
    await load(session.account.id, session.user.id, LOADED_SMALL);
    const created = await api.auditExports.create({ body: { format: 'ndjson', filter: {} } });
    expectStatus(created, 202);
    const id = created.body.id;
    const key = objectKey(session.account.id, id, 'ndjson');
    // Kill it once parts are on their way: as soon as its multipart upload is open in the bucket.
    await until(async () => {
      if ((await s3.uploads(key)).length > 0) return true;
      const row = ok(await api.auditExports.get({ params: { id } }), 200);
      if (row.status === 'completed')
        throw new Error('the export finished before the worker could be killed');
      return false;
    }, 60_000);
    await first.kill('SIGKILL');
    expect(await s3.exists(key)).toBe(false);
    expect(await s3.uploads(key)).toEqual([key]);

    await spawnWorker(); // takes the stalled job over once the dead worker's lock lapses
    const status = await finished(api, id);
    expect(status.status).toBe('completed');
    expect(sha256(await s3.read(key))).toBe(status.sha256);
    expect(await s3.keys(`${prefix}/${session.account.id}/`)).toEqual([key]);
    expect(await s3.uploads(prefix)).toEqual([]);
    const mail = await smtp.waitFor((m) => m.text.includes(`/exports/${id}/download`));
    expect(mail.text).toContain(`SHA-256: ${status.sha256}`);
  }, 180_000);
});
