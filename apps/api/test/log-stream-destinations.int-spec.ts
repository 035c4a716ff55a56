/**
 * The log stream destinations besides the webhook, end to end over real HTTPS / the real S3 protocol:
 * a Splunk-HEC-shaped receiver (Authorization: Splunk <token>, event envelopes, {"code":0}), a
 * Datadog-shaped intake (DD-API-KEY, JSON arrays within Datadog's limits), each with a self-signed
 * certificate trusted through LOG_STREAM_CA_FILE; the real worker delivering; the offline verifier
 * (`keyledger-verify --batches`) run on what each receiver saved. Each delivery case ends with: the
 * receiver holds exactly the expected seq range, in order, no gap, and the verifier passes.
 */
import { type AuditEntry, type LogStreamHealth } from '@keyledger/contract';
import { type EntryJson } from '../src/audit/audit-entry.mapper';
import { QueueEvents } from 'bullmq';
import { execFile } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { promisify } from 'node:util';
import { type Client } from 'pg';
import { loadEnv } from '../src/config/env';
import { DatadogSender } from '../src/log-streams/datadog.sender';
import { DestinationHttp } from '../src/log-streams/destination-http';
import { S3Sender } from '../src/log-streams/s3.sender';
import { S3Server } from './support/s3';
import { startApp, type TestApp } from './support/app';
import { ApiClient } from './support/client';
import { DatadogReceiver, SplunkHecReceiver } from './support/destination-receivers';
import { selfSignedCertificate, type Tls } from './support/https-receiver';
import { readRunState } from './support/test-db';
import { errorBody, ok, typedClient, type TypedClient } from './support/typed-client';
import { closeStreamStack, range, startStreamStack, VERIFY_BIN } from './support/log-stream-stack';
import { VendorFixtures } from './support/vendor';
import { type TestWorker } from './support/worker';

const HEC_TOKEN = randomUUID();
const DD_API_KEY = randomBytes(16).toString('hex');

describe('log stream destinations', () => {
  let dir: string;
  let tls: Tls;
  let t: TestApp;
  let worker: TestWorker | undefined;
  let passes: QueueEvents;
  let db: Client;
  let keyFile: string;
  let datadog: DatadogReceiver;
  let s3: S3Server;
  const splunks: SplunkHecReceiver[] = [];
  const settings = {
    QUEUE_PREFIX: `kltest-dest-${randomUUID().slice(0, 8)}`,
    LOG_STREAM_ALLOW_PRIVATE_NETWORKS: 'true',
    LOG_STREAM_POLL_INTERVAL_MS: '200',
    LOG_STREAM_RETRY_BASE_MS: '100',
    LOG_STREAM_RETRY_MAX_MS: '400',
    LOG_STREAM_FAILING_AFTER: '3',
    LOG_STREAM_S3_DIGEST_EVERY_MS: '0',
    CHECKPOINT_INTERVAL_SECONDS: '1',
  };

  beforeAll(async () => {
    dir = join(readRunState().dataDir, `log-stream-destinations-${randomUUID().slice(0, 8)}`);
    tls = selfSignedCertificate(dir);
    datadog = await new DatadogReceiver(tls, join(dir, 'datadog'), DD_API_KEY).start();
    s3 = await new S3Server({ key: tls.key, cert: tls.cert }).start();
    const all = {
      ...settings,
      LOG_STREAM_CA_FILE: tls.caFile,
      LOG_STREAM_DATADOG_INTAKE_URL: datadog.intakeUrl,
      MAIL_DIR: join(dir, 'mail'),
    };
    ({ t, worker, db, passes, keyFile } = await startStreamStack(all, settings.QUEUE_PREFIX, dir));
  });
  afterAll(async () => {
    await closeStreamStack({ passes, worker, db, t }, [...splunks, datadog, s3]);
  });

  async function splunk(): Promise<SplunkHecReceiver> {
    const r = await new SplunkHecReceiver(tls, join(dir, `splunk-${randomUUID().slice(0, 8)}`), HEC_TOKEN).start();
    splunks.push(r);
    return r;
  }

  async function vendor() {
    const client = new ApiClient(t.url);
    const s = await client.signup();
    return { client, api: typedClient(client), f: new VendorFixtures(client), accountId: s.account.id };
  }

  async function headSeq(api: TypedClient): Promise<number> {
    return ok(await api.auditLog.list({ query: { limit: 1 } }), 200).items[0]!.seq!;
  }

  function afterPasses(n: number): Promise<void> {
    return new Promise((done) => {
      let seen = 0;
      const onDone = () => {
        seen += 1;
        if (seen >= n) {
          passes.off('completed', onDone);
          done();
        }
      };
      passes.on('completed', onDone);
    });
  }

  async function healthWhen(
    api: TypedClient,
    id: string,
    cond: (h: LogStreamHealth) => boolean,
  ): Promise<LogStreamHealth> {
    for (let i = 0; i < 100; i++) {
      const h = ok(await api.logStreams.health({ params: { id } }), 200);
      if (cond(h)) return h;
      await afterPasses(1);
    }
    throw new Error(`stream ${id}: condition not reached`);
  }

  async function verifyOffline(args: string[]) {
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [VERIFY_BIN, ...args, '--public-key', keyFile]);
      return { code: 0, report: JSON.parse(stdout) as Record<string, unknown>, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, report: JSON.parse(e.stdout || '{}') as Record<string, unknown>, stderr: e.stderr };
    }
  }

  /** The account's log_stream_* audit entries, newest first. */
  async function streamEntries(api: TypedClient): Promise<AuditEntry[]> {
    const items = ok(await api.auditLog.list({ query: { limit: 50 } }), 200).items;
    return items.filter((e) => e.action.startsWith('log_stream_'));
  }

  /** A signed checkpoint exists for the account (written once a second here). */
  async function checkpointExists(api: TypedClient): Promise<void> {
    for (let i = 0; i < 50 && ok(await api.auditIntegrity.checkpoints({ query: {} }), 200).items.length === 0; i++)
      await afterPasses(1);
  }

  describe('Splunk HEC', () => {
    it('steady stream: every entry once, in order, as HEC envelopes with the token; verifiable offline; a changed entry is named', async () => {
      const { api, f } = await vendor();
      for (let i = 0; i < 3; i++) await f.product();
      await checkpointExists(api);
      const r = await splunk();
      const stream = ok(
        await api.logStreams.create({
          body: {
            name: 'Splunk',
            destination: { type: 'splunk_hec', url: r.url, token: HEC_TOKEN, index: 'keyledger' },
            filter: {},
            startPoint: 'beginning',
          },
        }),
        201,
      );
      expect(stream.destination).toEqual({
        type: 'splunk_hec',
        url: r.url,
        index: 'keyledger',
        source: null,
        sourcetype: 'keyledger:audit',
        secretsSet: ['token'],
      });
      for (let i = 0; i < 10; i++) await f.product();
      const head = await headSeq(api);
      await r.until(() => r.seqs().length >= head);
      expect(r.seqs()).toEqual(range(1, head));
      expect(r.refused).toEqual([]);
      for (const env of r.envelopes) {
        const event = env.event as { seq: number; occurredAt: string; keyledger: Record<string, unknown> };
        expect(env).toMatchObject({ source: 'keyledger', sourcetype: 'keyledger:audit', index: 'keyledger' });
        expect(env.time).toBe(Date.parse(event.occurredAt) / 1000);
        expect(event.keyledger).toMatchObject({
          format: 'keyledger-log-stream-batch/1',
          streamId: stream.id,
          filtered: false,
        });
        expect(event.seq).toBeGreaterThanOrEqual(event.keyledger.firstSeq as number);
        expect(event.seq).toBeLessThanOrEqual(event.keyledger.lastSeq as number);
        expect(Object.keys(event.keyledger).sort()).toEqual(
          ['accountId', 'batchId', 'checkpoint', 'filtered', 'firstSeq', 'format', 'lastSeq', 'prevHash', 'streamId'],
        );
      }
      expect(r.records.some((x) => x.keyledger.checkpoint !== null)).toBe(true);
      const health = await healthWhen(api, stream.id, (h) => h.deliveredThroughSeq >= head);
      expect(health).toMatchObject({ status: 'active', lastError: null, consecutiveFailures: 0 });
      expect(health.attempts.every((a) => a.ok && a.statusCode === 200)).toBe(true);

      const folder = r.folder(stream.id);
      const offline = await verifyOffline(['--batches', folder, '--from', '1', '--to', String(head)]);
      expect(offline.code).toBe(0);
      expect(offline.report).toMatchObject({ ok: true, entries: head, firstSeq: 1, lastSeq: head });
      expect(offline.report.checkpoint).toMatchObject({ signatureValid: true });
      // Asking for more than was received names the first missing entry.
      const more = await verifyOffline(['--batches', folder, '--from', '1', '--to', String(head + 1)]);
      expect(more.code).toBe(1);
      expect(more.report).toMatchObject({ ok: false, firstBrokenSeq: head + 1, reason: `entry #${head + 1} is missing` });
      // A changed entry in a saved request is named.
      const name = readdirSync(folder).sort()[0]!;
      const text = readFileSync(join(folder, name), 'utf8');
      writeFileSync(join(folder, name), text.replace('"action":"product_created"', '"action":"product_deleted"'));
      const tampered = await verifyOffline(['--batches', folder]);
      expect(tampered.code).toBe(1);
      expect(String(tampered.report.reason)).toMatch(/^entry #\d+ does not match its hash/);

      // The token is nowhere in the API's answers or in the audit log; its entry says it was set.
      const created = (await streamEntries(api)).find((e) => e.action === 'log_stream_created')!;
      expect(created.changes).toEqual(
        expect.arrayContaining([
          { field: 'destination.type', before: null, after: 'splunk_hec' },
          { field: 'destination.url', before: null, after: r.url },
          { field: 'destination.index', before: null, after: 'keyledger' },
          { field: 'destination.token', before: null, after: '[redacted]' },
        ]),
      );
      const everything = JSON.stringify([
        ok(await api.logStreams.get({ params: { id: stream.id } }), 200),
        ok(await api.auditLog.list({ query: { limit: 100 } }), 200),
      ]);
      expect(everything).not.toContain(HEC_TOKEN);
    });

    it('a wrong token: failing with the status in health, nothing received; the right token (audited, redacted) catches up by itself', async () => {
      const { api, f } = await vendor();
      const r = await splunk();
      const wrong = randomUUID();
      const stream = ok(
        await api.logStreams.create({
          body: {
            name: 'Splunk wrong token',
            destination: { type: 'splunk_hec', url: `${r.url}/services/collector/event`, token: wrong },
            filter: {},
            startPoint: 'now',
          },
        }),
        201,
      );
      const first = stream.deliveredThroughSeq + 1;
      await f.product();
      const failing = await healthWhen(api, stream.id, (h) => h.status === 'failing');
      expect(failing.lastError).toMatchObject({ statusCode: 403 });
      expect(failing.lastError!.message).toBe('HTTP 403: {"text":"Invalid token","code":4}');
      expect(failing.attempts[0]).toMatchObject({ ok: false, statusCode: 403 });
      expect(r.records).toEqual([]);
      expect(r.refused.every((x) => x.status === 403)).toBe(true);

      const test = ok(await api.logStreams.testEvent({ params: { id: stream.id } }), 200);
      expect(test).toMatchObject({ ok: false, statusCode: 403 });

      ok(await api.logStreams.update({ params: { id: stream.id }, body: { destination: { token: HEC_TOKEN } } }), 200);
      const updated = (await streamEntries(api)).find((e) => e.action === 'log_stream_updated')!;
      expect(updated.changes).toEqual([{ field: 'destination.token', before: '[redacted]', after: '[redacted]' }]);
      const head = await headSeq(api);
      await r.until(() => r.seqs().includes(head));
      expect(r.seqs()).toEqual(range(first, head));
      expect((await healthWhen(api, stream.id, (h) => h.deliveredThroughSeq >= head)).status).toBe('active');
      expect((await verifyOffline(['--batches', r.folder(stream.id), '--from', String(first), '--to', String(head)])).code).toBe(0);
      expect(ok(await api.logStreams.testEvent({ params: { id: stream.id } }), 200)).toMatchObject({ ok: true, statusCode: 200 });
      expect(JSON.stringify(ok(await api.auditLog.list({ query: { limit: 100 } }), 200))).not.toContain(wrong);
    });

    it('an answer of 200 that is not HEC success ({"code":…} other than 0) is a failure', async () => {
      const { api } = await vendor();
      const r = await splunk();
      const stream = ok(
        await api.logStreams.create({
          body: { name: 'HEC busy', destination: { type: 'splunk_hec', url: r.url, token: HEC_TOKEN }, filter: {}, startPoint: 'now' },
        }),
        201,
      );
      ok(await api.logStreams.pause({ params: { id: stream.id } }), 200);
      r.failWith = { status: 200, body: '{"text":"Server is busy","code":9}' };
      const res = ok(await api.logStreams.testEvent({ params: { id: stream.id } }), 200);
      expect(res).toMatchObject({ ok: false, statusCode: 200, error: 'HTTP 200: HEC code 9: Server is busy' });
    });
  });

  describe('Datadog', () => {
    it('steady stream: every entry once, in order, as Datadog logs with DD-API-KEY, service and tags; verifiable offline', async () => {
      const { api, f, accountId } = await vendor();
      for (let i = 0; i < 3; i++) await f.product();
      const stream = ok(
        await api.logStreams.create({
          body: {
            name: 'Datadog',
            destination: { type: 'datadog', site: 'datadoghq.eu', apiKey: DD_API_KEY, service: 'licensing', tags: ['env:prod', 'team:security'] },
            filter: {},
            startPoint: 'beginning',
          },
        }),
        201,
      );
      expect(stream.destination).toEqual({
        type: 'datadog',
        site: 'datadoghq.eu',
        service: 'licensing',
        tags: ['env:prod', 'team:security'],
        secretsSet: ['apiKey'],
      });
      for (let i = 0; i < 10; i++) await f.product();
      const head = await headSeq(api);
      await datadog.until(() => datadog.seqs(stream.id).length >= head);
      expect(datadog.seqs(stream.id)).toEqual(range(1, head));
      const mine = datadog.logs.filter((l) => (l.keyledger as { streamId: string }).streamId === stream.id);
      for (const log of mine) {
        expect(log).toMatchObject({
          ddsource: 'keyledger',
          service: 'licensing',
          ddtags: `account_id:${accountId},stream_id:${stream.id},env:prod,team:security`,
          accountId,
        });
        expect(log.message).toMatch(/^product_created by .+ \(#\d+\)$|^[a-z_]+ by .+ \(#\d+\)$/);
        expect(typeof log.hash).toBe('string');
      }
      const health = await healthWhen(api, stream.id, (h) => h.deliveredThroughSeq >= head);
      expect(health.attempts.every((a) => a.ok && a.statusCode === 202)).toBe(true);
      const offline = await verifyOffline(['--batches', datadog.folder(stream.id), '--from', '1', '--to', String(head)]);
      expect(offline.code).toBe(0);
      expect(offline.report).toMatchObject({ ok: true, entries: head, firstSeq: 1, lastSeq: head });
      expect(JSON.stringify(ok(await api.auditLog.list({ query: { limit: 100 } }), 200))).not.toContain(DD_API_KEY);
    });

    it('a wrong API key: failing with 403 in health, nothing received', async () => {
      const { api, f } = await vendor();
      const stream = ok(
        await api.logStreams.create({
          body: { name: 'Datadog wrong key', destination: { type: 'datadog', site: 'datadoghq.com', apiKey: 'f'.repeat(32) }, filter: {}, startPoint: 'now' },
        }),
        201,
      );
      await f.product();
      const failing = await healthWhen(api, stream.id, (h) => h.status === 'failing');
      expect(failing.lastError).toMatchObject({ statusCode: 403 });
      expect(failing.lastError!.message).toContain('Forbidden');
      expect(datadog.seqs(stream.id)).toEqual([]);
    });

    it("a batch over Datadog's limits goes in requests of at most 1,000 logs and 5 MB, all accepted before it counts", async () => {
      // The sender on its own (a real HTTPS request to the Datadog-shaped intake): 2,500 entries of ~3 KB.
      const env = loadEnv({
        ...process.env,
        DATABASE_URL: 'postgres://unused/unused',
        LOG_STREAM_ALLOW_PRIVATE_NETWORKS: 'true',
        LOG_STREAM_CA_FILE: tls.caFile,
        LOG_STREAM_DATADOG_INTAKE_URL: datadog.intakeUrl,
      } as never);
      const http = new DestinationHttp(env);
      const sender = new DatadogSender(http, env);
      const streamId = randomUUID();
      const entries: EntryJson[] = range(1, 2500).map((seq) => {
        const entry = {
          id: randomUUID(), seq, accountId: streamId, occurredAt: new Date().toISOString(), action: 'product_created',
          actor: { type: 'system', id: null, name: 'x', email: null }, target: { type: 'product', id: randomUUID(), label: 'p'.repeat(3000) },
          links: [], changes: [], context: { requestId: null, ip: null, userAgent: null, source: 'system' }, prevHash: '0'.repeat(64), hash: '1'.repeat(64),
        };
        return { seq, prevHash: entry.prevHash, json: JSON.stringify(entry), occurredAt: entry.occurredAt, action: entry.action, actorName: 'x', targetType: 'product', targetLabel: entry.target.label };
      });
      const before = datadog.requests;
      const res = await sender.send(
        { streamId, accountId: streamId, config: { site: 'datadoghq.com' }, secret: DD_API_KEY },
        {
          head: { format: 'keyledger-log-stream-batch/1', streamId, accountId: streamId, batchId: 'b', firstSeq: 1, lastSeq: 2500, prevHash: '0'.repeat(64), filtered: false, checkpoint: null },
          entries,
          entryJson: entries.map((e) => e.json),
        },
      );
      http.onApplicationShutdown();
      expect(res).toMatchObject({ ok: true, statusCode: 202 });
      expect(datadog.requests - before).toBeGreaterThanOrEqual(3);
      expect(datadog.maxLogsPerRequest).toBeLessThanOrEqual(1000);
      expect(datadog.seqs(streamId)).toEqual(range(1, 2500));
    });
  });

  describe('bad input per destination type', () => {
    const cases: Array<{ destination: Record<string, unknown>; field: string }> = [
      { destination: { type: 'splunk_hec', url: 'http://splunk.example.com:8088', token: HEC_TOKEN }, field: 'body.destination.url' },
      // Not a URL at all: the path check must not throw on it (it did: a 500 the fuzzer found).
      { destination: { type: 'splunk_hec', url: 'splunk:8088', token: HEC_TOKEN }, field: 'body.destination.url' },
      { destination: { type: 'splunk_hec', url: 'https://splunk.example.com:8088/other/path', token: HEC_TOKEN }, field: 'body.destination.url' },
      { destination: { type: 'splunk_hec', url: 'https://splunk.example.com:8088', token: 'has space inside' }, field: 'body.destination.token' },
      { destination: { type: 'splunk_hec', url: 'https://splunk.example.com:8088', token: HEC_TOKEN, index: 'Main Index' }, field: 'body.destination.index' },
      { destination: { type: 'splunk_hec', url: 'https://splunk.example.com:8088' }, field: 'body.destination.token' },
      { destination: { type: 'datadog', site: 'evil.example.com', apiKey: DD_API_KEY }, field: 'body.destination.site' },
      { destination: { type: 'datadog', site: 'datadoghq.com', apiKey: DD_API_KEY, tags: ['Bad Tag'] }, field: 'body.destination.tags.0' },
      { destination: { type: 'datadog', site: 'datadoghq.com', apiKey: DD_API_KEY, intakeUrl: 'https://127.0.0.1/' }, field: 'body.destination' },
      { destination: { type: 'datadog', site: 'datadoghq.com', apiKey: 'a\r\nb' }, field: 'body.destination.apiKey' },
      { destination: { type: 's3', bucket: 'Bad_Bucket', region: 'us-east-1', accessKeyId: 'AKIA1', secretAccessKey: 'secretsecret' }, field: 'body.destination.bucket' },
      { destination: { type: 's3', bucket: 'logs', region: 'us-east-1', prefix: '../up', accessKeyId: 'AKIA1', secretAccessKey: 'secretsecret' }, field: 'body.destination.prefix' },
      { destination: { type: 's3', bucket: 'logs', region: 'us-east-1', endpoint: 'http://minio.local:9000', accessKeyId: 'AKIA1', secretAccessKey: 'secretsecret' }, field: 'body.destination.endpoint' },
      { destination: { type: 's3', bucket: 'logs', region: 'not a region', accessKeyId: 'AKIA1', secretAccessKey: 'secretsecret' }, field: 'body.destination.region' },
      { destination: { type: 'ftp', url: 'https://x.example.com' }, field: 'body.destination.type' },
    ];
    it('400 naming the field, nothing written', async () => {
      const { api } = await vendor();
      const before = await headSeq(api);
      for (const { destination, field } of cases) {
        const res = await api.logStreams.create({
          body: { name: 'Bad', destination: destination as never, filter: {}, startPoint: 'now' },
        });
        expect({ field, status: res.status }).toEqual({ field, status: 400 });
        expect(errorBody(res)?.details?.map((d) => d.path)).toContain(field);
      }
      expect(ok(await api.logStreams.list({ query: {} }), 200).items).toEqual([]);
      expect(await headSeq(api)).toBe(before);
    });

    it("a change naming another type's setting, or making the destination invalid: 400 naming it, nothing changed", async () => {
      const { api } = await vendor();
      const r = await splunk();
      const s = ok(
        await api.logStreams.create({
          body: { name: 'HEC', destination: { type: 'splunk_hec', url: r.url, token: HEC_TOKEN }, filter: {}, startPoint: 'now' },
        }),
        201,
      );
      const before = await headSeq(api);
      const foreign = await api.logStreams.update({ params: { id: s.id }, body: { destination: { apiKey: DD_API_KEY } } });
      expect(foreign.status).toBe(400);
      expect(errorBody(foreign)?.details?.map((d) => d.path)).toEqual(['body.destination.apiKey']);
      const badUrl = await api.logStreams.update({ params: { id: s.id }, body: { destination: { url: `${r.url}/wrong` } } });
      expect(badUrl.status).toBe(400);
      expect(errorBody(badUrl)?.details?.map((d) => d.path)).toEqual(['body.destination.url']);
      expect(ok(await api.logStreams.get({ params: { id: s.id } }), 200).destination).toEqual(s.destination);
      expect(await headSeq(api)).toBe(before);
      // A private address is refused for Splunk and for an S3 endpoint when private networks are not allowed:
      // see the guard's own spec (this app allows them, for its local receivers).
    });
  });
  describe('S3', () => {
    const s3Destination = (secretAccessKey = 'S3RVER', accessKeyId = 'S3RVER') => ({
      type: 's3' as const,
      bucket: s3.bucket,
      region: 'us-east-1',
      prefix: 'audit/keyledger',
      endpoint: s3.endpoint,
      accessKeyId,
      secretAccessKey,
      forcePathStyle: true,
    });

    /** Downloads everything under the stream's base into a fresh folder, as `aws s3 sync` would. */
    async function download(base: string): Promise<string> {
      const folder = join(dir, `s3-download-${randomUUID().slice(0, 8)}`);
      for (const key of await s3.keys(`${base}/`)) {
        const file = join(folder, key.slice(base.length + 1));
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, await s3.read(key));
      }
      return folder;
    }

    it('steady stream: one gzip NDJSON object per batch under the date-partitioned prefix, a signed hourly digest listing them; verifiable offline; a changed or missing object is named', async () => {
      const { api, f, accountId } = await vendor();
      for (let i = 0; i < 3; i++) await f.product();
      await checkpointExists(api);
      const stream = ok(
        await api.logStreams.create({
          body: { name: 'S3', destination: s3Destination(), filter: {}, startPoint: 'beginning' },
        }),
        201,
      );
      expect(stream.destination).toEqual({
        type: 's3',
        bucket: s3.bucket,
        region: 'us-east-1',
        prefix: 'audit/keyledger',
        endpoint: s3.endpoint,
        accessKeyId: 'S3RVER',
        forcePathStyle: true,
        secretsSet: ['secretAccessKey'],
      });
      for (let i = 0; i < 8; i++) await f.product();
      const head = await headSeq(api);
      await healthWhen(api, stream.id, (h) => h.deliveredThroughSeq >= head);
      const base = `audit/keyledger/account=${accountId}/stream=${stream.id}`;
      const keys = await s3.keys(`${base}/`);
      const objects = keys.filter((k) => k.endsWith('.ndjson.gz'));
      const digests = keys.filter((k) => k.includes('/digests/'));
      for (const k of objects) expect(k).toMatch(new RegExp(`^${base}/\\d{4}/\\d{2}/\\d{2}/\\d{2}/\\d{16}-\\d{16}\\.ndjson\\.gz$`));
      expect(digests.length).toBeGreaterThanOrEqual(1);
      for (const k of digests) expect(k).toMatch(new RegExp(`^${base}/digests/\\d{4}/\\d{2}/\\d{2}/\\d{2}\\.json$`));
      // In key order, the objects hold exactly entries 1..head, in order, each line an entry with its batch's fields.
      const seqs: number[] = [];
      for (const k of objects) {
        const lines = gunzipSync(await s3.read(k)).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as { seq: number; keyledger: { firstSeq: number; lastSeq: number; streamId: string } });
        for (const l of lines) {
          expect(l.keyledger.streamId).toBe(stream.id);
          expect(k).toContain(`${String(l.keyledger.firstSeq).padStart(16, '0')}-${String(l.keyledger.lastSeq).padStart(16, '0')}`);
        }
        seqs.push(...lines.map((l) => l.seq));
      }
      expect(seqs).toEqual(range(1, head));
      // The digest lists every object with its SHA-256, and is signed.
      const digest = JSON.parse((await s3.read(digests[digests.length - 1]!)).toString('utf8')) as {
        format: string; objects: Array<{ key: string; sha256: string; firstSeq: number; lastSeq: number }>; complete: boolean; signature: string; previousDigest: unknown; checkpoint: unknown; firstSeq: number; lastSeq: number;
      };
      expect(digest).toMatchObject({ format: 'keyledger-log-stream-digest/1', complete: false, previousDigest: null, firstSeq: 1, lastSeq: head });
      expect(digest.checkpoint).not.toBeNull();
      expect(digest.objects.map((o) => o.key)).toEqual(objects);
      for (const o of digest.objects)
        expect(o.sha256).toBe(createHash('sha256').update(await s3.read(o.key)).digest('hex'));

      const folder = await download(base);
      const offline = await verifyOffline(['--s3', folder, '--from', '1', '--to', String(head)]);
      expect(offline.code).toBe(0);
      expect(offline.report).toMatchObject({ ok: true, entries: head, firstSeq: 1, lastSeq: head, objects: objects.length, unlistedObjects: [] });
      expect(offline.report.checkpoint).toMatchObject({ signatureValid: true });

      // A changed object: named by its SHA-256 (and its entry's hash).
      const files = (readdirSync(folder, { recursive: true }) as string[]).filter((n) => n.endsWith('.ndjson.gz')).sort();
      const victim = join(folder, files[0]!);
      const original = readFileSync(victim);
      const changed = gzipSync(gunzipSync(original).toString('utf8').replace('"action":"product_created"', '"action":"product_deleted"'));
      writeFileSync(victim, changed);
      const tampered = await verifyOffline(['--s3', folder]);
      expect(tampered.code).toBe(1);
      expect(String(tampered.report.reason)).toMatch(/does not match (the SHA-256 its digest lists|its hash)/);
      // A missing object: the first gap is named.
      rmSync(victim);
      const missing = await verifyOffline(['--s3', folder, '--from', '1', '--to', String(head)]);
      expect(missing.code).toBe(1);
      expect(missing.report).toMatchObject({ ok: false, firstBrokenSeq: 1 });
      expect(JSON.stringify(ok(await api.auditLog.list({ query: { limit: 100 } }), 200))).toContain('"destination.secretAccessKey","before":null,"after":"[redacted]"');

      // A test event: a small object beside the data (the verifier ignores it).
      ok(await api.logStreams.pause({ params: { id: stream.id } }), 200);
      expect(ok(await api.logStreams.testEvent({ params: { id: stream.id } }), 200)).toMatchObject({ ok: true, statusCode: 200, error: null });
      expect(await s3.keys(`${base}/test/`)).toHaveLength(1);
    });

    it('a later hour closes the earlier hour\'s digest (final) and chains to it; a changed digest breaks the chain', async () => {
      const { api, f, accountId } = await vendor();
      const stream = ok(
        await api.logStreams.create({ body: { name: 'S3 hours', destination: s3Destination(), filter: {}, startPoint: 'beginning' } }),
        201,
      );
      await f.product();
      let head = await headSeq(api);
      await healthWhen(api, stream.id, (h) => h.deliveredThroughSeq >= head);
      // What was written so far is made to belong to the hour before (as if the clock had moved on since).
      await db.query(`UPDATE log_stream_s3_objects SET hour = hour - interval '1 hour' WHERE stream_id = $1`, [stream.id]);
      await db.query(`UPDATE log_stream_s3_digests SET hour = hour - interval '1 hour' WHERE stream_id = $1`, [stream.id]);
      for (let i = 0; i < 3; i++) await f.product();
      head = await headSeq(api);
      await healthWhen(api, stream.id, (h) => h.deliveredThroughSeq >= head);
      const base = `audit/keyledger/account=${accountId}/stream=${stream.id}`;
      const digestKeys = (await s3.keys(`${base}/digests/`)).sort();
      expect(digestKeys).toHaveLength(2);
      const [earlier, later] = await Promise.all(digestKeys.map(async (k) => ({ k, bytes: await s3.read(k) })));
      const first = JSON.parse(earlier!.bytes.toString('utf8')) as { complete: boolean; hour: string };
      const second = JSON.parse(later!.bytes.toString('utf8')) as { complete: boolean; previousDigest: { key: string; sha256: string; hour: string } };
      expect(first.complete).toBe(true);
      expect(second.complete).toBe(false);
      expect(second.previousDigest).toEqual({
        key: earlier!.k,
        sha256: createHash('sha256').update(earlier!.bytes).digest('hex'),
        hour: first.hour,
      });
      const folder = await download(base);
      const offline = await verifyOffline(['--s3', folder, '--from', '1', '--to', String(head)]);
      expect(offline.code).toBe(0);
      expect(offline.report.digests).toMatchObject({ count: 2, final: 1, chainStartsAfter: null });
      // Rewriting the earlier digest (even re-signing is impossible without the key) breaks its signature and the chain.
      const file = join(folder, earlier!.k.slice(base.length + 1));
      writeFileSync(file, readFileSync(file, 'utf8').replace('"complete": true', '"complete": true, "note": "edited"'));
      const broken = await verifyOffline(['--s3', folder]);
      expect(broken.code).toBe(1);
      expect(String(broken.report.reason)).toMatch(/invalid signature|not the one .* chains to/);
    });

    // s3rver checks the access key id but not SigV4 signatures (a wrong secret key passes there): the wrong credential is the key id.
    it('wrong credentials: failing with 403 in health, nothing written', async () => {
      const { api, f, accountId } = await vendor();
      const stream = ok(
        await api.logStreams.create({ body: { name: 'S3 wrong key', destination: s3Destination('not-the-secret', 'AKIAWRONG'), filter: {}, startPoint: 'now' } }),
        201,
      );
      await f.product();
      const failing = await healthWhen(api, stream.id, (h) => h.status === 'failing');
      expect(failing.lastError).toMatchObject({ statusCode: 403 });
      expect(failing.lastError!.message).toMatch(/^HTTP 403: InvalidAccessKeyId/);
      expect(await s3.keys(`audit/keyledger/account=${accountId}/`)).toEqual([]);
      expect(JSON.stringify(ok(await api.auditLog.list({ query: { limit: 100 } }), 200))).not.toContain('not-the-secret');
    });

    it('refuses a private endpoint when it comes to it (literal or by name), without private networks allowed', async () => {
      const env = loadEnv({
        ...process.env,
        DATABASE_URL: 'postgres://unused/unused',
        LOG_STREAM_ALLOW_PRIVATE_NETWORKS: 'false',
        LOG_STREAM_CA_FILE: tls.caFile,
      } as never);
      const http = new DestinationHttp(env);
      const sender = new S3Sender(http, null as never, null as never, env);
      const port = new URL(s3.endpoint).port;
      const batch = {
        head: { format: 'keyledger-log-stream-batch/1' as const, streamId: randomUUID(), accountId: randomUUID(), batchId: 'test_x', firstSeq: 1, lastSeq: 0, prevHash: '0'.repeat(64), filtered: false, checkpoint: null },
        entries: [],
        entryJson: [],
      };
      for (const endpoint of [s3.endpoint, `https://localhost:${port}`]) {
        const res = await sender.send(
          { streamId: batch.head.streamId, accountId: batch.head.accountId, config: { ...s3Destination(), endpoint }, secret: 'S3RVER' },
          batch,
        );
        expect({ endpoint, ok: res.ok }).toEqual({ endpoint, ok: false });
        expect(res.error).toMatch(/private|refused/);
      }
      http.onApplicationShutdown();
      expect(await s3.keys(`test/`)).toEqual([]);
    });
  });

  describe('without LOG_STREAM_ALLOW_PRIVATE_NETWORKS', () => {
    let strict: TestApp;
    beforeAll(async () => {
      strict = await startApp({ ...settings, LOG_STREAM_ALLOW_PRIVATE_NETWORKS: 'false', LOG_STREAM_CA_FILE: tls.caFile });
    });
    afterAll(() => strict?.close());

    it.each([
      [{ type: 'splunk_hec', url: 'https://127.0.0.1:8088', token: HEC_TOKEN }, 'body.destination.url'],
      [{ type: 'splunk_hec', url: 'https://localhost:8088/services/collector/event', token: HEC_TOKEN }, 'body.destination.url'],
      [{ type: 's3', bucket: 'logs', region: 'us-east-1', endpoint: 'https://10.0.0.7:9000', accessKeyId: 'AKIA1', secretAccessKey: 'secretsecret' }, 'body.destination.endpoint'],
      [{ type: 's3', bucket: 'logs', region: 'us-east-1', endpoint: 'https://169.254.169.254', accessKeyId: 'AKIA1', secretAccessKey: 'secretsecret' }, 'body.destination.endpoint'],
    ])('refuses %j (400 naming %s), writing nothing', async (destination, field) => {
      const client = new ApiClient(strict.url);
      const api = typedClient(client);
      await client.signup();
      const res = await api.logStreams.create({ body: { name: 'Internal', destination: destination as never, filter: {}, startPoint: 'now' } });
      expect(res.status).toBe(400);
      expect(errorBody(res)?.details?.map((d) => d.path)).toEqual([field]);
      expect(ok(await api.logStreams.list({ query: {} }), 200).items).toEqual([]);
    });
  });
});
