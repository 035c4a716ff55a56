import { TransactionHost } from '@nestjs-cls/transactional';
import { type TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AUDIT_EXPORT_CSV_COLUMNS, type AuditEntry, type AuditExport, type AuditLogFilter } from '@keyledger/contract';
import { Queue, QueueEvents } from 'bullmq';
import Redis from 'ioredis';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ClsService } from 'nestjs-cls';
import { AuditService, type RecordInput } from '../src/audit/audit.service';
import { ExportLinkSigner } from '../src/exports/export-link.signer';
import { bullConnection } from '../src/jobs/bull';
import { QUEUES } from '../src/jobs/queues';
import { startApp, type TestApp } from './support/app';
import { ApiClient } from './support/client';
import { type AuditLogListQuery, errorMessage, expectStatus, ok, typedClient } from './support/typed-client';
import { parseCsv } from './support/csv';
import { connectDb } from './support/db';
import { SmtpCapture } from './support/smtp';
import { readRunState, REDIS_URL } from './support/test-db';
import { ChildWorker, startWorker, type TestWorker } from './support/worker';

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

interface Progress {
  rowsWritten: number;
  rowsTotalEstimate: number | null;
  percent: number;
}

/** Every progress event of a queue, by job id, and a way to wait for one. */
class ProgressLog {
  readonly byJob = new Map<string, Progress[]>();
  private readonly waiters = new Set<() => void>();

  constructor(events: QueueEvents) {
    events.on('progress', ({ jobId, data }) => {
      const list = this.byJob.get(jobId) ?? [];
      list.push(data as Progress);
      this.byJob.set(jobId, list);
      for (const w of this.waiters) w();
    });
  }

  of(jobId: string): Progress[] {
    return this.byJob.get(jobId) ?? [];
  }

  waitFor(jobId: string, match: (p: Progress) => boolean, timeoutMs = 30_000): Promise<Progress> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.of(jobId).find(match);
        if (!found) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(found);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`no matching progress for job ${jobId} within ${timeoutMs} ms: ${JSON.stringify(this.of(jobId))}`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }
}
const MB = 1024 * 1024;

describe('audit-log exports', () => {
  const smtp = new SmtpCapture();
  const tag = randomUUID().slice(0, 8);
  const state = readRunState();
  let shared: Record<string, string>;
  let t: TestApp;
  let worker: TestWorker;
  let queue: Queue;
  let events: QueueEvents;

  beforeAll(async () => {
    const smtpUrl = await smtp.start();
    shared = {
      QUEUE_PREFIX: `kltest-exports-${tag}`,
      SMTP_URL: smtpUrl,
      EXPORT_SIGNING_SECRET: randomBytes(32).toString('hex'),
      JOB_LOCK_MS: '2000',
      EXPORTS_DIR: join(state.dataDir, `exports-${tag}`),
    };
    t = await startApp(shared);
    worker = await startWorker(shared);
    queue = new Queue(QUEUES.auditExports, { connection: bullConnection(t.env), prefix: shared.QUEUE_PREFIX });
    events = new QueueEvents(QUEUES.auditExports, { connection: bullConnection(t.env), prefix: shared.QUEUE_PREFIX });
    await events.waitUntilReady();
  });

  afterAll(async () => {
    await events?.close();
    await queue?.close();
    await worker?.close();
    await t?.close();
    await smtp.close();
    // This file's queues (all under its own prefix) leave nothing behind in Redis.
    const redis = new Redis(REDIS_URL);
    try {
      for await (const keys of redis.scanStream({ match: `${shared.QUEUE_PREFIX}*`, count: 500 }) as AsyncIterable<string[]>) {
        if (keys.length) await redis.del(...keys);
      }
    } finally {
      redis.disconnect();
    }
  });

  /** Writes entries the way every audited action does (AuditService.record in a transaction). */
  async function record(app: TestApp, inputs: RecordInput[]): Promise<void> {
    const cls = app.app.get(ClsService);
    const txHost = app.app.get<TransactionHost<TransactionalAdapterTypeOrm>>(TransactionHost);
    const audit = app.app.get(AuditService);
    await cls.run(() =>
      txHost.withTransaction(async () => {
        for (const input of inputs) await audit.record(input);
      }),
    );
  }

  async function requestExport(api: ApiClient, format: 'csv' | 'ndjson', filter: AuditLogFilter): Promise<string> {
    const res = await typedClient(api).auditExports.create({ body: { format, filter } });
    expectStatus(res, 202);
    expect(res.body).toEqual({ id: expect.any(String), status: 'queued' });
    return res.body.id;
  }

  /** Waits for the export's job through BullMQ's QueueEvents, then reads its status. */
  async function finished(api: ApiClient, id: string, q = queue, ev = events): Promise<AuditExport> {
    const job = await q.getJob(id);
    if (!job) throw new Error(`no job for export ${id}`);
    await job.waitUntilFinished(ev, 90_000);
    return ok(await typedClient(api).auditExports.get({ params: { id } }), 200);
  }

  /** GET a link; links are built from PUBLIC_URL, and the test's API listens on a port of its own. */
  async function download(link: string, api?: ApiClient, baseUrl = t.url) {
    const url = link.replace(t.env.PUBLIC_URL, baseUrl);
    const res = await fetch(url, { headers: api?.cookies.size ? { cookie: [...api.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {} });
    const body = Buffer.from(await res.arrayBuffer());
    return { status: res.status, headers: res.headers, body };
  }

  async function listAll(api: ApiClient, filter: Omit<AuditLogListQuery, 'limit' | 'cursor'>): Promise<AuditEntry[]> {
    const items: AuditEntry[] = [];
    let cursor: string | null = null;
    do {
      const res = await typedClient(api).auditLog.list({ query: { limit: 200, ...filter, cursor: cursor ?? undefined } });
      expectStatus(res, 200);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    return items;
  }

  const mailsFor = (id: string) => smtp.messages.filter((m) => m.text.includes(`/exports/${id}/download`) || m.text.includes(`Export id: ${id}`));

  it('exports exactly the rows the list API returns for a filter, oldest first, hashed as its manifest says', async () => {
    const api = new ApiClient(t.url);
    const { account, user } = await api.signup();
    const license = { type: 'license' as const, id: randomUUID(), label: 'License ACME-1' };
    const actor = { type: 'platform_user' as const, id: user.id, name: user.name, email: user.email };
    const at = (day: number, i: number) => new Date(Date.UTC(2026, 2, day, 9, i));
    const inputs: RecordInput[] = [];
    for (let i = 0; i < 45; i++) {
      // March 2026, interleaved with entries the filter must leave out.
      const action = i % 3 === 0 ? 'license_enabled' : 'license_disabled';
      inputs.push({ accountId: account.id, action, actor, target: license, parents: [], changes: [{ field: 'status', before: 'a', after: `b${i}` }], occurredAt: at(1 + (i % 28), i) });
    }
    // Text that COPY escapes, and text beyond ASCII, must come out exactly as the API gives it.
    const tricky = 'back\\slash\ttab\nnew line\r\n "quoted", ünïcødé 🎉 \\N';
    inputs.push({
      accountId: account.id, action: 'license_disabled', actor, target: { ...license, label: tricky }, parents: [],
      changes: [{ field: 'notes', before: { nested: [tricky, 1.5, null] }, after: tricky }],
      context: { ip: '2001:db8::1', userAgent: tricky, requestId: 'req\t1' }, occurredAt: new Date('2026-03-31T23:59:59.999Z'),
    });
    inputs.sort((a, b) => a.occurredAt!.getTime() - b.occurredAt!.getTime());
    inputs.push({ accountId: account.id, action: 'license_disabled', actor, target: license, parents: [], changes: [], occurredAt: new Date('2026-04-02T00:00:00Z') });
    await record(t, inputs);

    const filter = { q: 'action:license_disabled created:>=2026-03-01 created:<2026-04-01' };
    const listed = await listAll(api, { q: filter.q });
    expect(listed).toHaveLength(31);
    const oldestFirst = [...listed].reverse();

    const csvId = await requestExport(api, 'csv', filter);
    const ndjsonId = await requestExport(api, 'ndjson', filter);
    const csv = await finished(api, csvId);
    const ndjson = await finished(api, ndjsonId);

    for (const [status, format] of [[csv, 'csv'], [ndjson, 'ndjson']] as const) {
      expect(status).toMatchObject({
        status: 'completed',
        format,
        filter,
        order: 'seq_asc',
        rowsWritten: 31,
        rowsTotalEstimate: 31,
        percent: 100,
        firstSeq: oldestFirst[0]!.seq,
        lastSeq: oldestFirst[30]!.seq,
        requestedBy: { id: user.id, name: user.name, email: user.email },
      });
      expect(status.filterDescription).toMatch(/License disabled/);
      expect(status.fileName).toBe(`audit-log-${account.slug}-${status.createdAt.slice(0, 10)}.${format}`);
    }

    const csvFile = await download(csv.downloadUrl!);
    expect(csvFile.status).toBe(200);
    expect(csvFile.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csvFile.headers.get('content-disposition')).toBe(`attachment; filename="${csv.fileName}"`);
    expect(csvFile.body.length).toBe(csv.sizeBytes);
    expect(sha256(csvFile.body)).toBe(csv.sha256);
    const records = parseCsv(csvFile.body.toString('utf8'));
    expect(records[0]).toEqual([...AUDIT_EXPORT_CSV_COLUMNS]);
    const rows = records.slice(1);
    expect(rows.map((r) => Number(r[1]))).toEqual(oldestFirst.map((e) => e.seq));
    expect(rows[0]).toEqual([
      oldestFirst[0]!.occurredAt,
      String(oldestFirst[0]!.seq),
      'license_disabled',
      'License disabled',
      'platform_user',
      user.name,
      user.email,
      'license',
      license.id,
      license.label,
      JSON.stringify(oldestFirst[0]!.changes),
      '',
      '',
      '',
    ]);

    const trickyEntry = oldestFirst.find((e) => e.target.label === tricky)!;
    expect(rows.find((r) => r[9] === tricky)!.slice(10)).toEqual([JSON.stringify(trickyEntry.changes), trickyEntry.context.requestId, '2001:db8::1', tricky]);

    const ndjsonFile = await download(ndjson.downloadUrl!);
    expect(ndjsonFile.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(sha256(ndjsonFile.body)).toBe(ndjson.sha256);
    const lines = ndjsonFile.body.toString('utf8').split('\n');
    expect(lines.pop()).toBe('');
    // The first line is the manifest for offline verification: a filtered export is not complete.
    expect(JSON.parse(lines.shift()!).manifest).toMatchObject({ format: 'keyledger-audit-ndjson/1', complete: false });
    const parsed = lines.map((l) => JSON.parse(l) as AuditEntry);
    expect(parsed).toEqual(oldestFirst);
    expect(parsed.every((e) => /^[0-9a-f]{64}$/.test(e.hash!))).toBe(true);

    const list = ok(await typedClient(api).auditExports.list(), 200);
    expect(list.items.map((e) => e.id)).toEqual([ndjsonId, csvId]);
  });

  it('neutralises a formula in CSV cells and keeps it intact in NDJSON', async () => {
    const api = new ApiClient(t.url);
    await api.signup();
    const formula = '=HYPERLINK("http://x")';
    expect((await typedClient(api).customers.create({ body: { email: `buyer-${tag}@buyer.test`, company: formula } })).status).toBe(201);
    expect((await typedClient(api).products.create({ body: { name: formula, code: `hl-${tag}` } })).status).toBe(201);
    // The actions too: the export requests' own entries (audit_log_export_requested, 'matching "hyperlink"') match the text.
    const filter: AuditLogFilter = { text: 'hyperlink', action: ['product_created', 'customer_created'] };
    const [csvId, ndjsonId] = [await requestExport(api, 'csv', filter), await requestExport(api, 'ndjson', filter)];
    const csv = await finished(api, csvId);
    const ndjson = await finished(api, ndjsonId);
    expect(csv.rowsWritten).toBe(2);

    const csvText = (await download(csv.downloadUrl!)).body.toString('utf8');
    expect(csvText).toContain(`"'=HYPERLINK(""http://x"")"`);
    const [header, ...rows] = parseCsv(csvText);
    for (const cell of rows.flat()) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    const col = (name: string) => header!.indexOf(name);
    const product = rows.find((r) => r[col('action')] === 'product_created')!;
    expect(product[col('target_label')]).toBe(`'${formula}`);
    const customer = rows.find((r) => r[col('action')] === 'customer_created')!;
    const changes = JSON.parse(customer[col('changes')]!) as AuditEntry['changes'];
    expect(changes).toContainEqual({ field: 'company', before: null, after: formula });

    const entries = (await download(ndjson.downloadUrl!)).body.toString('utf8').trim().split('\n').slice(1).map((l) => JSON.parse(l) as AuditEntry);
    expect(entries.find((e) => e.action === 'product_created')!.target.label).toBe(formula);
    expect(entries.find((e) => e.action === 'customer_created')!.changes).toContainEqual({ field: 'company', before: null, after: formula });
  });

  it('emails one working link; it downloads without a cookie, expires with 410, and is 404 to another account', async () => {
    const api = new ApiClient(t.url);
    const { account, user } = await api.signup();
    const id = await requestExport(api, 'csv', { action: ['platform_user_added'] });
    const status = await finished(api, id);
    const mail = await smtp.waitFor((m) => m.text.includes(`/exports/${id}/download`));
    expect(mail.to).toEqual([user.email]);
    expect(mail.subject).toBe('Your audit log export is ready (1 entry)');
    expect(mail.text).toContain('Entries: 1');
    expect(mail.text).toContain('Filter: action Platform user added');
    expect(mail.text).toContain(`SHA-256: ${status.sha256}`);
    const link = /^(http\S+\/download\?token=\S+)$/m.exec(mail.text)![1]!;
    expect(link.startsWith(`${t.env.PUBLIC_URL}/api/v1/audit-log/exports/${id}/download?token=`)).toBe(true);

    // The link from the email, at the API's address, without any cookie.
    const file = await download(link);
    expect(file.status).toBe(200);
    expect(sha256(file.body)).toBe(status.sha256);
    expect(parseCsv(file.body.toString('utf8'))).toHaveLength(2);

    const signer = new ExportLinkSigner(t.env);
    const expired = signer.sign(id, account.id, new Date(Date.now() - 1000));
    const res410 = await download(`${t.url}/api/v1/audit-log/exports/${id}/download?token=${expired}`);
    expect(res410.status).toBe(410);
    expect(JSON.parse(res410.body.toString()).message).toMatch(/expired/);

    const other = new ApiClient(t.url);
    await other.signup();
    expect((await download(link, other)).status).toBe(404);
    expect((await typedClient(other).auditExports.get({ params: { id } })).status).toBe(404);
    expect(ok(await typedClient(other).auditExports.list(), 200).items).toEqual([]);

    const token = new URL(link).searchParams.get('token')!;
    const forged = `${token.slice(0, -4)}AAAA`;
    expect((await download(`${t.url}/api/v1/audit-log/exports/${id}/download?token=${forged}`)).status).toBe(403);
    const otherExport = await requestExport(api, 'ndjson', {});
    await finished(api, otherExport);
    expect((await download(`${t.url}/api/v1/audit-log/exports/${otherExport}/download?token=${token}`)).status).toBe(403);
    expect(mailsFor(id)).toHaveLength(1);
  });

  it('answers 400 for an invalid format or filter and queues nothing', async () => {
    const api = new ApiClient(t.url);
    await api.signup();
    const before = await queue.getJobCounts();
    const cases: Array<[unknown, string]> = [
      [{ format: 'xlsx', filter: {} }, 'body.format'],
      [{ format: 'csv', filter: { q: 'action:no_such_action' } }, 'body.filter.q (action:no_such_action)'],
      [{ format: 'csv', filter: { from: '2026-13-45' } }, 'body.filter.from'],
      [{ format: 'csv', filter: { unknown: 1 } }, 'body.filter'],
      [{ format: 'csv', filter: { from: '2026-02-01', to: '2026-01-01' } }, 'body.filter.to'],
    ];
    for (const [body, path] of cases) {
      // Bodies the contract refuses, sent raw.
      const res = await api.post('/api/v1/audit-log/exports', body);
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
    }
    expect(ok(await typedClient(api).auditExports.list(), 200).items).toEqual([]);
    expect(await queue.getJobCounts()).toEqual(before);
  });

  it('answers 503 when Redis cannot be reached, and creates nothing', async () => {
    const down = await startApp({ ...shared, REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const api = new ApiClient(down.url);
      await api.signup();
      const res = await typedClient(api).auditExports.create({ body: { format: 'csv', filter: {} } });
      expect(res.status).toBe(503);
      expect(errorMessage(res)).toMatch(/Redis/);
      expect(ok(await typedClient(api).auditExports.list(), 200).items).toEqual([]);
      const db = await connectDb();
      try {
        const rows = await db.query('SELECT count(*)::int AS n FROM audit_exports WHERE account_id = $1', [api.session!.account.id]);
        expect(rows.rows[0].n).toBe(0);
      } finally {
        await db.end();
      }
    } finally {
      await down.close();
    }
  });

  it('ends a job that cannot finish as failed, with a message to act on and one failure email', async () => {
    const blocked = join(state.dataDir, `not-a-folder-${tag}`);
    writeFileSync(blocked, 'a file where the exports folder should be');
    const broken = { ...shared, QUEUE_PREFIX: `${shared.QUEUE_PREFIX}-broken`, EXPORTS_DIR: blocked };
    const app = await startApp(broken);
    const w = await startWorker(broken);
    const q = new Queue(QUEUES.auditExports, { connection: bullConnection(t.env), prefix: broken.QUEUE_PREFIX });
    const ev = new QueueEvents(QUEUES.auditExports, { connection: bullConnection(t.env), prefix: broken.QUEUE_PREFIX });
    try {
      await ev.waitUntilReady();
      const api = new ApiClient(app.url);
      const { user } = await api.signup();
      const id = await requestExport(api, 'ndjson', {});
      await expect((await q.getJob(id))!.waitUntilFinished(ev, 60_000)).rejects.toThrow(/ENOTDIR|not a directory/);
      const mail = await smtp.waitFor((m) => m.text.includes(`Export id: ${id}`));
      expect(mail.to).toEqual([user.email]);
      expect(mail.subject).toBe('Your audit log export failed');
      const status = ok(await typedClient(api).auditExports.get({ params: { id } }), 200);
      expect(status.status).toBe('failed');
      expect(status.error).toMatch(/after 3 attempts: the export storage cannot be written \(ENOTDIR\).*EXPORTS_DIR/);
      expect(status.downloadUrl).toBeNull();
      expect(mail.text).toContain(status.error);
      expect(mailsFor(id)).toHaveLength(1);
    } finally {
      await ev.close();
      await q.close();
      await w.close();
      await app.close();
    }
  }, 60_000);

  describe('big exports in a separate worker process', () => {
    const TOTAL = 200_001; // the sign-up entry and 200,000 loaded ones
    let child: Record<string, string>;
    let app: TestApp;
    let q: Queue;
    let ev: QueueEvents;
    let progress: ProgressLog;
    let api: ApiClient;
    let accountId: string;
    const workers: ChildWorker[] = [];

    beforeAll(async () => {
      // Only child processes consume this prefix: the in-process worker never sees these jobs.
      child = { ...shared, QUEUE_PREFIX: `${shared.QUEUE_PREFIX}-child` };
      app = await startApp(child);
      q = new Queue(QUEUES.auditExports, { connection: bullConnection(t.env), prefix: child.QUEUE_PREFIX });
      ev = new QueueEvents(QUEUES.auditExports, { connection: bullConnection(t.env), prefix: child.QUEUE_PREFIX });
      progress = new ProgressLog(ev);
      await ev.waitUntilReady();
      api = new ApiClient(app.url);
      const { account, user } = await api.signup();
      accountId = account.id;
      const db = await connectDb();
      try {
        // The entries table refuses UPDATE and DELETE, not INSERT: 200,000 entries in one statement.
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
          [account.id, '2026-01-01T00:00:00Z', user.id, randomUUID(), TOTAL],
        );
        await db.query('UPDATE audit_heads SET last_seq = $2 WHERE account_id = $1', [account.id, TOTAL]);
      } finally {
        await db.end();
      }
    }, 60_000);

    afterAll(async () => {
      for (const w of workers) await w.kill('SIGKILL');
      await ev?.close();
      await q?.close();
      await app?.close();
    });

    /**
     * The account's entries once an export is requested: TOTAL, and the access-and-security entries
     * written since (each export request, committed before its job runs, and each download).
     */
    async function entriesNow(): Promise<number> {
      const db = await connectDb();
      try {
        const { rows } = await db.query<{ last_seq: string }>('SELECT last_seq FROM audit_heads WHERE account_id = $1', [accountId]);
        return Number(rows[0]!.last_seq);
      } finally {
        await db.end();
      }
    }

    const spawn = async () => {
      const w = ChildWorker.spawn(child);
      workers.push(w);
      await w.ready();
      return w;
    };

    it('exports 200,000 entries with the worker under 200 MB of memory', async () => {
      const w = await spawn();
      const id = await requestExport(api, 'ndjson', {});
      const total = await entriesNow();
      const status = await finished(api, id, q, ev);
      expect(status).toMatchObject({ status: 'completed', rowsWritten: total, firstSeq: 1, lastSeq: total });
      await progress.waitFor(id, (p) => p.percent === 100);
      expect(progress.of(id)[0]).toEqual({ rowsWritten: 0, rowsTotalEstimate: total, percent: 0 });

      const written = await w.waitForLog((l) => l.exportId === id && typeof l.peakRssBytes === 'number');
      const peak = written.peakRssBytes as number;
      console.log(`200,000-entry NDJSON export: ${(status.sizeBytes! / MB).toFixed(0)} MB in ${written.durationMs} ms, worker RSS ${((written.startRssBytes as number) / MB).toFixed(0)} MB at the start, peak ${(peak / MB).toFixed(0)} MB`);
      expect(peak).toBeLessThan(200 * MB);

      // The file, streamed through a hash without holding it: the manifest's SHA-256 and every seq in order.
      const res = await fetch(status.downloadUrl!.replace(t.env.PUBLIC_URL, app.url));
      expect(res.status).toBe(200);
      const hash = createHash('sha256');
      let count = 0;
      let outOfOrder = 0;
      let carry = '';
      let manifestSeen = false;
      const decoder = new TextDecoder();
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        hash.update(chunk);
        const lines = (carry + decoder.decode(chunk, { stream: true })).split('\n');
        carry = lines.pop()!;
        for (const line of lines) {
          if (!manifestSeen) manifestSeen = 'manifest' in JSON.parse(line);
          else if ((JSON.parse(line) as AuditEntry).seq !== ++count) outOfOrder++;
        }
      }
      expect(manifestSeen).toBe(true);
      expect(carry).toBe('');
      expect({ count, outOfOrder }).toEqual({ count: total, outOfOrder: 0 });
      expect(hash.digest('hex')).toBe(status.sha256);
      await w.kill('SIGTERM');
    }, 90_000);

    it('finishes one complete file and sends one email when the worker is killed mid-export', async () => {
      const first = await spawn();
      const id = await requestExport(api, 'ndjson', {});
      const total = await entriesNow();
      // Kill it once it has written rows: its first progress report after the start, about a second in.
      const midway = await progress.waitFor(id, (p) => p.rowsWritten > 0);
      await first.kill('SIGKILL');
      expect(midway.rowsWritten).toBeLessThan(total);
      const running = ok(await typedClient(api).auditExports.get({ params: { id } }), 200);
      expect(running).toMatchObject({ status: 'running', rowsTotalEstimate: total });
      expect(running.rowsWritten).toBeGreaterThan(0);
      expect(running.percent).toBe(Math.floor((running.rowsWritten / total) * 100));
      expect(mailsFor(id)).toHaveLength(0);
      const dir = join(child.EXPORTS_DIR!, accountId);
      expect(readdirSync(dir).filter((f) => f.startsWith(id))).toEqual([expect.stringMatching(/\.part$/)]);

      await spawn(); // takes the stalled job over once the dead worker's lock lapses
      const status = await finished(api, id, q, ev);
      expect(status).toMatchObject({ status: 'completed', rowsWritten: total, firstSeq: 1, lastSeq: total });
      expect(readdirSync(dir).filter((f) => f.startsWith(id))).toEqual([`${id}.ndjson`]);

      const path = join(dir, `${id}.ndjson`);
      const hash = createHash('sha256');
      for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
      expect(hash.digest('hex')).toBe(status.sha256);
      let count = 0;
      let outOfOrder = 0;
      let manifestSeen = false;
      for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
        if (!manifestSeen) manifestSeen = 'manifest' in JSON.parse(line);
        else if ((JSON.parse(line) as AuditEntry).seq !== ++count) outOfOrder++;
      }
      expect(manifestSeen).toBe(true);
      expect({ count, outOfOrder }).toEqual({ count: total, outOfOrder: 0 });

      const mail = await smtp.waitFor((m) => m.text.includes(`/exports/${id}/download`));
      expect(mail.subject).toBe(`Your audit log export is ready (${total.toLocaleString('en-US')} entries)`);
      expect(mailsFor(id)).toHaveLength(1);
      const db = await connectDb();
      try {
        const row = await db.query('SELECT attempts, emailed_at FROM audit_exports WHERE id = $1', [id]);
        expect(row.rows[0].attempts).toBe(2);
        expect(row.rows[0].emailed_at).not.toBeNull();
      } finally {
        await db.end();
      }
    }, 90_000);
  });

  it('holds a job that arrives before its export is committed, and drops one whose export never appears', async () => {
    const api = new ApiClient(t.url);
    const { account, user } = await api.signup();
    const early = randomUUID();
    const delayed = new Promise<void>((resolve) => {
      const onDelayed = ({ jobId }: { jobId: string }) => {
        if (jobId !== early) return;
        events.off('delayed', onDelayed);
        resolve();
      };
      events.on('delayed', onDelayed);
    });
    await queue.add('build', { v: 1, exportId: early }, { jobId: early });
    await delayed; // the worker saw no row yet and put the job back for a moment
    const db = await connectDb();
    try {
      await db.query(
        `INSERT INTO audit_exports (id, account_id, requested_by_type, requested_by_id, requested_by_name, requested_by_email, format, filter)
         VALUES ($1, $2, 'platform_user', $3, $4, $5, 'csv', '{}')`,
        [early, account.id, user.id, user.name, user.email],
      );
    } finally {
      await db.end();
    }
    expect(await finished(api, early)).toMatchObject({ status: 'completed', rowsWritten: 1 });

    const orphan = randomUUID();
    await queue.add('build', { v: 1, exportId: orphan }, { jobId: orphan, timestamp: Date.now() - 60_000 });
    await expect((await queue.getJob(orphan))!.waitUntilFinished(events, 30_000)).rejects.toThrow(/does not exist/);
    expect(mailsFor(orphan)).toHaveLength(0);

    const invalid = randomUUID();
    await queue.add('build', { v: 2, exportId: invalid } as never, { jobId: invalid, attempts: 3 });
    await expect((await queue.getJob(invalid))!.waitUntilFinished(events, 30_000)).rejects.toThrow(/Invalid audit-exports job payload/);
    expect((await queue.getJob(invalid))!.attemptsMade).toBe(1);
  });

  it('keeps a generated signing key under DATA_DIR when no secret is configured', () => {
    const dataDir = join(state.dataDir, `keys-${tag}`);
    mkdirSync(dataDir);
    const env = { ...t.env, DATA_DIR: dataDir, EXPORT_SIGNING_SECRET: undefined };
    const a = new ExportLinkSigner(env);
    const b = new ExportLinkSigner(env);
    const token = a.sign('0195f0c2-7a1b-7c3d-8e4f-123456789abc', '0195f0c2-7a1b-7c3d-8e4f-aaaaaaaaaaaa', new Date(Date.now() + 60_000));
    expect(b.verify('0195f0c2-7a1b-7c3d-8e4f-123456789abc', token).ok).toBe(true);
    expect(readFileSync(join(dataDir, 'secrets', 'export-links.key'), 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
  });
});
