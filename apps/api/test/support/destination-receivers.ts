import { mkdirSync, writeFileSync } from 'node:fs';
import { type IncomingMessage } from 'node:http';
import { createServer, type Server } from 'node:https';
import { type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { parseConcatenatedJson } from '@keyledger/verify';
import { closeServer, openSockets, type Tls } from './https-receiver';

/** One record as a receiver stored it: the entry's fields and the batch's continuity fields (`keyledger`). */
export interface ReceivedRecord {
  seq?: number;
  hash?: string;
  keyledger: { batchId: string; firstSeq: number; lastSeq: number; test?: boolean; [k: string]: unknown };
  [k: string]: unknown;
}

export interface Refused {
  status: number;
  reason: string;
}

/**
 * A receiver over HTTPS (self-signed certificate) shaped like a vendor's intake: `check` judges each
 * request (headers, path and body) and returns the records it holds, or the status and body to refuse
 * it with. Accepted bodies are saved as `<dir>/<n>.json`, as a customer would keep them for
 * `keyledger-verify --batches`. `failWith` (when set) answers every request with that status instead.
 */
abstract class IntakeReceiver {
  readonly records: ReceivedRecord[] = [];
  readonly refused: Refused[] = [];
  readonly bodies: string[] = [];
  requests = 0;
  failWith: { status: number; body: string } | null = null;
  url = '';
  private server!: Server;
  private sockets = new Set<Socket>();
  private waiters: Array<() => void> = [];

  constructor(
    private readonly tls: Tls,
    readonly dir: string,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  protected abstract check(
    req: IncomingMessage,
    body: string,
  ): { records: ReceivedRecord[]; status: number; answer: string } | { refuse: Refused; answer: string };

  async start(): Promise<this> {
    this.server = createServer({ key: this.tls.key, cert: this.tls.cert }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests += 1;
        const body = Buffer.concat(chunks).toString('utf8');
        const wake = () => {
          for (const w of this.waiters.splice(0)) w();
        };
        if (this.failWith) {
          this.refused.push({ status: this.failWith.status, reason: 'failWith' });
          res.writeHead(this.failWith.status, { 'content-type': 'application/json' }).end(this.failWith.body);
          return wake();
        }
        const verdict = this.check(req, body);
        if ('refuse' in verdict) {
          this.refused.push(verdict.refuse);
          res.writeHead(verdict.refuse.status, { 'content-type': 'application/json' }).end(verdict.answer);
          return wake();
        }
        const real = verdict.records.filter((r) => !r.keyledger.test);
        if (real.length > 0) {
          this.records.push(...real);
          this.bodies.push(body);
          // One folder per stream (a Datadog intake receives every stream of the test run).
          const folder = this.folder(String(real[0]!.keyledger.streamId));
          mkdirSync(folder, { recursive: true });
          writeFileSync(join(folder, `${String(this.bodies.length).padStart(6, '0')}.json`), body);
        }
        res.writeHead(verdict.status, { 'content-type': 'application/json' }).end(verdict.answer);
        wake();
      });
    });
    this.sockets = openSockets(this.server);
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Where the bodies of one stream are saved. */
  folder(streamId: string): string {
    return join(this.dir, streamId);
  }

  /** The seqs received, in arrival order (of one stream, when named). */
  seqs(streamId?: string): number[] {
    return this.records.filter((r) => !streamId || r.keyledger.streamId === streamId).map((r) => r.seq!);
  }

  until(done: () => boolean, timeoutMs = 30_000): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out; the receiver holds ${JSON.stringify(this.seqs())}; refused ${JSON.stringify(this.refused.slice(-3))}`)),
        timeoutMs,
      );
      const check = () => {
        if (done()) {
          clearTimeout(timer);
          resolve();
        } else this.waiters.push(check);
      };
      this.waiters.push(check);
    });
  }

  close(): Promise<void> {
    return closeServer(this.server, this.sockets);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Splunk HTTP Event Collector, per its documentation: POST /services/collector/event with
 * `Authorization: Splunk <token>` (none: 401 code 2 "Token is required"; wrong: 403 code 4 "Invalid
 * token"), a body of event envelopes one after another, each with `event` and optional `time` (epoch
 * seconds), `host`, `source`, `sourcetype`, `index` (anything else: 400 code 6 "Invalid data format");
 * success is 200 `{"text":"Success","code":0}`.
 */
export class SplunkHecReceiver extends IntakeReceiver {
  readonly envelopes: Array<Record<string, unknown>> = [];

  constructor(
    tls: Tls,
    dir: string,
    private readonly token: string,
  ) {
    super(tls, dir);
  }

  protected check(req: IncomingMessage, body: string) {
    const refuse = (status: number, code: number, text: string) => ({
      refuse: { status, reason: text },
      answer: JSON.stringify({ text, code }),
    });
    if (req.method !== 'POST' || req.url !== '/services/collector/event') return refuse(404, 404, 'The requested URL was not found on this server.');
    const auth = req.headers.authorization;
    if (!auth) return refuse(401, 2, 'Token is required');
    if (auth !== `Splunk ${this.token}`) return refuse(403, 4, 'Invalid token');
    let values: unknown[];
    try {
      values = parseConcatenatedJson(body);
    } catch {
      return refuse(400, 6, 'Invalid data format');
    }
    const records: ReceivedRecord[] = [];
    for (const v of values) {
      if (!isObject(v) || !isObject(v.event)) return refuse(400, 12, 'Event field is required');
      const extra = Object.keys(v).filter((k) => !['time', 'host', 'source', 'sourcetype', 'index', 'event', 'fields'].includes(k));
      if (extra.length > 0 || (v.time !== undefined && typeof v.time !== 'number')) return refuse(400, 6, 'Invalid data format');
      this.envelopes.push(v);
      records.push(v.event as unknown as ReceivedRecord);
    }
    return { records, status: 200, answer: JSON.stringify({ text: 'Success', code: 0 }) };
  }
}

/**
 * Datadog's logs intake, per its API reference: POST /api/v2/logs with `DD-API-KEY` (wrong or none:
 * 403 `{"errors":[{"status":"403","title":"Forbidden"}]}`), a JSON array of at most 1,000 logs and
 * 5 MB; accepted with 202 `{}`.
 */
export class DatadogReceiver extends IntakeReceiver {
  readonly logs: Array<Record<string, unknown>> = [];
  maxLogsPerRequest = 0;

  constructor(
    tls: Tls,
    dir: string,
    private readonly apiKey: string,
  ) {
    super(tls, dir);
  }

  get intakeUrl(): string {
    return `${this.url}/api/v2/logs`;
  }

  protected check(req: IncomingMessage, body: string) {
    const refuse = (status: number, title: string) => ({
      refuse: { status, reason: title },
      answer: JSON.stringify({ errors: [{ status: String(status), title }] }),
    });
    if (req.method !== 'POST' || req.url !== '/api/v2/logs') return refuse(404, 'Not Found');
    if (req.headers['dd-api-key'] !== this.apiKey) return refuse(403, 'Forbidden');
    if (Buffer.byteLength(body) > 5 * 1024 * 1024) return refuse(413, 'Payload Too Large');
    let logs: unknown;
    try {
      logs = JSON.parse(body);
    } catch {
      return refuse(400, 'Bad Request');
    }
    if (!Array.isArray(logs) || logs.length > 1000 || !logs.every(isObject)) return refuse(400, 'Bad Request');
    this.maxLogsPerRequest = Math.max(this.maxLogsPerRequest, logs.length);
    this.logs.push(...(logs as Array<Record<string, unknown>>));
    return { records: logs as unknown as ReceivedRecord[], status: 202, answer: '{}' };
  }
}
