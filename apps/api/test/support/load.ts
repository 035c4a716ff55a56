import { Agent, request } from 'node:http';

/** One HTTP answer, or the network error that stood for it. */
export interface Outcome {
  requestId: string;
  status: number; // 0: no HTTP answer at all
  body: string;
  error?: string;
  at: number;
}

/** A signed-in session's headers (cookie and CSRF echo), as the browser would send them. */
export interface Credentials {
  cookie: string;
  csrf: string;
}

/**
 * A plain keep-alive HTTP client over a fixed number of sockets: `connections` lanes, each sending
 * its requests one after another on its own connection.
 */
export class LoadClient {
  readonly agent: Agent;

  constructor(connections: number) {
    this.agent = new Agent({ keepAlive: true, maxSockets: connections, maxTotalSockets: connections });
  }

  send(baseUrl: string, method: string, path: string, body: unknown, creds: Credentials, requestId: string): Promise<Outcome> {
    const url = new URL(path, baseUrl);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve) => {
      const req = request(
        url,
        {
          method,
          agent: this.agent,
          headers: {
            cookie: creds.cookie,
            'x-csrf-token': creds.csrf,
            'x-request-id': requestId,
            ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
          },
          timeout: 30_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ requestId, status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() }));
          res.on('error', (err) => resolve({ requestId, status: 0, body: '', error: err.message, at: Date.now() }));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out after 30 s')));
      req.on('error', (err) => resolve({ requestId, status: 0, body: '', error: err.message, at: Date.now() }));
      req.end(payload);
    });
  }

  close() {
    this.agent.destroy();
  }
}

export const is2xx = (o: Outcome) => o.status >= 200 && o.status < 300;

/** Counts of outcomes by status (0 = network error). */
export function byStatus(outcomes: Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o.status] = (counts[o.status] ?? 0) + 1;
  return counts;
}
