/**
 * P11 and P12: log stream delivery (issue 14) with the real worker process (apps/api/dist/worker.js)
 * sending to a local HTTPS receiver with a self-signed certificate (made with openssl, trusted through
 * LOG_STREAM_CA_FILE) that checks every Standard Webhooks signature and that batches arrive in seq order.
 *   P11: a backfill of 1,000,000 entries of the large account of keyledger_bench (a stream inserted at
 *        its head, then its cursor moved back 1,000,000, as POST …/backfill does), entries/s from the
 *        move to the last entry received; against the CSV export of the same entries (the export
 *        writer in its own process, as P2a runs it).
 *   P12: 100 audited writes a second through the API (its own process, PATCH /products/:id over 200
 *        products) on a fresh database, each entry's latency from its write's answer (after COMMIT;
 *        matched by the request id the API answers with and records in the entry) to the moment its
 *        batch was received; p99. Also from its occurredAt (the request's start).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { type AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { ApiClient } from '../../apps/api/test/support/client';
import { selfSignedCertificate } from '../../apps/api/test/support/https-receiver';
import { BENCH_DB, dbUrl, LARGE_ACCOUNT } from './seed';
/* eslint-disable @typescript-eslint/no-require-imports */
const { sealSecrets, parseSecretsKey } = require('../../apps/api/dist/log-streams/secret-box') as {
  sealSecrets: (key: Buffer, context: string, secrets: Record<string, string>) => string;
  parseSecretsKey: (value: string) => Buffer;
};
const { migrate } = require('../../apps/api/dist/database/data-source') as {
  migrate: (url: string) => Promise<string[]>;
};
/* eslint-enable @typescript-eslint/no-require-imports */

const ROOT = join(__dirname, '..', '..');
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

interface Batch {
  firstSeq: number;
  lastSeq: number;
  entries: Array<{ seq: number; occurredAt: string; context: { requestId: string | null } }>;
}

/**
 * A Standard Webhooks signature check with node:crypto (the standardwebhooks package's own JavaScript
 * SHA-256 costs ~30 ms a megabyte: at 50 MB/s the receiver alone would need 1.5 cores). The tests
 * verify with the package itself.
 */
function signatureValid(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
): boolean {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = Buffer.from(
    createHmac('sha256', key)
      .update(`${headers['webhook-id']}.${headers['webhook-timestamp']}.`)
      .update(body)
      .digest('base64'),
  );
  return String(headers['webhook-signature'] ?? '')
    .split(' ')
    .some((s) => {
      const given = Buffer.from(s.startsWith('v1,') ? s.slice(3) : '');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
}

const ENTRIES_KEY = Buffer.from('"entries":[');
const [QUOTE, BACKSLASH, OPEN_OBJECT, CLOSE_OBJECT, OPEN_ARRAY, CLOSE_ARRAY] = [...'"\\{}[]'].map((c) =>
  c.charCodeAt(0),
);

/**
 * A batch's seq range and how many entries it holds, without parsing the entries: the head (every member
 * before `"entries"`, which Keyledger sends last) is parsed, and the entries array's top-level values are
 * counted by a scan that follows strings (and their escapes) and nesting. Throws on a body not so shaped.
 */
function batchSummary(raw: Buffer): { firstSeq: number; lastSeq: number; count: number } {
  let depth = 0;
  let inString = false;
  let count = 0;
  let entriesAt = -1;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (inString) {
      if (c === BACKSLASH) i += 1;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (c === QUOTE) {
      if (entriesAt < 0 && depth === 1 && raw.subarray(i, i + ENTRIES_KEY.length).equals(ENTRIES_KEY)) {
        entriesAt = i;
        i += ENTRIES_KEY.length - 1;
        depth += 1;
        continue;
      }
      inString = true;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (entriesAt >= 0 && depth === 2) count += 1;
      depth += 1;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) depth -= 1;
  }
  if (entriesAt < 0 || depth !== 0 || inString) throw new Error('not a batch body');
  const head = JSON.parse(`${raw.subarray(0, entriesAt).toString('utf8').replace(/,$/, '')}}`) as {
    firstSeq: number;
    lastSeq: number;
  };
  return { firstSeq: head.firstSeq, lastSeq: head.lastSeq, count };
}

/** The receiver: verifies each request's signature, keeps the delivered-through seq and when each batch arrived. */
class Receiver {
  server!: Server;
  url = '';
  through = 0;
  entries = 0;
  batches = 0;
  resent = 0;
  outOfOrder = 0;
  /** Batches whose entries were not as many as their seq range (an unfiltered stream's batch holds them all). */
  miscounted = 0;
  bytes = 0;
  refused = 0;
  /** TLS connections accepted (kept alive, one per worker; more means handshakes per batch). */
  connections = 0;
  onBatch?: (b: Batch, at: number) => void;
  private waiters: Array<() => void> = [];

  /**
   * `light`: each batch's head is parsed and its entries counted by a scan of the bytes (P11), instead of
   * the whole batch parsed (P12 reads each entry's request id): a `JSON.parse` of every 1 MB batch cost this
   * process more CPU than the worker spends sending it, on the two cores the delivery shares with it.
   */
  constructor(
    private readonly tls: { key: string; cert: string },
    private readonly light = false,
  ) {}

  async start(): Promise<this> {
    this.server = createServer({ key: this.tls.key, cert: this.tls.cert }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const at = Date.now();
        const raw = Buffer.concat(chunks);
        // The signature over the bytes received (as a receiver must: the text decoded and encoded again
        // would cost as much as the check itself).
        if (!signatureValid(SECRET, req.headers, raw)) {
          this.refused += 1;
          res.writeHead(401).end();
          for (const w of this.waiters.splice(0)) w();
          return;
        }
        // Acknowledged once the signature holds (as a receiver that queues what it gets would), then
        // parsed and checked: the parse (most of this receiver's CPU) is not in the sender's round trip.
        // Requests on a connection arrive one after another, so batches are still checked in order.
        res.writeHead(204).end();
        const b = this.light ? batchSummary(raw) : (JSON.parse(raw.toString('utf8')) as Batch);
        const count = 'count' in b ? b.count : b.entries.length;
        this.bytes += raw.length;
        this.batches += 1;
        if (b.lastSeq <= this.through) this.resent += 1;
        else if (b.firstSeq !== this.through + 1 && this.through !== 0) this.outOfOrder += 1;
        else if (count !== b.lastSeq - b.firstSeq + 1) this.miscounted += 1;
        else {
          this.through = b.lastSeq;
          this.entries += count;
        }
        if (!('count' in b)) this.onBatch?.(b, at);
        for (const w of this.waiters.splice(0)) w();
      });
    });
    this.server.on('secureConnection', () => (this.connections += 1));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
    return this;
  }

  until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out waiting for ${what} (through #${this.through})`)),
        timeoutMs,
      );
      const check = () => {
        if (this.refused > 0) {
          clearTimeout(timer);
          reject(new Error('the receiver refused a signature'));
        } else if (done()) {
          clearTimeout(timer);
          resolve();
        } else this.waiters.push(check);
      };
      check();
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}


/** The settings both the worker and (P12) the API run with. */
function streamSettings(
  databaseUrl: string,
  dataDir: string,
  caFile: string,
  prefix: string,
  extra: Record<string, string> = {},
) {
  return {
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    DATA_DIR: dataDir,
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: 'info',
    DEMO_SEED: 'false',
    LOG_STREAM_ALLOW_PRIVATE_NETWORKS: 'true',
    LOG_STREAM_CA_FILE: caFile,
    // The integrity jobs are not what is measured: out of the way (the seeded chains are not re-verified here).
    CHECKPOINT_INTERVAL_SECONDS: '3600',
    INTEGRITY_VERIFY_INTERVAL_SECONDS: '3600',
    INTEGRITY_INCREMENTAL_MAX_ENTRIES: '100',
    INTEGRITY_FULL_VERIFY_INTERVAL_HOURS: '0',
    ...extra,
    // BENCH_STREAM_SETTINGS: more settings as JSON, e.g. {"LOG_STREAM_BATCH_MAX_ENTRIES":"1000"}.
    ...(JSON.parse(process.env.BENCH_STREAM_SETTINGS ?? '{}') as Record<string, string>),
  };
}

async function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  // BENCH_WORKER_NODE_ARGS: node options for the worker (e.g. --cpu-prof to see where its time goes).
  const nodeArgs = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(
    process.execPath,
    [...nodeArgs, join(ROOT, 'apps', 'api', 'dist', 'worker.js')],
    {
      cwd: join(ROOT, 'apps', 'api'),
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout!.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    const onData = (d: string) => {
      out += d;
      if (out.includes('consuming its queues')) {
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`worker exited with ${code}: ${out.slice(-2000)}`)),
    );
  });
  if (process.env.BENCH_DEBUG) child.stdout!.pipe(process.stdout);
  return child;
}

async function stop(child: ChildProcess | undefined) {
  if (!child || child.exitCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

export interface P11Figures {
  entries: number;
  ms: number;
  rate: number;
  batches: number;
  resent: number;
  outOfOrder: number;
  miscounted: number;
  mbPerSecond: number;
  connections: number;
  workerCpuSeconds: number | null;
  /** CPU of this process (the receiver: TLS, signature checks, JSON.parse of each batch) during the backfill. */
  receiverCpuSeconds: number;
  /** CPU of the PostgreSQL backends connected to the bench database (the worker's; Linux /proc). */
  postgresCpuSeconds: number | null;
  loadAverage: number[];
}

/** P11's delivery side; the caller measures the CSV export of the same entries. */
export async function measureP11(
  entries: number,
  log = console.log,
): Promise<P11Figures & { fromSeq: number; head: number }> {
  const url = dbUrl(BENCH_DB);
  await migrate(url);
  const dir = mkdtempSync(join(tmpdir(), 'keyledger-bench-p11-'));
  const tls = selfSignedCertificate(dir);
  const receiver = await new Receiver(tls, true).start();
  const db = new Client({ connectionString: url, application_name: 'bench-p11' });
  await db.connect();
  const streamId = randomUUID();
  const keyHex = randomBytes(32).toString('hex');
  let worker: ChildProcess | undefined;
  try {
    const head = Number(
      (await db.query('SELECT last_seq FROM audit_heads WHERE account_id = $1', [LARGE_ACCOUNT]))
        .rows[0].last_seq,
    );
    const fromSeq = Math.max(1, head - entries + 1);
    await db.query(
      `INSERT INTO log_streams (id, account_id, name, destination_type, config, secrets_encrypted, secret_names, filter, start_point, delivered_through_seq, created_by_type, created_by_name)
       VALUES ($1, $2, 'P11 bench', 'webhook', $3, $4, '{signingSecret}', '{}', 'now', $5, 'system', 'bench')`,
      [
        streamId,
        LARGE_ACCOUNT,
        JSON.stringify({ url: receiver.url }),
        sealSecrets(parseSecretsKey(keyHex), streamId, { signingSecret: SECRET }),
        head,
      ],
    );
    worker = await startWorker(
      streamSettings(url, dir, tls.caFile, `kl-bench-p11-${streamId.slice(0, 8)}`, {
        LOG_STREAM_SECRETS_KEY: keyHex,
      }),
    );
    const cpuBefore = cpuSeconds(worker.pid!);
    const receiverCpu = process.cpuUsage();
    const backendsBefore = await backendCpu(db, BENCH_DB);
    receiver.through = fromSeq - 1;
    const t0 = Date.now();
    // The backfill, as LogStreamsService.backfill moves the cursor.
    await db.query(
      `UPDATE log_streams SET delivered_through_seq = $2, pending_through_seq = NULL, next_attempt_at = now(), consecutive_failures = 0 WHERE id = $1`,
      [streamId, fromSeq - 1],
    );
    let last = Date.now();
    await receiver.until(
      () => {
        if (Date.now() - last > 10_000) {
          last = Date.now();
          log(
            `  P11: through #${receiver.through} (${Math.round((receiver.entries / (Date.now() - t0)) * 1000)}/s)`,
          );
        }
        return receiver.through >= head;
      },
      30 * 60_000,
      `#${head}`,
    );
    const ms = Date.now() - t0;
    const cpuAfter = cpuSeconds(worker.pid!);
    const receiverUsage = process.cpuUsage(receiverCpu);
    const backendsAfter = await backendCpu(db, BENCH_DB);
    return {
      entries: receiver.entries,
      ms,
      rate: (receiver.entries / ms) * 1000,
      batches: receiver.batches,
      resent: receiver.resent,
      outOfOrder: receiver.outOfOrder,
      miscounted: receiver.miscounted,
      mbPerSecond: receiver.bytes / 2 ** 20 / (ms / 1000),
      connections: receiver.connections,
      workerCpuSeconds: cpuBefore !== null && cpuAfter !== null ? cpuAfter - cpuBefore : null,
      receiverCpuSeconds: (receiverUsage.user + receiverUsage.system) / 1e6,
      postgresCpuSeconds:
        backendsAfter && backendsBefore
          ? [...backendsAfter].reduce((sum, [pid, s]) => sum + s - (backendsBefore.get(pid) ?? 0), 0)
          : null,
      loadAverage: loadavg(),
      fromSeq,
      head,
    };
  } finally {
    await stop(worker);
    await db
      .query('DELETE FROM log_stream_attempts WHERE stream_id = $1', [streamId])
      .catch(() => undefined);
    await db.query('DELETE FROM log_streams WHERE id = $1', [streamId]).catch(() => undefined);
    await db.end();
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** CPU seconds so far of each PostgreSQL backend connected to `database` but this one (the server runs on this machine), or null. */
async function backendCpu(db: Client, database: string): Promise<Map<number, number> | null> {
  const { rows } = await db.query<{ pid: number }>(
    "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
    [database],
  );
  const out = new Map<number, number>();
  for (const { pid } of rows) {
    const s = cpuSeconds(pid);
    if (s === null) return null;
    out.set(pid, s);
  }
  return out;
}

/** CPU seconds so far of a process and its descendants (the API runs under tsx, which starts node as its child). */
function treeCpuSeconds(root: number): number {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // gone meanwhile
    }
  }
  let sum = 0;
  const todo = [root];
  while (todo.length > 0) {
    const pid = todo.pop()!;
    sum += cpuSeconds(pid) ?? 0;
    todo.push(...(children.get(pid) ?? []));
  }
  return sum;
}

/** A process's user + system CPU seconds so far (Linux /proc), or null elsewhere. */
function cpuSeconds(pid: number): number | null {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return null;
  }
}

export interface P12Figures {
  entries: number;
  /** Answer of the write (after its COMMIT) → its batch received, ms. */
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** The same from the entry's occurredAt (the request's start): includes the write's own time. */
  fromRequestStart: { p50: number; p99: number };
  /** Writes answered 200 a second, and writes started a second (the schedule). */
  writesPerSecond: number;
  startedPerSecond: number;
  /** Writes not started because MAX_IN_FLIGHT were unanswered (the API slower than the schedule). */
  skippedWrites: number;
  failedWrites: number;
  /** CPU seconds used while the writes ran: the API (with its tsx wrapper), the worker, this process (load generator and receivers), PostgreSQL's backends. */
  cpuWhileWriting: { seconds: number; api: number; worker: number; bench: number; postgres: number | null };
  loadAverage: number[];
}

const P12_DB = 'keyledger_bench_p12';
const PRODUCTS = 50;
const ACCOUNTS = 4;
const MAX_IN_FLIGHT = 32;

/** P12: steady writes through the API at `rate` a second for `seconds`, commit → received at the receiver. */
export async function measureP12(
  seconds: number,
  rate = 100,
  log = console.log,
): Promise<P12Figures> {
  const admin = new Client({ connectionString: dbUrl('postgres') });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${P12_DB}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${P12_DB}"`);
  await admin.end();
  const url = dbUrl(P12_DB);
  const dir = mkdtempSync(join(tmpdir(), 'keyledger-bench-p12-'));
  const tls = selfSignedCertificate(dir);
  const receivers: Receiver[] = [];
  const prefix = `kl-bench-p12-${randomUUID().slice(0, 8)}`;
  const settings = streamSettings(url, dir, tls.caFile, prefix, {
    LOG_STREAM_SECRETS_KEY: randomBytes(32).toString('hex'),
  });
  let api: ChildProcess | undefined;
  let worker: ChildProcess | undefined;
  try {
    const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
    api = spawn(
      tsx,
      [join(__dirname, 'api-child.ts'), url, REDIS_URL, 'on', dir, JSON.stringify(settings)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    api.stdout!.setEncoding('utf8');
    const port = await new Promise<number>((resolve, reject) => {
      api!.stdout!.on('data', (d: string) => {
        out += d;
        const m = /port (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      api!.once('exit', (code) => reject(new Error(`API exited with ${code}`)));
    });
    worker = await startWorker(settings);
    // ACCOUNTS accounts, each with PRODUCTS products and its own stream: one account's writers queue on
    // its audit head from seq to COMMIT (see P1), writers of different accounts do not.
    const arrived = new Map<string, { at: number; occurredAt: number }>();
    const answered = new Map<string, number>();
    let measuring = false;
    const vendors: Array<{ client: ApiClient; products: string[] }> = [];
    for (let a = 0; a < ACCOUNTS; a++) {
      const client = new ApiClient(`http://127.0.0.1:${port}`);
      client.validateResponses = false;
      await client.signup();
      const products: string[] = [];
      for (let i = 0; i < PRODUCTS; i++) {
        const p = await client.post<{ id: string }>('/api/v1/products', {
          name: `P12 product ${i}`,
          code: `p12-${i}-${randomUUID().slice(0, 8)}`,
        });
        products.push(p.body.id);
      }
      const r = await new Receiver(tls).start();
      receivers.push(r);
      const created = await client.post<{ id: string; deliveredThroughSeq: number }>(
        '/api/v1/log-streams',
        {
          name: 'P12 bench',
          destination: { type: 'webhook', url: r.url, signingSecret: SECRET },
          filter: {},
          startPoint: 'now',
        },
      );
      if (created.status !== 201)
        throw new Error(
          `creating the stream answered ${created.status}: ${JSON.stringify(created.body)}`,
        );
      r.through = created.body.deliveredThroughSeq;
      // Per entry: when its batch arrived, and (by the request id the API answers with and records in
      // the entry) when its request was answered, i.e. after its COMMIT.
      r.onBatch = (batch, at) => {
        if (measuring)
          for (const e of batch.entries)
            if (e.context.requestId)
              arrived.set(e.context.requestId, { at, occurredAt: Date.parse(e.occurredAt) });
      };
      await r.until(
        () => r.through >= created.body.deliveredThroughSeq + 1,
        30_000,
        'the stream creation entry',
      );
      vendors.push({ client, products });
    }
    measuring = true;
    // Where the machine's time goes while writing (to tell a slow API from a busy machine or load generator).
    const cpuAt = async () => ({
      api: treeCpuSeconds(api!.pid!),
      worker: treeCpuSeconds(worker!.pid!),
      bench: process.cpuUsage(),
      postgres: await backendCpu(probe, P12_DB),
    });
    const probe = new Client({ connectionString: url, application_name: 'bench-p12-probe' });
    await probe.connect();
    const before = await cpuAt();

    // `rate` writes a second, each started on schedule whether or not the one before has answered; a
    // write whose time comes while MAX_IN_FLIGHT are unanswered is skipped (counted), so that an API
    // slower than the schedule is measured at the rate it manages instead of queueing without end.
    const total = seconds * rate;
    const writes: Array<Promise<number>> = [];
    let inFlight = 0;
    let skipped = 0;
    const t0 = Date.now();
    for (let i = 0; i < total; i++) {
      const due = t0 + (i * 1000) / rate;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (inFlight >= MAX_IN_FLIGHT) {
        skipped += 1;
        continue;
      }
      inFlight += 1;
      writes.push(
        vendors[i % ACCOUNTS]!.client.patch(
          `/api/v1/products/${vendors[i % ACCOUNTS]!.products[Math.floor(i / ACCOUNTS) % PRODUCTS]}`,
          { name: `P12 ${i}` },
        ).then(
          (r) => {
            inFlight -= 1;
            const id = r.headers.get('x-request-id');
            if (r.status === 200 && id) answered.set(id, Date.now());
            return r.status;
          },
          () => ((inFlight -= 1), 0),
        ),
      );
      if (i > 0 && i % (rate * 10) === 0)
        log(
          `  P12: ${i} writes started, ${answered.size} answered, ${arrived.size} entries received`,
        );
    }
    const statuses = await Promise.all(writes);
    const writeSeconds = (Date.now() - t0) / 1000;
    const after = await cpuAt();
    await probe.end();
    const benchUsage = process.cpuUsage(before.bench);
    const cpuWhileWriting = {
      seconds: writeSeconds,
      api: after.api - before.api,
      worker: after.worker - before.worker,
      bench: (benchUsage.user + benchUsage.system) / 1e6,
      postgres:
        after.postgres && before.postgres
          ? [...after.postgres].reduce((sum, [pid, s]) => sum + s - (before.postgres!.get(pid) ?? 0), 0)
          : null,
    };
    const okWrites = statuses.filter((s) => s === 200).length;
    const all = () => [...answered.keys()].every((id) => arrived.has(id));
    for (const until = Date.now() + 120_000; !all(); await new Promise((r) => setTimeout(r, 50)))
      if (Date.now() > until)
        throw new Error(`P12: ${okWrites - arrived.size} entries not received`);
    const fromCommit: number[] = [];
    const fromOccurred: number[] = [];
    for (const [id, at] of answered) {
      const got = arrived.get(id)!;
      fromCommit.push(got.at - at);
      fromOccurred.push(got.at - got.occurredAt);
    }
    const pct = (xs: number[], p: number) =>
      [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;
    return {
      entries: fromCommit.length,
      p50: pct(fromCommit, 50),
      p95: pct(fromCommit, 95),
      p99: pct(fromCommit, 99),
      max: Math.max(...fromCommit),
      fromRequestStart: { p50: pct(fromOccurred, 50), p99: pct(fromOccurred, 99) },
      writesPerSecond: okWrites / writeSeconds,
      startedPerSecond: writes.length / writeSeconds,
      failedWrites: writes.length - okWrites,
      skippedWrites: skipped,
      cpuWhileWriting,
      loadAverage: loadavg(),
    };
  } finally {
    await stop(worker);
    await stop(api);
    for (const r of receivers) await r.close();
    rmSync(dir, { recursive: true, force: true });
    const cleanup = new Client({ connectionString: dbUrl('postgres') });
    await cleanup.connect();
    await cleanup.query(`DROP DATABASE IF EXISTS "${P12_DB}" WITH (FORCE)`);
    await cleanup.end();
  }
}
