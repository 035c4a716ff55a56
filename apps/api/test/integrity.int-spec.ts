import { type AuditEntry, type AuditExport, type IntegrityReport, type IntegrityVerification } from '@keyledger/contract';
import { entryHash, loadPublicKey, verifyCheckpoint, verifyExportFile } from '@keyledger/verify';
import { Queue, QueueEvents } from 'bullmq';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type Client } from 'pg';
import { bullConnection } from '../src/jobs/bull';
import { AUDIT_EXPORT_JOBS, AUDIT_VERIFICATION_JOBS, QUEUES } from '../src/jobs/queues';
import { IntegrityVerifier } from '../src/integrity/integrity-verifier.service';
import { joinRanges, runFullVerification, splitRanges } from '../src/integrity/full-verification';
import { loadSigningKey } from '../src/integrity/signing-key.service';
import { AUDIT_EXPORT_JOB_OPTIONS } from '../src/exports/audit-export.job';
import { startWorker, type TestWorker } from './support/worker';
import { readRunState } from './support/test-db';
import { run as auditVerifyCli } from '../src/cli/audit-verify';
import { IntegrityService } from '../src/integrity/integrity.service';
import { ApiClient } from './support/client';
import { startApp, type TestApp } from './support/app';
import { connectDb } from './support/db';

const VERIFY_BIN = resolve(__dirname, '../../../packages/verify/bin/keyledger-verify.js');

describe('tamper evidence', () => {
  let t: TestApp;
  let db: Client;
  let worker: TestWorker;
  let queue: Queue;
  let events: QueueEvents;
  let verifications: Queue;
  let verificationEvents: QueueEvents;
  let keyFile: string;

  // The incremental verifier's repeatable pass is slowed down here, so that each test decides when
  // the incremental verifier runs (tampering after it verified an entry is the full job's to find);
  // its repeatable job is tested on its own at the end. Full verifications split chains of a few
  // entries into several ranges, each in its own worker thread.
  const WORKER_SETTINGS = { CHECKPOINT_INTERVAL_SECONDS: '1', INTEGRITY_VERIFY_INTERVAL_SECONDS: '3600', INTEGRITY_VERIFY_THREADS: '3', INTEGRITY_MIN_ENTRIES_PER_THREAD: '2' };

  beforeAll(async () => {
    t = await startApp({ CHECKPOINT_INTERVAL_SECONDS: '1', INTEGRITY_MIN_ENTRIES_PER_THREAD: '2' });
    worker = await startWorker(WORKER_SETTINGS);
    db = await connectDb();
    const opts = { connection: bullConnection(t.env), prefix: t.env.QUEUE_PREFIX };
    queue = new Queue(QUEUES.auditExports, opts);
    events = new QueueEvents(QUEUES.auditExports, opts);
    verifications = new Queue(QUEUES.auditVerifications, opts);
    verificationEvents = new QueueEvents(QUEUES.auditVerifications, opts);
    await events.waitUntilReady();
    await verificationEvents.waitUntilReady();
    const key = await new ApiClient(t.url).get('/api/v1/audit-log/integrity/public-key');
    keyFile = join(readRunState().dataDir, 'integrity-public-key.pem');
    writeFileSync(keyFile, key.body.publicKeyPem);
  });
  afterAll(async () => {
    await verificationEvents.close();
    await verifications.close();
    await events.close();
    await queue.close();
    await worker.close();
    await db.end();
    await t.close();
  });

  /** An NDJSON export of the whole log, built by the real worker and downloaded through its link. */
  async function exportAll(c: ApiClient): Promise<string> {
    const res = await c.post('/api/v1/audit-log/exports', { format: 'ndjson', filter: {} });
    expect(res.status).toBe(202);
    await (await queue.getJob(res.body.id))!.waitUntilFinished(events, 60_000);
    const status = (await c.get<AuditExport>(`/api/v1/audit-log/exports/${res.body.id}`)).body;
    expect(status.status).toBe('completed');
    const file = await fetch(status.downloadUrl!.replace(t.env.PUBLIC_URL, t.url));
    const path = join(readRunState().dataDir, `verify-${res.body.id}.ndjson`);
    writeFileSync(path, Buffer.from(await file.arrayBuffer()));
    return path;
  }

  /**
   * The same export built by the real worker, for an account that can no longer write entries (a
   * forged entry beyond the head holds the seq its next entry needs, so requesting an export, itself
   * an entry, fails): the row is inserted and the job queued as the export service does, and the
   * file is read where the worker stored it (a download is an entry too).
   */
  async function exportBuiltByWorker(accountId: string): Promise<string> {
    const id = randomUUID();
    await db.query(
      `INSERT INTO audit_exports (id, account_id, requested_by_type, requested_by_id, requested_by_name, requested_by_email, format, filter)
       VALUES ($1, $2, 'system', NULL, 'integrity test', NULL, 'ndjson', '{}')`,
      [id, accountId],
    );
    const job = await queue.add(AUDIT_EXPORT_JOBS.build, { v: 1, exportId: id }, { ...AUDIT_EXPORT_JOB_OPTIONS, jobId: id });
    await job.waitUntilFinished(events, 60_000);
    const row = await db.query<{ status: string; storage_key: string }>('SELECT status, storage_key FROM audit_exports WHERE id = $1', [id]);
    expect(row.rows[0]!.status).toBe('completed');
    return join(t.env.EXPORTS_DIR, row.rows[0]!.storage_key);
  }

  /** A fresh account with `n` products: entries 1 (sign-up) .. n + 1. */
  async function accountWithEntries(n: number) {
    const c = new ApiClient(t.url);
    const { account } = await c.signup();
    for (let i = 0; i < n; i++) {
      const res = await c.post('/api/v1/products', { name: `Product ${i}`, code: `p-${i}` });
      expect(res.status).toBe(201);
    }
    return { c, accountId: account.id };
  }

  /** The stored status, as the API returns it (nothing re-hashed). */
  async function online(c: ApiClient): Promise<IntegrityReport> {
    const res = await c.get('/api/v1/audit-log/integrity');
    expect(res.status).toBe(200);
    return res.body;
  }

  /** One pass of the worker's incremental verifier over the account, then the stored status. */
  async function incremental(c: ApiClient, accountId: string): Promise<IntegrityReport> {
    await worker.app.get(IntegrityVerifier).verifyIncrementally(accountId);
    return online(c);
  }

  /** "Verify now": the full verification job, run by the real worker (threads over seq ranges), to its end. */
  async function fullJob(c: ApiClient): Promise<IntegrityVerification> {
    const res = await c.post('/api/v1/audit-log/integrity/verifications', {});
    expect(res.status).toBe(202);
    const job = await verifications.getJob(res.body.id);
    await job!.waitUntilFinished(verificationEvents, 60_000);
    const done = await c.get<IntegrityVerification>(`/api/v1/audit-log/integrity/verifications/${res.body.id}`);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ id: res.body.id, status: 'completed', progress: 1 });
    return done.body;
  }

  async function brokenEntries(c: ApiClient): Promise<AuditEntry[]> {
    return (await c.get('/api/v1/audit-log?action=audit_log_integrity_broken')).body.items;
  }

  async function cli(accountId: string): Promise<{ code: number; report: IntegrityReport }> {
    const out: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((s: string) => void out.push(s));
    const err = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const code = await auditVerifyCli(['--account', accountId], t.env);
      return { code, report: JSON.parse(out.join('\n')) };
    } finally {
      log.mockRestore();
      err.mockRestore();
    }
  }

  /** Tamper as a superuser would: with the append-only triggers bypassed. */
  async function asSuperuser(sql: string | string[], params: unknown[]) {
    await db.query('BEGIN');
    try {
      await db.query('SET LOCAL session_replication_role = replica');
      for (const statement of Array.isArray(sql) ? sql : [sql]) await db.query(statement, params);
      await db.query('COMMIT');
    } catch (err) {
      await db.query('ROLLBACK');
      throw err;
    }
  }

  async function expectBrokenAt(c: ApiClient, accountId: string, k: number, exportFile = () => exportAll(c)) {
    const report = await incremental(c, accountId);
    expect(report).toMatchObject({ ok: false, firstBrokenSeq: k, brokenBy: 'incremental' });
    expect(report.reason).toEqual(expect.any(String));
    expect(report.verifiedThroughSeq).toBeLessThan(k);
    const full = await fullJob(c);
    expect(full).toMatchObject({ ok: false, firstBrokenSeq: k });
    expect((await online(c)).lastFullVerification).toMatchObject({ id: full.id, ok: false, firstBrokenSeq: k });
    const byCli = await cli(accountId);
    expect(byCli.code).toBe(1);
    expect(byCli.report).toMatchObject({ ok: false, firstBrokenSeq: k });
    const offline = await verifyExportFile(await exportFile(), loadPublicKey(readFileSync(keyFile, 'utf8')));
    expect(offline).toMatchObject({ ok: false, firstBrokenSeq: k });
  }

  /** Entries, then a signed checkpoint over them (so tampering is also checked against a signature). */
  async function sealed(n: number) {
    const a = await accountWithEntries(n);
    await t.app.get(IntegrityService).sealDue();
    return a;
  }

  it('verifies an intact chain online and by the CLI, and signs checkpoints anyone can check', async () => {
    const { c, accountId } = await accountWithEntries(6);
    expect(await online(c)).toMatchObject({ ok: true, verifiedThroughSeq: 0, headSeq: 7, unverifiedEntries: 7, checkedAt: null, lastFullVerification: null });
    const before = await incremental(c, accountId);
    expect(before).toMatchObject({ ok: true, verifiedThroughSeq: 7, headSeq: 7, entriesChecked: 7, unverifiedEntries: 0 });
    expect(before.verifiedThroughHash).toBe(before.headHash);
    expect(before.checkedAt).toEqual(expect.any(String));
    // The worker signs every second, so on a slow machine it may already have signed part of the chain.
    if (before.lastCheckpoint) expect(before.lastCheckpoint.seq).toBeLessThanOrEqual(7);
    await t.app.get(IntegrityService).sealDue();
    const report = await incremental(c, accountId);
    expect(report.lastCheckpoint).toMatchObject({ accountId, seq: 7, hash: report.headHash, signatureValid: true });
    const key = await new ApiClient(t.url).get('/api/v1/audit-log/integrity/public-key');
    expect(key.body.algorithm).toBe('ed25519');
    expect(verifyCheckpoint(report.lastCheckpoint!, loadPublicKey(key.body.publicKeyPem))).toBe(true);
    expect(verifyCheckpoint({ ...report.lastCheckpoint!, seq: 6 }, loadPublicKey(key.body.publicKeyPem))).toBe(false);
    const listed = (await c.get('/api/v1/audit-log/integrity/checkpoints')).body.items as Array<{ seq: number; signature: string }>;
    expect(listed[0]).toMatchObject({ seq: 7, signature: report.lastCheckpoint!.signature });
    expect(listed.filter((cp) => cp.seq === 7)).toHaveLength(1);
    expect(await cli(accountId)).toMatchObject({ code: 0, report: { ok: true, verifiedThroughSeq: 7 } });
    expect(await fullJob(c)).toMatchObject({ ok: true, headSeq: 7, entriesChecked: 7, firstBrokenSeq: null, trigger: 'manual' });
    expect(await brokenEntries(c)).toHaveLength(0);
    // No new entries: nothing new to sign, by this call or the worker's.
    await t.app.get(IntegrityService).sealDue();
    expect((await c.get('/api/v1/audit-log/integrity/checkpoints')).body.items).toHaveLength(listed.length);
  });

  it('names entry k when one field of it was changed', async () => {
    const { c, accountId } = await sealed(5);
    await asSuperuser(`UPDATE audit_entries SET target_label = 'Forged' WHERE account_id = $1 AND seq = 4`, [accountId]);
    await expectBrokenAt(c, accountId, 4);
  });

  it('names entry k when it was deleted', async () => {
    const { c, accountId } = await sealed(5);
    await asSuperuser(`DELETE FROM audit_entries WHERE account_id = $1 AND seq = 3`, [accountId]);
    await expectBrokenAt(c, accountId, 3);
  });

  it('names the last entry when it was deleted (the recorded head still counts it)', async () => {
    const { c, accountId } = await accountWithEntries(3);
    await asSuperuser(`DELETE FROM audit_entries WHERE account_id = $1 AND seq = 4`, [accountId]);
    await expectBrokenAt(c, accountId, 4);
  });

  it('names the first of two entries whose order was swapped', async () => {
    const { c, accountId } = await sealed(5);
    await asSuperuser(
      [
        'UPDATE audit_entries SET seq = -2 WHERE account_id = $1 AND seq = 2',
        'UPDATE audit_entries SET seq = 2 WHERE account_id = $1 AND seq = 3',
        'UPDATE audit_entries SET seq = 3 WHERE account_id = $1 AND seq = -2',
      ],
      [accountId],
    );
    await expectBrokenAt(c, accountId, 2);
  });

  it('names a forged entry appended with a correctly computed hash', async () => {
    const { c, accountId } = await accountWithEntries(3);
    const last = (await c.get('/api/v1/audit-log?limit=1')).body.items[0];
    const forged = { ...last, seq: 5, id: '0190a1b2-0000-7000-8000-0000000000ff', occurredAt: new Date().toISOString() };
    const hash = entryHash(forged, last.hash);
    await asSuperuser(
      `INSERT INTO audit_entries (account_id, seq, id, occurred_at, action, actor_type, actor_id, actor_name, actor_email,
         target_type, target_id, target_label, links, changes, request_id, ip, user_agent, source, search_text, prev_hash, hash)
       SELECT account_id, 5, $2, $3, action, actor_type, actor_id, actor_name, actor_email, target_type, target_id,
         target_label, links, changes, request_id, ip, user_agent, source, search_text, hash, $4
       FROM audit_entries WHERE account_id = $1 AND seq = 4`,
      [accountId, forged.id, forged.occurredAt, hash],
    );
    // The forgery holds the seq of the account's next entry. Writers no longer take the head, so the next
    // action (an export request, an entry too) still succeeds and its entry is committed; the sealer cannot
    // chain it after the forgery (seq 5 is taken), so it stays sealing — listed, unchained, counted in the
    // integrity status — and nothing is lost.
    expect((await c.post('/api/v1/audit-log/exports', { format: 'ndjson', filter: {} })).status).toBe(202);
    expect((await db.query('SELECT count(*)::int AS n FROM audit_entries WHERE account_id = $1', [accountId])).rows[0].n).toBe(5);
    expect((await c.get('/api/v1/audit-log?limit=1')).body.items[0]).toMatchObject({ action: 'audit_log_export_requested', seq: null, hash: null });
    expect((await c.get('/api/v1/audit-log/integrity')).body.sealing).toEqual({ entries: 1, oldestRecordedAt: expect.any(String) });
    await expectBrokenAt(c, accountId, 5, () => exportBuiltByWorker(accountId));
  });

  it('reports a checkpoint with a forged signature', async () => {
    const { c, accountId } = await accountWithEntries(2);
    const head = await online(c);
    // Replace whatever the worker signed with a checkpoint whose signature was not made by the key.
    await asSuperuser(
      [
        'DELETE FROM audit_checkpoints WHERE account_id = $1 AND $2::bigint > 0 AND $3::text IS NOT NULL AND $4::text IS NOT NULL',
        `INSERT INTO audit_checkpoints (account_id, seq, hash, at, key_id, signature) VALUES ($1, $2, $3, now(), 'forged', $4)`,
      ],
      [accountId, head.headSeq, head.headHash, Buffer.alloc(64, 7).toString('base64')],
    );
    const report = await incremental(c, accountId);
    expect(report).toMatchObject({ ok: false, firstBrokenSeq: 3, lastCheckpoint: { seq: 3, signatureValid: false } });
    expect(report.reason).toMatch(/signature/);
    expect((await cli(accountId)).code).toBe(1);
  });

  it('names a forged checkpoint even when a later, valid one was signed after it (full verification and CLI)', async () => {
    const { c, accountId } = await accountWithEntries(2);
    const head = await online(c);
    await asSuperuser(
      [
        'DELETE FROM audit_checkpoints WHERE account_id = $1 AND $2::bigint > 0 AND $3::text IS NOT NULL AND $4::text IS NOT NULL',
        `INSERT INTO audit_checkpoints (account_id, seq, hash, at, key_id, signature) VALUES ($1, $2, $3, now(), 'forged', $4)`,
      ],
      [accountId, head.headSeq, head.headHash, Buffer.alloc(64, 7).toString('base64')],
    );
    // A new entry, and a checkpoint over it signed by the real key: the latest checkpoint is valid now.
    expect((await c.post('/api/v1/products', { name: 'After the forgery', code: 'p-after' })).status).toBe(201);
    await t.app.get(IntegrityService).sealDue();
    const latest = await db.query('SELECT max(seq)::int AS seq FROM audit_checkpoints WHERE account_id = $1', [accountId]);
    expect(latest.rows[0].seq).toBeGreaterThan(head.headSeq);
    const { code, report } = await cli(accountId);
    expect(code).toBe(1);
    expect(report).toMatchObject({ ok: false, firstBrokenSeq: head.headSeq, lastCheckpoint: { signatureValid: true } });
    expect(report.reason).toMatch(/invalid signature/);
  });

  it('keeps one unbroken chain under 50 concurrent writes', async () => {
    const { c, accountId } = await accountWithEntries(0);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => c.post('/api/v1/products', { name: `Concurrent ${i}`, code: `c-${i}` })),
    );
    expect(results.every((r) => r.status === 201)).toBe(true);
    expect(await incremental(c, accountId)).toMatchObject({ ok: true, verifiedThroughSeq: 51, entriesChecked: 51 });
    expect(await fullJob(c)).toMatchObject({ ok: true, entriesChecked: 51 });
  });

  it('signs checkpoints from the worker’s repeatable job while entries arrive', async () => {
    const { c, accountId } = await accountWithEntries(2);
    let checkpoints: Array<{ seq: number }> = [];
    for (let i = 0; i < 100 && !checkpoints.some((cp) => cp.seq === 3); i++) {
      checkpoints = (await c.get('/api/v1/audit-log/integrity/checkpoints')).body.items;
      if (!checkpoints.some((cp) => cp.seq === 3)) await new Promise((r) => setTimeout(r, 100));
    }
    expect(checkpoints[0]).toMatchObject({ accountId, seq: 3 });
    expect((await incremental(c, accountId)).lastCheckpoint).toMatchObject({ seq: 3, signatureValid: true });
  });

  it('verifies an intact export offline with the keyledger-verify command, and names a byte changed in the file', async () => {
    const { c } = await sealed(4);
    const path = await exportAll(c);
    const ok = await promisify(execFile)('node', [VERIFY_BIN, path, '--public-key', keyFile]);
    // The sign-up, 4 products, and the export's own request (audit_log_export_requested, committed before
    // the job ran); the checkpoint is the sealed one (5) or, if the worker's job signed again meanwhile, 6.
    const report = JSON.parse(ok.stdout) as { checkpoint: { seq: number } };
    expect(report).toMatchObject({ ok: true, entries: 6, checkpoint: { signatureValid: true, matchesEntry: true } });
    expect([5, 6]).toContain(report.checkpoint.seq);
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, text.replace('"Product 2"', '"Product X"'));
    const broken = await promisify(execFile)('node', [VERIFY_BIN, path, '--public-key', keyFile]).then(
      () => ({ code: 0, stdout: '' }),
      (err: { code: number; stdout: string }) => err,
    );
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.stdout)).toMatchObject({ ok: false, firstBrokenSeq: 4 });
  });

  it('keeps the status stored: a read re-hashes nothing, the verifier continues from its last verified entry', async () => {
    const { c, accountId } = await accountWithEntries(3);
    expect(await incremental(c, accountId)).toMatchObject({ ok: true, verifiedThroughSeq: 4, headSeq: 4, unverifiedEntries: 0 });
    for (let i = 0; i < 3; i++) expect((await c.post('/api/v1/products', { name: `Later ${i}`, code: `l-${i}` })).status).toBe(201);
    // Entries 5..7 are sealed but not verified yet: the read says so, and does not verify them itself.
    const read = await online(c);
    expect(read).toMatchObject({ ok: true, verifiedThroughSeq: 4, headSeq: 7, unverifiedEntries: 3 });
    // A change to entry 6 before the verifier reached it: it is found by the pass that reaches it.
    // Each pass starts where the last one ended (two entries per pass here), not at entry 1.
    const verifier = worker.app.get(IntegrityVerifier);
    expect(await verifier.verifyIncrementally(accountId, 1)).toMatchObject({ ok: true, verifiedThroughSeq: 5, entriesChecked: 1 });
    expect(await online(c)).toMatchObject({ ok: true, verifiedThroughSeq: 5, unverifiedEntries: 2, entriesChecked: 1 });
    await asSuperuser(`UPDATE audit_entries SET target_label = 'Forged' WHERE account_id = $1 AND seq = 6`, [accountId]);
    expect(await verifier.verifyIncrementally(accountId, 2)).toMatchObject({ ok: false, firstBrokenSeq: 6, verifiedThroughSeq: 5, entriesChecked: 1 });
    expect(await online(c)).toMatchObject({ ok: false, firstBrokenSeq: 6, verifiedThroughSeq: 5, brokenBy: 'incremental' });
    // Once broken, later passes do not advance past the break (nor raise it again).
    expect(await verifier.verifyIncrementally(accountId)).toMatchObject({ ok: false, skipped: 'broken', firstBrokenSeq: 6 });
    expect(await brokenEntries(c)).toHaveLength(1);
  });

  it('re-checks the verified point: a change to the last verified entry is found by the next pass', async () => {
    const { c, accountId } = await accountWithEntries(3);
    expect(await incremental(c, accountId)).toMatchObject({ ok: true, verifiedThroughSeq: 4 });
    await asSuperuser(`UPDATE audit_entries SET target_label = 'Forged' WHERE account_id = $1 AND seq = 4`, [accountId]);
    expect(await incremental(c, accountId)).toMatchObject({ ok: false, firstBrokenSeq: 4, verifiedThroughSeq: 3 });
  });

  it('leaves a change to an entry verified earlier to the full verification, which records and raises it', async () => {
    const { c, accountId } = await accountWithEntries(5);
    expect(await incremental(c, accountId)).toMatchObject({ ok: true, verifiedThroughSeq: 6 });
    await asSuperuser(`UPDATE audit_entries SET target_label = 'Forged' WHERE account_id = $1 AND seq = 2`, [accountId]);
    expect((await incremental(c, accountId)).ok).toBe(true);
    const full = await fullJob(c);
    expect(full).toMatchObject({ ok: false, firstBrokenSeq: 2, headSeq: 6, threads: 3 });
    expect(await online(c)).toMatchObject({ ok: false, firstBrokenSeq: 2, brokenBy: 'full', lastFullVerification: { id: full.id, ok: false } });
    const [entry, ...more] = await brokenEntries(c);
    expect(more).toHaveLength(0);
    expect(entry).toMatchObject({
      action: 'audit_log_integrity_broken',
      actor: { type: 'system', id: null, name: 'Keyledger' },
      target: { type: 'audit_verification', id: full.id },
      context: { source: 'system' },
    });
    expect(entry!.changes).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'firstBrokenSeq', after: 2 }), expect.objectContaining({ field: 'foundBy', after: 'full verification' })]));
    // The same break found again is not raised again.
    expect((await fullJob(c)).firstBrokenSeq).toBe(2);
    expect(await brokenEntries(c)).toHaveLength(1);
  });

  describe('the full verification over seq ranges in worker threads', () => {
    const key = () => loadSigningKey(t.env).publicKey;
    const full = (accountId: string) => runFullVerification({ databaseUrl: t.env.DATABASE_URL, accountId, publicKey: key(), threads: 3, minEntriesPerThread: 2 });

    it('splits 1..head into contiguous ranges and joins them in order', () => {
      expect(splitRanges(9, 3)).toEqual([[1, 3], [4, 6], [7, 9]]);
      expect(splitRanges(10, 3)).toEqual([[1, 4], [5, 8], [9, 10]]);
      const r = (fromSeq: number, toSeq: number, firstPrevHash: string, lastHash: string, ok = true) => ({
        fromSeq, toSeq, ok, verifiedThroughSeq: toSeq, count: toSeq - fromSeq + 1, firstPrevHash, lastHash, hashesAt: [],
        ...(ok ? {} : { firstBrokenSeq: fromSeq + 1, reason: 'x' }),
      });
      expect(joinRanges([r(1, 3, 'g', 'a'), r(4, 6, 'a', 'b')])).toMatchObject({ ok: true, verifiedThroughSeq: 6, count: 6, lastHash: 'b' });
      expect(joinRanges([r(1, 3, 'g', 'a'), r(4, 6, 'z', 'b'), r(7, 9, 'b', 'c', false)])).toMatchObject({ ok: false, firstBrokenSeq: 4, verifiedThroughSeq: 3 });
      expect(joinRanges([r(1, 3, 'g', 'a'), r(4, 6, 'a', 'b', false), r(7, 9, 'z', 'c', false)])).toMatchObject({ ok: false, firstBrokenSeq: 5 });
    });

    it('verifies an intact chain in three threads', async () => {
      const { accountId } = await accountWithEntries(8);
      expect(await full(accountId)).toMatchObject({ ok: true, threads: 3, headSeq: 9, verifiedThroughSeq: 9, entriesChecked: 9 });
    });

    it('names a change in the middle of a range', async () => {
      const { accountId } = await accountWithEntries(8);
      await asSuperuser(`UPDATE audit_entries SET target_label = 'Forged' WHERE account_id = $1 AND seq = 5`, [accountId]);
      expect(await full(accountId)).toMatchObject({ ok: false, threads: 3, firstBrokenSeq: 5 });
    });

    it('names a change to the first entry of a range (at the boundary)', async () => {
      const { accountId } = await accountWithEntries(8);
      await asSuperuser(`UPDATE audit_entries SET target_label = 'Forged' WHERE account_id = $1 AND seq = 4`, [accountId]);
      expect(await full(accountId)).toMatchObject({ ok: false, firstBrokenSeq: 4 });
    });

    it('names the boundary when the entry there was deleted, or its link rewritten', async () => {
      const a = await accountWithEntries(8);
      await asSuperuser(`DELETE FROM audit_entries WHERE account_id = $1 AND seq = 7`, [a.accountId]);
      expect(await full(a.accountId)).toMatchObject({ ok: false, firstBrokenSeq: 7, reason: 'entry #7 is missing' });
      // Entry 4 re-chained to a made-up predecessor, with its own hash recomputed over it: the range
      // 4..6 holds together, only the join with 1..3 shows the break.
      const b = await accountWithEntries(8);
      const e4 = (await b.c.get('/api/v1/audit-log?limit=100')).body.items.find((e: AuditEntry) => e.seq === 4) as AuditEntry;
      const fake = 'f'.repeat(64);
      const rehashed = entryHash({ ...e4, seq: e4.seq! }, fake);
      await asSuperuser(`UPDATE audit_entries SET prev_hash = $2, hash = $3 WHERE account_id = $1 AND seq = 4`, [b.accountId, fake, rehashed]);
      const report = await full(b.accountId);
      expect(report).toMatchObject({ ok: false, firstBrokenSeq: 4 });
    });
  });

  it('queues one full verification at a time per account, with progress readable while it waits', async () => {
    const { c } = await accountWithEntries(2);
    await verifications.pause();
    try {
      const first = await c.post('/api/v1/audit-log/integrity/verifications', {});
      expect(first.status).toBe(202);
      expect(first.body).toMatchObject({ status: 'queued', progress: 0, trigger: 'manual', requestedBy: { type: 'platform_user' } });
      const second = await c.post('/api/v1/audit-log/integrity/verifications', {});
      expect(second.body.id).toBe(first.body.id);
      expect((await online(c)).lastFullVerification).toMatchObject({ id: first.body.id, status: 'queued' });
      const listed = await c.get('/api/v1/audit-log/integrity/verifications');
      expect(listed.body.items.map((v: IntegrityVerification) => v.id)).toEqual([first.body.id]);
    } finally {
      await verifications.resume();
    }
    // Another account sees none of it.
    const other = new ApiClient(t.url);
    await other.signup();
    expect((await other.get('/api/v1/audit-log/integrity/verifications')).body.items).toEqual([]);
    const id = (await c.get('/api/v1/audit-log/integrity/verifications')).body.items[0].id as string;
    expect((await other.get(`/api/v1/audit-log/integrity/verifications/${id}`)).status).toBe(404);
  });

  it('a run left queued without its job (its request lost Redis, then the database) is queued again by the next "verify now", once, and completes', async () => {
    const { c, accountId } = await accountWithEntries(1);
    // What such a request leaves: the run committed, no job, not closed as failed.
    const orphan = randomUUID();
    await db.query(
      `INSERT INTO audit_integrity_runs (id, account_id, kind, trigger, requested_by_type, requested_by_id, requested_by_name, status)
       VALUES ($1, $2, 'full', 'manual', 'system', NULL, 'test', 'queued')`,
      [orphan, accountId],
    );
    expect(await verifications.getJob(orphan)).toBeUndefined();
    const again = await c.post('/api/v1/audit-log/integrity/verifications', {});
    expect(again.status).toBe(202);
    expect(again.body.id).toBe(orphan);
    const job = await verifications.getJob(orphan);
    expect(job).toBeDefined();
    // A second request while it is queued or running adds no second job.
    expect((await c.post('/api/v1/audit-log/integrity/verifications', {})).body.id).toBe(orphan);
    await job!.waitUntilFinished(verificationEvents, 60_000);
    const done = await c.get<IntegrityVerification>(`/api/v1/audit-log/integrity/verifications/${orphan}`);
    expect(done.body).toMatchObject({ id: orphan, status: 'completed' });
    // And the next "verify now" is a new run.
    const next = await c.post('/api/v1/audit-log/integrity/verifications', {});
    expect(next.body.id).not.toBe(orphan);
    await (await verifications.getJob(next.body.id))!.waitUntilFinished(verificationEvents, 60_000);
  });

  it('a run left queued after its job failed for good (the database was down for both attempts and the close) is retried by the next "verify now"', async () => {
    const { c, accountId } = await accountWithEntries(1);
    const runId = randomUUID();
    // The job runs before its run row exists — as when the database could not be read — and fails for good.
    const job = await verifications.add(AUDIT_VERIFICATION_JOBS.full, { v: 1, runId }, { jobId: runId, attempts: 1 });
    await expect(job.waitUntilFinished(verificationEvents, 30_000)).rejects.toThrow(/not found/);
    expect(await (await verifications.getJob(runId))!.isFailed()).toBe(true);
    await db.query(
      `INSERT INTO audit_integrity_runs (id, account_id, kind, trigger, requested_by_type, requested_by_id, requested_by_name, status)
       VALUES ($1, $2, 'full', 'manual', 'system', NULL, 'test', 'queued')`,
      [runId, accountId],
    );
    const again = await c.post('/api/v1/audit-log/integrity/verifications', {});
    expect(again.body.id).toBe(runId);
    await (await verifications.getJob(runId))!.waitUntilFinished(verificationEvents, 60_000);
    expect((await c.get<IntegrityVerification>(`/api/v1/audit-log/integrity/verifications/${runId}`)).body).toMatchObject({ status: 'completed' });
  });

  it("the schedule queues a left-queued run's job again instead of skipping its account for ever", async () => {
    const { accountId } = await accountWithEntries(1);
    const orphan = randomUUID();
    await db.query(
      `INSERT INTO audit_integrity_runs (id, account_id, kind, trigger, requested_by_type, requested_by_id, requested_by_name, status)
       VALUES ($1, $2, 'full', 'schedule', 'system', NULL, 'test', 'queued')`,
      [orphan, accountId],
    );
    const queued: string[] = [];
    try {
      await worker.app.get(IntegrityVerifier).scheduleFull(async (runId) => void queued.push(runId));
      expect(queued).toContain(orphan);
      const runs = await db.query<{ id: string }>(`SELECT id FROM audit_integrity_runs WHERE account_id = $1 AND kind = 'full'`, [accountId]);
      expect(runs.rows.map((r) => r.id)).toEqual([orphan]);
    } finally {
      // The schedule's runs of this call have no jobs (the enqueue above records only): closed, so no later test meets them.
      await db.query(`UPDATE audit_integrity_runs SET status = 'failed', error = 'test' WHERE id = ANY($1::uuid[]) AND status = 'queued'`, [queued]);
    }
  });

  it('refuses "verify now" without audit_log:read', async () => {
    const { c } = await accountWithEntries(0);
    const key = await c.post('/api/v1/api-keys', { name: 'no audit', permissions: ['products:read'] });
    expect(key.status).toBe(201);
    const res = await fetch(`${t.url}/api/v1/audit-log/integrity/verifications`, { method: 'POST', headers: { authorization: `Bearer ${key.body.secret}` } });
    expect(res.status).toBe(403);
    expect((await c.get('/api/v1/audit-log/integrity/verifications')).body.items).toEqual([]);
  });

  it('refuses the CLI without an account', async () => {
    const err = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(await auditVerifyCli([], t.env)).toBe(2);
    } finally {
      err.mockRestore();
    }
  });

  it('verifies incrementally from the worker’s repeatable job, without being asked', async () => {
    const { c } = await accountWithEntries(2);
    expect((await online(c)).verifiedThroughSeq).toBe(0);
    // A second worker with a 1-second pass (the schedule is shared: every worker now runs it each second).
    const fast = await startWorker({ ...WORKER_SETTINGS, INTEGRITY_VERIFY_INTERVAL_SECONDS: '1' });
    try {
      let status = await online(c);
      for (let i = 0; i < 100 && status.verifiedThroughSeq < 3; i++) {
        await new Promise((r) => setTimeout(r, 100));
        status = await online(c);
      }
      expect(status).toMatchObject({ ok: true, verifiedThroughSeq: 3, unverifiedEntries: 0 });
    } finally {
      await fast.close();
    }
  });
});
