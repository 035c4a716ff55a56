/**
 * Issue 14's log stream destinations (Splunk HEC, Datadog, S3) attacked from outside, over the real
 * HTTP API of a running app and its real worker: a caller holding settings:log_streams (and one holding
 * only that, without audit_log:read) tries server-side request forgery through every destination, to
 * get a stored secret back or sent elsewhere, bad input of every kind, and another account's streams.
 * The receivers are real HTTPS servers (self-signed certificate, trusted through LOG_STREAM_CA_FILE);
 * the S3 endpoint is s3rver over HTTPS.
 */
import { type AuditEntry, type LogStream, type LogStreamHealth } from '@keyledger/contract';
import { randomBytes, randomUUID } from 'node:crypto';
import { type IncomingHttpHeaders } from 'node:http';
import { createServer, type Server } from 'node:https';
import { type AddressInfo, type Socket } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { type Client } from 'pg';
import { S3Server } from './support/s3';
import { startApp, type TestApp } from './support/app';
import { ApiClient, uniqueEmail } from './support/client';
import { connectDb } from './support/db';
import { closeServer, openSockets, selfSignedCertificate, type Tls } from './support/https-receiver';
import { readRunState } from './support/test-db';
import { errorBody, ok, typedClient, type TypedClient } from './support/typed-client';
import { VendorFixtures } from './support/vendor';
import { startWorker, type TestWorker } from './support/worker';

/**
 * An HTTPS server of the attacker's (or a misconfigured proxy's): it records each request's headers and
 * answers `status` with the request's headers echoed in the body, as debugging endpoints and some
 * proxies' error pages do.
 */
class EchoServer {
  readonly requests: Array<{ url: string; headers: IncomingHttpHeaders; body: string }> = [];
  status = 400;
  /** When set, the answer is this many dots and then the request's credential header as is (to put it where the 200-character cut falls). */
  rawAt: number | null = null;
  url = '';
  private server!: Server;
  private sockets = new Set<Socket>();

  constructor(private readonly tls: Tls) {}

  async start(): Promise<this> {
    this.server = createServer({ key: this.tls.key, cert: this.tls.cert }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8').slice(0, 10_000) });
        const body =
          this.rawAt === null
            ? JSON.stringify({ error: 'bad request', echo: req.headers })
            : `${'.'.repeat(this.rawAt)}${String(req.headers.authorization ?? req.headers['dd-api-key'] ?? '')}`;
        res.writeHead(this.status, { 'content-type': 'application/json' }).end(body);
      });
    });
    this.sockets = openSockets(this.server);
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Whether any request carried `secret` in any header. */
  received(secret: string): boolean {
    return this.requests.some((r) => JSON.stringify(r.headers).includes(secret));
  }

  close(): Promise<void> {
    return closeServer(this.server, this.sockets);
  }
}

const token = () => randomUUID();
const s3 = (over: Record<string, unknown> = {}) => ({
  type: 's3',
  bucket: 'audit-logs',
  region: 'eu-west-1',
  accessKeyId: 'AKIAEXAMPLE1',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  ...over,
});

describe('log stream destinations under attack', () => {
  let dir: string;
  let tls: Tls;
  let t: TestApp;
  let strict: TestApp;
  let worker: TestWorker | undefined;
  let db: Client;
  let datadogEcho: EchoServer;
  let s3rver: S3Server;
  const servers: EchoServer[] = [];
  const settings = {
    QUEUE_PREFIX: `kltest-attack-${randomUUID().slice(0, 8)}`,
    LOG_STREAM_POLL_INTERVAL_MS: '200',
    LOG_STREAM_RETRY_BASE_MS: '100',
    LOG_STREAM_RETRY_MAX_MS: '400',
    LOG_STREAM_FAILING_AFTER: '2',
    LOG_STREAM_TIMEOUT_MS: '3000',
    LOG_STREAM_LEASE_MS: '6000',
  };

  beforeAll(async () => {
    dir = join(readRunState().dataDir, `log-stream-attacks-${randomUUID().slice(0, 8)}`);
    tls = selfSignedCertificate(dir);
    datadogEcho = await new EchoServer(tls).start();
    s3rver = await new S3Server({ key: tls.key, cert: tls.cert }).start();
    // This app lets streams reach the local receivers; `strict` is production's default (private networks refused).
    const all = {
      ...settings,
      LOG_STREAM_ALLOW_PRIVATE_NETWORKS: 'true',
      LOG_STREAM_CA_FILE: tls.caFile,
      LOG_STREAM_DATADOG_INTAKE_URL: `${datadogEcho.url}/api/v2/logs`,
      MAIL_DIR: join(dir, 'mail'),
    };
    t = await startApp(all);
    worker = await startWorker(all);
    strict = await startApp({ ...settings, LOG_STREAM_ALLOW_PRIVATE_NETWORKS: 'false', LOG_STREAM_CA_FILE: tls.caFile });
    db = await connectDb();
  });
  afterAll(async () => {
    await worker?.close(); // before the servers it sends to (see closeStreamStack)
    await Promise.all(servers.map((s) => s.close()));
    await datadogEcho?.close();
    await s3rver?.close();
    await db?.end();
    await strict?.close();
    await t?.close();
  });

  async function echo(): Promise<EchoServer> {
    const s = await new EchoServer(tls).start();
    servers.push(s);
    return s;
  }

  async function vendor(app: TestApp = t) {
    const client = new ApiClient(app.url);
    const s = await client.signup();
    return { client, api: typedClient(client), f: new VendorFixtures(client), accountId: s.account.id };
  }

  async function headSeq(api: TypedClient): Promise<number> {
    return ok(await api.auditLog.list({ query: { limit: 1 } }), 200).items[0]!.seq!;
  }

  async function streamRows(accountId: string): Promise<number> {
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM log_streams WHERE account_id = $1', [accountId]);
    return rows[0]!.n;
  }

  async function healthWhen(api: TypedClient, id: string, cond: (h: LogStreamHealth) => boolean): Promise<LogStreamHealth> {
    for (let i = 0; i < 150; i++) {
      const h = ok(await api.logStreams.health({ params: { id } }), 200);
      if (cond(h)) return h;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`stream ${id}: condition not reached`);
  }

  async function create(api: TypedClient, destination: Record<string, unknown>, name = 'Attack'): Promise<LogStream> {
    return ok(await api.logStreams.create({ body: { name, destination: destination as never, filter: {}, startPoint: 'now' } }), 201);
  }

  /** Everything a caller can read about a stream and the account's log, as one string. */
  async function everythingReadable(api: TypedClient, id: string): Promise<string> {
    return JSON.stringify([
      ok(await api.logStreams.get({ params: { id } }), 200),
      ok(await api.logStreams.list({ query: {} }), 200),
      ok(await api.logStreams.health({ params: { id } }), 200),
      ok(await api.auditLog.list({ query: { limit: 100 } }), 200),
    ]);
  }

  describe('server-side request forgery (private networks refused, as in production)', () => {
    const host = hostname();
    const splunkUrls = [
      'https://127.0.0.1:8088',
      'https://2130706433:8088', // decimal
      'https://0x7f000001:8088', // hexadecimal
      'https://017700000001:8088', // octal
      'https://0177.0.0.1:8088',
      'https://127.1:8088',
      'https://0:8088',
      'https://169.254.169.254',
      'https://169.254.169.254./services/collector',
      'https://[::1]:8088',
      'https://[::]:8088',
      'https://[::ffff:127.0.0.1]:8088',
      'https://[::ffff:7f00:1]:8088',
      'https://[0:0:0:0:0:ffff:a9fe:a9fe]',
      'https://[::127.0.0.1]:8088',
      'https://[64:ff9b::a9fe:a9fe]',
      'https://[2002:a9fe:a9fe::1]',
      'https://[fe80::1]',
      'https://[fd00::1]',
      'https://[fd00:ec2::254]', // AWS's IPv6 metadata address
      'https://localhost:8088',
      'https://LOCALHOST.:8088',
      'https://sub.localhost:8088',
      `https://${host}:8088`, // a name of this machine, resolving to it
      'https://10.0.0.1:8088',
      'https://192.168.1.1:8088',
      'https://172.31.255.255:8088',
      'https://100.100.100.200', // Alibaba's metadata address (carrier-grade NAT range)
      'https://metadata.google.internal',
      'https://evil.example@127.0.0.1:8088',
      'https://127.0.0.1%2f@splunk.example.com',
      'http://splunk.example.com:8088',
      'https://splunk.example.com\\@127.0.0.1',
    ];
    it.each(splunkUrls)('a Splunk URL of %s: 400 naming body.destination.url, nothing written', async (url) => {
      const { api, accountId } = await vendor(strict);
      const before = await headSeq(api);
      const res = await api.logStreams.create({
        body: { name: 'SSRF', destination: { type: 'splunk_hec', url, token: token() }, filter: {}, startPoint: 'now' },
      });
      expect(res.status).toBe(400);
      expect(errorBody(res)?.details?.map((d) => d.path)).toEqual(['body.destination.url']);
      expect(await streamRows(accountId)).toBe(0);
      expect(await headSeq(api)).toBe(before);
    });

    const endpoints = [
      'https://127.0.0.1:9000',
      'https://[::ffff:169.254.169.254]',
      'https://2852039166', // 169.254.169.254 in decimal
      `https://${host}:9000`,
      'https://localhost:9000',
      'http://s3.example.com',
      'https://user:pass@s3.example.com',
    ];
    it.each(endpoints)('an S3 endpoint of %s: 400 naming body.destination.endpoint, nothing written', async (endpoint) => {
      const { api, accountId } = await vendor(strict);
      const res = await api.logStreams.create({
        body: { name: 'SSRF', destination: s3({ endpoint }) as never, filter: {}, startPoint: 'now' },
      });
      expect(res.status).toBe(400);
      expect(errorBody(res)?.details?.map((d) => d.path)).toEqual(['body.destination.endpoint']);
      expect(await streamRows(accountId)).toBe(0);
    });

    it('an S3 bucket that would change the host (an IP address, dots, slashes) or a path-style switch cannot reach inside', async () => {
      const { api, accountId } = await vendor(strict);
      for (const bucket of ['169.254.169.254', '127.0.0.1', 'a..b', 'x/../y', 'evil.com/x', 'a@b', 'localhost:9000']) {
        const res = await api.logStreams.create({ body: { name: 'Bucket', destination: s3({ bucket }) as never, filter: {}, startPoint: 'now' } });
        expect({ bucket, status: res.status }).toEqual({ bucket, status: 400 });
        expect([...new Set(errorBody(res)?.details?.map((d) => d.path))]).toEqual(['body.destination.bucket']);
      }
      expect(await streamRows(accountId)).toBe(0);
    });

    it('a Datadog site outside the list (another host, case, a trailing dot, a path): 400 naming body.destination.site', async () => {
      const { api, accountId } = await vendor(strict);
      for (const site of ['evil.example.com', 'DatadogHQ.com', 'datadoghq.com.', 'datadoghq.com/x', '127.0.0.1', ' datadoghq.com', 'datadoghq.com.evil.example', '']) {
        const res = await api.logStreams.create({
          body: { name: 'Site', destination: { type: 'datadog', site, apiKey: randomBytes(16).toString('hex') } as never, filter: {}, startPoint: 'now' },
        });
        expect({ site, status: res.status }).toEqual({ site, status: 400 });
        expect(errorBody(res)?.details?.map((d) => d.path)).toEqual(['body.destination.site']);
      }
      expect(await streamRows(accountId)).toBe(0);
    });

    it('a name that resolved outward when saved and inward now (DNS rebinding): a test event sent now dials nothing, for Splunk and S3', async () => {
      // Saved through the app that allows private networks (as if the name had been public then), then
      // sent through the strict one: the address is checked again when dialled.
      const { client, api } = await vendor(t);
      const e = await echo();
      const port = new URL(e.url).port;
      const splunkStream = await create(api, { type: 'splunk_hec', url: `https://${host}:${port}`, token: token() });
      const s3Stream = await create(api, { ...s3({ endpoint: `https://${host}:${port}`, forcePathStyle: true }) });
      for (const s of [splunkStream, s3Stream]) ok(await api.logStreams.pause({ params: { id: s.id } }), 200);
      const sameUser = new ApiClient(strict.url);
      for (const [k, v] of client.cookies) sameUser.cookies.set(k, v);
      const strictApi = typedClient(sameUser);
      for (const s of [splunkStream, s3Stream]) {
        const res = ok(await strictApi.logStreams.testEvent({ params: { id: s.id } }), 200);
        expect({ type: s.destination.type, ok: res.ok }).toEqual({ type: s.destination.type, ok: false });
        expect(res.error).toMatch(/private/);
      }
      // (This app's own worker allows private networks and may have sent the creation entry before the pause: only test events count.)
      expect(e.requests.filter((r) => r.url.includes('/test/test_') || r.body.includes('log stream test event'))).toEqual([]);
    });

    it('re-pointing an existing stream inward by PATCH is refused the same way, nothing changed', async () => {
      const { api } = await vendor(strict);
      // A public address (TEST-NET is refused, so a public one that is never dialled here: the stream is paused first).
      const s = await create(api, { type: 'splunk_hec', url: 'https://1.1.1.1:8088', token: token() });
      ok(await api.logStreams.pause({ params: { id: s.id } }), 200);
      const before = await headSeq(api);
      for (const url of ['https://[::ffff:a9fe:a9fe]', `https://${host}`, 'https://0x7f.1']) {
        const res = await api.logStreams.update({ params: { id: s.id }, body: { destination: { url, token: token() } } });
        expect({ url, status: res.status }).toEqual({ url, status: 400 });
        expect(errorBody(res)?.details?.map((d) => d.path)).toEqual(['body.destination.url']);
      }
      expect(ok(await api.logStreams.get({ params: { id: s.id } }), 200).destination).toEqual(s.destination);
      expect(await headSeq(api)).toBe(before);
    });
  });

  describe('secrets', () => {
    it('a Splunk stream pointed at another host keeps no token: a new one is required (400 naming it), the stored one never reaches that host', async () => {
      const { api } = await vendor();
      const victim = await echo();
      const attacker = await echo();
      const stored = token();
      const s = await create(api, { type: 'splunk_hec', url: victim.url, token: stored });
      ok(await api.logStreams.pause({ params: { id: s.id } }), 200);
      const before = await headSeq(api);

      const moved = await api.logStreams.update({ params: { id: s.id }, body: { destination: { url: `${attacker.url}/services/collector/event` } } });
      expect(moved.status).toBe(400);
      expect(errorBody(moved)?.details?.map((d) => d.path)).toEqual(['body.destination.token']);
      expect(ok(await api.logStreams.get({ params: { id: s.id } }), 200).destination).toEqual(s.destination);
      expect(await headSeq(api)).toBe(before);
      expect(ok(await api.logStreams.testEvent({ params: { id: s.id } }), 200).statusCode).toBe(400);
      expect(victim.received(stored)).toBe(true);
      expect(attacker.received(stored)).toBe(false);

      // Another port of the same host is another origin too.
      const port = await api.logStreams.update({ params: { id: s.id }, body: { destination: { url: victim.url.replace(/:\d+$/, ':1') } } });
      expect(errorBody(port)?.details?.map((d) => d.path)).toEqual(['body.destination.token']);

      // With a new token the change goes through (audited, redacted), and only the new token travels there.
      const fresh = token();
      ok(await api.logStreams.update({ params: { id: s.id }, body: { destination: { url: attacker.url, token: fresh } } }), 200);
      ok(await api.logStreams.testEvent({ params: { id: s.id } }), 200);
      expect(attacker.received(fresh)).toBe(true);
      expect(attacker.received(stored)).toBe(false);
      const entry = ok(await api.auditLog.list({ query: { limit: 5 } }), 200).items.find((e) => e.action === 'log_stream_updated')!;
      expect(entry.changes).toEqual(
        expect.arrayContaining([{ field: 'destination.token', before: '[redacted]', after: '[redacted]' }]),
      );
      // A path of the same collector needs no new token.
      ok(await api.logStreams.update({ params: { id: s.id }, body: { destination: { url: `${attacker.url}/services/collector/event` } } }), 200);
    });

    it('a destination echoing the request headers: the HEC token is in no test result, attempt, health error or entry', async () => {
      const { api, f } = await vendor();
      const e = await echo();
      const secret = token();
      const s = await create(api, { type: 'splunk_hec', url: e.url, token: secret, index: 'main' });
      const test = ok(await api.logStreams.testEvent({ params: { id: s.id } }), 200);
      expect(test).toMatchObject({ ok: false, statusCode: 400 });
      expect(test.error).toContain('[redacted]');
      expect(test.error).not.toContain(secret);
      await f.product();
      const h = await healthWhen(api, s.id, (x) => x.lastError !== null && x.attempts.length > 0);
      expect(h.lastError!.message).toMatch(/^HTTP 400: /);
      expect(e.received(secret)).toBe(true);
      expect(await everythingReadable(api, s.id)).not.toContain(secret);
      const { rows } = await db.query<{ error: string }>('SELECT error FROM log_stream_attempts WHERE stream_id = $1', [s.id]);
      expect(rows.length).toBeGreaterThan(0);
      expect(JSON.stringify(rows)).not.toContain(secret);
    });

    it('a secret placed where a cut at 200 characters would halve it is redacted whole', async () => {
      const { api } = await vendor();
      const e = await echo();
      const secret = token();
      const s = await create(api, { type: 'splunk_hec', url: e.url, token: secret });
      ok(await api.logStreams.pause({ params: { id: s.id } }), 200);
      // "Splunk " and the token's 36 characters from the 181st: characters 188 to 223, across the cut at 200.
      for (const at of [0, 150, 181, 190, 199]) {
        e.rawAt = at;
        const test = ok(await api.logStreams.testEvent({ params: { id: s.id } }), 200);
        expect({ at, leaked: test.error!.includes(secret.slice(0, 8)) }).toEqual({ at, leaked: false });
      }
    });

    it('a Datadog intake echoing the request headers: the API key is in no answer either', async () => {
      const { api, f } = await vendor();
      const key = randomBytes(16).toString('hex');
      const s = await create(api, { type: 'datadog', site: 'datadoghq.eu', apiKey: key, service: 'billing' });
      const test = ok(await api.logStreams.testEvent({ params: { id: s.id } }), 200);
      expect(test).toMatchObject({ ok: false, statusCode: 400 });
      expect(test.error).not.toContain(key);
      await f.product();
      await healthWhen(api, s.id, (x) => x.lastError !== null);
      expect(datadogEcho.received(key)).toBe(true);
      expect(await everythingReadable(api, s.id)).not.toContain(key);
    });

    it('an S3-compatible endpoint answering an error with the request echoed: the secret access key is in no answer (it never travels: SigV4)', async () => {
      const { api, f } = await vendor();
      const e = await echo();
      const secret = `Secret${randomBytes(12).toString('hex')}`;
      const s = await create(api, { type: 's3', bucket: 'audit-logs', region: 'us-east-1', endpoint: e.url, forcePathStyle: true, accessKeyId: 'AKIAEXAMPLE1', secretAccessKey: secret });
      const test = ok(await api.logStreams.testEvent({ params: { id: s.id } }), 200);
      expect(test).toMatchObject({ ok: false, statusCode: 400 });
      expect(test.error).not.toContain(secret);
      await f.product();
      await healthWhen(api, s.id, (x) => x.lastError !== null);
      expect(e.requests.length).toBeGreaterThan(0);
      expect(e.received(secret)).toBe(false);
      expect(await everythingReadable(api, s.id)).not.toContain(secret);
    });

    it('the type cannot change, and no other type’s secret can be set or kept', async () => {
      const { api } = await vendor();
      const e = await echo();
      const s = await create(api, { type: 'splunk_hec', url: e.url, token: token() });
      ok(await api.logStreams.pause({ params: { id: s.id } }), 200);
      const before = await headSeq(api);
      for (const destination of [
        { type: 'datadog' },
        { apiKey: randomBytes(16).toString('hex') },
        { secretAccessKey: 'x'.repeat(40) },
        { signingSecret: `whsec_${randomBytes(24).toString('base64')}` },
        { site: 'datadoghq.com' },
        { bucket: 'other-bucket' },
      ]) {
        const res = await api.logStreams.update({ params: { id: s.id }, body: { destination: destination as never } });
        expect({ destination, status: res.status }).toEqual({ destination, status: 400 });
        expect(errorBody(res)?.details?.[0]?.path).toMatch(/^body\.destination/);
      }
      const { rows } = await db.query<{ secret_names: string[]; destination_type: string }>('SELECT secret_names, destination_type FROM log_streams WHERE id = $1', [s.id]);
      expect(rows[0]).toEqual({ secret_names: ['token'], destination_type: 'splunk_hec' });
      expect(await headSeq(api)).toBe(before);
    });

    it('a malformed secret is refused without being echoed back', async () => {
      const { api } = await vendor();
      const e = await echo();
      for (const [destination, field] of [
        [{ type: 'splunk_hec', url: e.url, token: 'tok3n with spaces 12345' }, 'token'],
        [{ type: 'datadog', site: 'datadoghq.com', apiKey: 'key\u0000withnul123' }, 'apiKey'],
        [s3({ secretAccessKey: 'sëcret-non-ascii-value' }), 'secretAccessKey'],
      ] as const) {
        const res = await api.logStreams.create({ body: { name: 'x', destination: destination as never, filter: {}, startPoint: 'now' } });
        expect(res.status).toBe(400);
        expect(errorBody(res)?.details?.map((d) => d.path)).toEqual([`body.destination.${field}`]);
        expect(JSON.stringify(res.body)).not.toContain((destination as Record<string, string>)[field]!.slice(0, 6));
      }
    });
  });

  describe('bad input', () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['unknown field', { type: 'splunk_hec', url: 'https://splunk.example.com', token: 'abcdefgh1', host: 'x' }, 'body.destination'],
      ['field of another type', { type: 'splunk_hec', url: 'https://splunk.example.com', token: 'abcdefgh1', site: 'datadoghq.com' }, 'body.destination'],
      ['index not a string', { type: 'splunk_hec', url: 'https://splunk.example.com', token: 'abcdefgh1', index: 5 }, 'body.destination.index'],
      ['url not a string', { type: 'splunk_hec', url: ['https://a.example.com'], token: 'abcdefgh1' }, 'body.destination.url'],
      ['huge url', { type: 'splunk_hec', url: `https://${'a'.repeat(60)}.example.com/${'b'.repeat(3000)}`, token: 'abcdefgh1' }, 'body.destination.url'],
      ['huge token', { type: 'splunk_hec', url: 'https://splunk.example.com', token: 'a'.repeat(100_000) }, 'body.destination.token'],
      ['line break in source', { type: 'splunk_hec', url: 'https://splunk.example.com', token: 'abcdefgh1', source: 'a\nb' }, 'body.destination.source'],
      ['NUL in sourcetype', { type: 'splunk_hec', url: 'https://splunk.example.com', token: 'abcdefgh1', sourcetype: 'a\u0000b' }, 'body.destination.sourcetype'],
      ['NEL (C1 line break) in source', { type: 'splunk_hec', url: 'https://splunk.example.com', token: 'abcdefgh1', source: 'a\u0085b' }, 'body.destination.source'],
      ['a C1 control in sourcetype', { type: 'splunk_hec', url: 'https://splunk.example.com', token: 'abcdefgh1', sourcetype: 'a\u009bb' }, 'body.destination.sourcetype'],
      ['U+2028 line separator in service', { type: 'datadog', site: 'datadoghq.com', apiKey: 'abcdefgh1', service: 'a\u2028b' }, 'body.destination.service'],
      ['DEL in service', { type: 'datadog', site: 'datadoghq.com', apiKey: 'abcdefgh1', service: 'a\u007fb' }, 'body.destination.service'],
      ['tags not an array', { type: 'datadog', site: 'datadoghq.com', apiKey: 'abcdefgh1', tags: 'env:prod' }, 'body.destination.tags'],
      ['a tag posing as another account', { type: 'datadog', site: 'datadoghq.com', apiKey: 'abcdefgh1', tags: ['env:prod', `account_id:${randomUUID()}`] }, 'body.destination.tags.1'],
      ['a tag posing as another stream', { type: 'datadog', site: 'datadoghq.com', apiKey: 'abcdefgh1', tags: [`stream_id:${randomUUID()}`] }, 'body.destination.tags.0'],
      ['51 tags', { type: 'datadog', site: 'datadoghq.com', apiKey: 'abcdefgh1', tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }, 'body.destination.tags'],
      ['forcePathStyle a string', s3({ forcePathStyle: 'true' }), 'body.destination.forcePathStyle'],
      ['prefix with ../', s3({ prefix: 'logs/../other' }), 'body.destination.prefix'],
      ['prefix starting with /', s3({ prefix: '/logs' }), 'body.destination.prefix'],
      ['prefix ending with /', s3({ prefix: 'logs/' }), 'body.destination.prefix'],
      ['prefix with //', s3({ prefix: 'logs//x' }), 'body.destination.prefix'],
      ['prefix with a backslash', s3({ prefix: 'logs\\..\\x' }), 'body.destination.prefix'],
      ['prefix naming another account', s3({ prefix: `account=${randomUUID()}/stream=${randomUUID()}` }), 'body.destination.prefix'],
      ['prefix with a line break', s3({ prefix: 'logs\nx' }), 'body.destination.prefix'],
      ['huge prefix', s3({ prefix: 'a'.repeat(201) }), 'body.destination.prefix'],
      ['bucket an IP address', s3({ bucket: '192.168.0.1' }), 'body.destination.bucket'],
      ['bucket with two dots in a row', s3({ bucket: 'my..bucket' }), 'body.destination.bucket'],
      ['bucket with upper case', s3({ bucket: 'MyBucket' }), 'body.destination.bucket'],
      ['bucket too long', s3({ bucket: 'a'.repeat(64) }), 'body.destination.bucket'],
      ['bucket with a reserved prefix', s3({ bucket: 'xn--bucket' }), 'body.destination.bucket'],
      ['bucket with a reserved suffix', s3({ bucket: 'bucket-s3alias' }), 'body.destination.bucket'],
      ['region garbage', s3({ region: 'eu-west-1.evil.com' }), 'body.destination.region'],
      ['region with a slash', s3({ region: 'us-east-1/x' }), 'body.destination.region'],
      ['region empty', s3({ region: '' }), 'body.destination.region'],
      ['access key id with a space', s3({ accessKeyId: 'AKIA 1' }), 'body.destination.accessKeyId'],
    ];
    it.each(cases)('%s: 400 naming the field, no row, no entry, no 5xx', async (_what, destination, field) => {
      const { api, accountId } = await vendor();
      const before = await headSeq(api);
      const res = await api.logStreams.create({ body: { name: 'Bad', destination: destination as never, filter: {}, startPoint: 'now' } });
      expect(res.status).toBe(400);
      expect(errorBody(res)?.details?.map((d) => d.path)).toContain(field);
      expect(await streamRows(accountId)).toBe(0);
      expect(await headSeq(api)).toBe(before);
    });

    it('the same through PATCH: 400 naming the field, nothing changed, no entry', async () => {
      const { api } = await vendor();
      const s = await create(api, { ...s3(), endpoint: s3rver.endpoint, bucket: s3rver.bucket, forcePathStyle: true });
      ok(await api.logStreams.pause({ params: { id: s.id } }), 200);
      const before = await headSeq(api);
      for (const [destination, field] of [
        [{ bucket: '169.254.169.254' }, 'body.destination.bucket'],
        [{ bucket: 'a..b' }, 'body.destination.bucket'],
        [{ prefix: '../x' }, 'body.destination.prefix'],
        [{ region: 'x' }, 'body.destination.region'],
        [{ bucket: null }, 'body.destination.bucket'],
        [{ accessKeyId: null }, 'body.destination.accessKeyId'],
        [{ endpoint: 'http://s3.example.com' }, 'body.destination.endpoint'],
        [{ forcePathStyle: 'yes' }, 'body.destination.forcePathStyle'],
      ] as const) {
        const res = await api.logStreams.update({ params: { id: s.id }, body: { destination: destination as never } });
        expect({ destination, status: res.status }).toEqual({ destination, status: 400 });
        expect(errorBody(res)?.details?.map((d) => d.path)).toContain(field);
      }
      expect(ok(await api.logStreams.get({ params: { id: s.id } }), 200).destination).toEqual(s.destination);
      expect(await headSeq(api)).toBe(before);
    });

    it('__proto__ and constructor keys in a destination: 400, nothing written, no 5xx', async () => {
      const { client, accountId } = await vendor();
      for (const raw of [
        '{"name":"P","destination":{"type":"splunk_hec","url":"https://splunk.example.com","token":"abcdefgh1","__proto__":{"url":"https://127.0.0.1"}},"filter":{},"startPoint":"now"}',
        '{"name":"P","destination":{"type":"s3","bucket":"audit-logs","region":"eu-west-1","accessKeyId":"AKIA1","secretAccessKey":"x","constructor":{"prototype":{"endpoint":"https://127.0.0.1"}}},"filter":{},"startPoint":"now"}',
      ]) {
        const res = await client.post('/api/v1/log-streams', raw);
        expect(res.status).toBe(400);
      }
      expect(await streamRows(accountId)).toBe(0);
      expect(({} as Record<string, unknown>).url).toBeUndefined();
    });

    it('a name with control characters or of 10,000 characters: 400 naming body.name', async () => {
      const { api, accountId } = await vendor();
      for (const name of ['a\u0000b', 'a\rb', 'a\u0085b', 'a\u2029b', 'x'.repeat(10_000)]) {
        const res = await api.logStreams.create({ body: { name, destination: s3() as never, filter: {}, startPoint: 'now' } });
        expect(res.status).toBe(400);
        expect(errorBody(res)?.details?.map((d) => d.path)).toEqual(['body.name']);
      }
      expect(await streamRows(accountId)).toBe(0);
    });
  });

  describe('tenants and permissions', () => {
    it("another account's stream id on every route: 404, its stream unchanged, nothing written on either side", async () => {
      const a = await vendor();
      const b = await vendor();
      const e = await echo();
      const theirs = await create(b.api, { type: 'splunk_hec', url: e.url, token: token() });
      ok(await b.api.logStreams.pause({ params: { id: theirs.id } }), 200);
      const [headA, headB] = [await headSeq(a.api), await headSeq(b.api)];
      const params = { id: theirs.id };
      const calls = [
        () => a.api.logStreams.get({ params }),
        () => a.api.logStreams.update({ params, body: { name: 'Mine now' } }),
        () => a.api.logStreams.update({ params, body: { destination: { url: 'https://attacker.example.com', token: token() } } }),
        () => a.api.logStreams.pause({ params }),
        () => a.api.logStreams.resume({ params }),
        () => a.api.logStreams.testEvent({ params }),
        () => a.api.logStreams.backfill({ params, body: { fromSeq: 1 } }),
        () => a.api.logStreams.health({ params }),
        () => a.api.logStreams.remove({ params }),
      ];
      for (const call of calls) expect((await call()).status).toBe(404);
      expect(ok(await a.api.logStreams.list({ query: {} }), 200).items).toEqual([]);
      const after = ok(await b.api.logStreams.get({ params }), 200);
      expect({ ...after, updatedAt: null }).toEqual({ ...theirs, status: 'paused', updatedAt: null });
      expect([await headSeq(a.api), await headSeq(b.api)]).toEqual([headA, headB]);
    });

    it('S3 objects of two accounts sharing a bucket and prefix stay under each account and stream', async () => {
      const a = await vendor();
      const b = await vendor();
      const dest = { type: 's3', bucket: s3rver.bucket, region: 'us-east-1', endpoint: s3rver.endpoint, forcePathStyle: true, prefix: 'shared', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
      const sa = await create(a.api, dest);
      const sb = await create(b.api, dest);
      await a.f.product();
      await b.f.product();
      await healthWhen(a.api, sa.id, (h) => h.lagEntries === 0);
      await healthWhen(b.api, sb.id, (h) => h.lagEntries === 0);
      const keys = await s3rver.keys('shared/');
      const mine = (acc: string, stream: string) => keys.filter((k) => k.startsWith(`shared/account=${acc}/stream=${stream}/`));
      expect(mine(a.accountId, sa.id).length).toBeGreaterThan(0);
      expect(mine(b.accountId, sb.id).length).toBeGreaterThan(0);
      expect(keys.length).toBe(mine(a.accountId, sa.id).length + mine(b.accountId, sb.id).length);
    });

    it('a user holding settings:log_streams without audit_log:read cannot create, re-point, resume or backfill, and reads no secret', async () => {
      const { api, client, f } = await vendor();
      const e = await echo();
      const secret = token();
      const s = await create(api, { type: 'splunk_hec', url: e.url, token: secret });
      ok(await api.logStreams.pause({ params: { id: s.id } }), 200);
      await f.product();
      const template = ok(await api.permissionTemplates.create({ body: { name: 'Streams only', permissions: ['settings:log_streams'] } }), 201);
      const email = uniqueEmail('streams');
      ok(await api.platformUsers.create({ body: { email, name: 'Sam Streams', password: 'streams-password-1', permissionTemplateId: template.id } }), 201);
      const other = new ApiClient(client.baseUrl);
      const sam = typedClient(other);
      ok(await sam.auth.login({ body: { email, password: 'streams-password-1' } }), 200);
      const before = await headSeq(api);
      for (const call of [
        () => sam.logStreams.create({ body: { name: 'Mine', destination: { type: 'splunk_hec', url: e.url, token: token() }, filter: {}, startPoint: 'beginning' } }),
        () => sam.logStreams.update({ params: { id: s.id }, body: { destination: { url: 'https://attacker.example.com', token: token() } } }),
        () => sam.logStreams.update({ params: { id: s.id }, body: { filter: {} } }),
        () => sam.logStreams.resume({ params: { id: s.id } }),
        () => sam.logStreams.backfill({ params: { id: s.id }, body: { fromSeq: 1 } }),
      ]) {
        const res = await call();
        expect(res.status).toBe(403);
        expect(errorBody(res)?.message).toContain('audit_log:read');
      }
      expect(await headSeq(api)).toBe(before);
      const seen = JSON.stringify([
        ok(await sam.logStreams.list({ query: {} }), 200),
        ok(await sam.logStreams.health({ params: { id: s.id } }), 200),
        ok(await sam.logStreams.testEvent({ params: { id: s.id } }), 200),
      ]);
      expect(seen).not.toContain(secret);
      expect((await sam.auditLog.list({ query: { limit: 1 } })).status).toBe(403);
      const entries: AuditEntry[] = ok(await api.auditLog.list({ query: { limit: 50 } }), 200).items;
      expect(JSON.stringify(entries)).not.toContain(secret);
    });
  });
});
