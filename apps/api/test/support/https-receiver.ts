import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { type LogStreamBatch } from '@keyledger/contract';

export interface Tls {
  key: string;
  cert: string;
  /** The certificate as a file: what LOG_STREAM_CA_FILE names. */
  caFile: string;
}

/** A self-signed certificate for 127.0.0.1 and localhost, made with the openssl CLI into `dir`. */
export function selfSignedCertificate(dir: string): Tls {
  mkdirSync(dir, { recursive: true });
  const keyFile = join(dir, 'receiver-key.pem');
  const certFile = join(dir, 'receiver-cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '2',
      '-subj',
      '/CN=Keyledger test receiver',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'ignore' },
  );
  return {
    key: readFileSync(keyFile, 'utf8'),
    cert: readFileSync(certFile, 'utf8'),
    caFile: certFile,
  };
}

/**
 * What the receiver answers to the next request: a status (and body, after `delayMs`), or nothing at
 * all (`hang`: the request stays open).
 */
export type Answer =
  { status: number; body?: string; delayMs?: number } | { hang: true } | { trickle: true };

export interface Received {
  batch: LogStreamBatch;
  headers: Record<string, string>;
}

/**
 * Closes an HTTPS server for good: every socket it accepted is destroyed, not only the ones the HTTP
 * layer knows (`closeAllConnections` misses a connection still in its TLS handshake, and `close()`
 * would wait on it for as long as the client keeps it).
 */
export function closeServer(server: Server, sockets: Set<Socket>): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  for (const socket of sockets) socket.destroy();
  return closed;
}

/** The sockets a server has open (for closeServer). */
export function openSockets(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return sockets;
}

/**
 * A webhook receiver over HTTPS, as a customer's SIEM would run it: every request's Standard Webhooks
 * signature is verified with the `standardwebhooks` package (401 when wrong), each accepted batch is
 * saved as `<dir>/<batchId>.json` and kept in order. `answer` decides the status of the next request
 * (2xx by default); only requests answered 2xx count as received.
 */
export class HttpsReceiver {
  readonly accepted: Received[] = [];
  readonly refused: Array<{ status: number; reason: string }> = [];
  requests = 0;
  /** The webhook-id of every signed request, in arrival order (answered or not). */
  readonly requestIds: string[] = [];
  private readonly held: Array<{ destroy: () => void }> = [];
  answer: (n: number) => Answer = () => ({ status: 204 });
  private server!: Server;
  private sockets = new Set<Socket>();
  private waiters: Array<() => void> = [];
  url = '';
  /** Entries in accepted real batches, counted as they arrive (cheaper than seqs() for large runs). */
  entryCount = 0;
  /** Requests being answered right now, and the most there ever were at once (one sender at a time: 1). */
  inFlight = 0;
  maxInFlight = 0;
  private port = 0;

  /** `light`: keep only each accepted entry's seq and id in memory (the files hold the rest). */
  constructor(
    private readonly tls: Tls,
    private readonly secret: string,
    readonly dir: string,
    private readonly options: { light?: boolean } = {},
  ) {
    mkdirSync(dir, { recursive: true });
  }

  async start(): Promise<this> {
    this.server = createServer({ key: this.tls.key, cert: this.tls.cert }, (req, res) => {
      const chunks: Buffer[] = [];
      this.inFlight += 1;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      res.on('close', () => (this.inFlight -= 1));
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests += 1;
        const body = Buffer.concat(chunks).toString('utf8');
        const headers = Object.fromEntries(
          Object.entries(req.headers).map(([k, v]) => [k, String(v)]),
        );
        try {
          new Webhook(this.secret).verify(body, headers);
        } catch (err) {
          this.refused.push({ status: 401, reason: (err as Error).message });
          res.writeHead(401).end('bad signature');
          for (const w of this.waiters.splice(0)) w();
          return;
        }
        this.requestIds.push(headers['webhook-id'] ?? '');
        const answer = this.answer(this.requests);
        if ('trickle' in answer) {
          // 200 at once, then one byte every 200 ms for ever: only a total deadline ends this request.
          res.writeHead(200, { 'content-type': 'text/plain' });
          const drip = setInterval(() => res.write('.'), 200);
          res.on('close', () => clearInterval(drip));
          this.held.push({ destroy: () => (clearInterval(drip), res.socket?.destroy()) });
          for (const w of this.waiters.splice(0)) w();
          return;
        }
        if ('hang' in answer) {
          this.held.push(res.socket ?? { destroy: () => undefined });
          for (const w of this.waiters.splice(0)) w();
          return;
        }
        const respond = () => {
          if (answer.status >= 200 && answer.status < 300) {
            const batch = JSON.parse(body) as LogStreamBatch;
            if (!(batch as { test?: boolean }).test) {
              writeFileSync(
                join(this.dir, `${batch.batchId}-${this.accepted.length + 1}.json`),
                body,
              );
              this.entryCount += batch.entries.length;
            }
            if (this.options.light)
              batch.entries = batch.entries.map(
                (e) => ({ seq: e.seq, id: e.id }) as LogStreamBatch['entries'][number],
              );
            this.accepted.push({ batch, headers });
          } else {
            this.refused.push({ status: answer.status, reason: answer.body ?? '' });
          }
          res.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.body ?? '');
          for (const w of this.waiters.splice(0)) w();
        };
        if (answer.delayMs) setTimeout(respond, answer.delayMs);
        else respond();
      });
    });
    this.sockets = openSockets(this.server);
    await new Promise<void>((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    this.url = `https://127.0.0.1:${this.port}/hooks/keyledger`;
    return this;
  }

  /** Goes away: open connections dropped, new ones refused (ECONNREFUSED) until restart(). */
  async stop(): Promise<void> {
    for (const h of this.held.splice(0)) h.destroy();
    await closeServer(this.server, this.sockets);
  }

  /** Back on the same address (what it accepted before is kept). */
  restart(): Promise<this> {
    return this.start();
  }

  /** The seqs of every accepted entry of real batches, in the order they arrived. */
  seqs(): number[] {
    return this.accepted
      .filter((r) => !(r.batch as { test?: boolean }).test)
      .flatMap((r) => r.batch.entries.map((e) => e.seq!));
  }

  /** Resolves once `done()` holds (checked after each request), or fails after `timeoutMs`. */
  until(
    done: () => boolean,
    timeoutMs = 30_000,
    what = 'the receiver to hold the expected entries',
  ): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`timed out waiting for ${what}; it holds ${JSON.stringify(this.seqs())}`),
          ),
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
    for (const h of this.held.splice(0)) h.destroy();
    return closeServer(this.server, this.sockets);
  }
}
