import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { isIP } from 'node:net';
import { createSecureContext, rootCertificates } from 'node:tls';
import { ENV, type Env } from '../config/env';
import { DestinationRefused, guardedLookup, isPrivateAddress, urlHost } from './destination-guard';

/** What a destination answered to one request. */
export interface SendResult {
  ok: boolean;
  statusCode: number | null;
  durationMs: number;
  /** The status and the first 200 characters of the body, or the network error; null when ok. */
  error: string | null;
}

/** How much of an answer is read (the rest is dropped), and how much of it is kept as the error. */
export const MAX_ANSWER_BYTES = 64 * 1024;
const ERROR_BODY_CHARS = 200;

/** Judges an answer: null when it is a success, else why not (the status is prefixed by the caller). */
export type AnswerCheck = (status: number, body: string) => string | null;

const is2xx: AnswerCheck = (status) => (status >= 200 && status < 300 ? null : '');

const REDACTED = '[redacted]';

/**
 * `text` with every secret in it (as is, JSON-escaped or URL-encoded) replaced by [redacted]: an answer
 * that echoes the request's headers (a proxy's error page, a debugging endpoint) must not put the HEC
 * token or API key into the stream's health, attempts or test result, which others read.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    for (const form of new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)])) {
      out = out.split(form).join(REDACTED);
    }
  }
  return out;
}

/** A result whose error text holds none of `secrets`. */
export function redactResult(r: SendResult, secrets: readonly string[]): SendResult {
  return r.error === null ? r : { ...r, error: redactSecrets(r.error, secrets) };
}

/**
 * The one HTTPS path of every HTTP destination (webhook, Splunk HEC, Datadog, and the S3 client's
 * request handler): one kept-alive agent that trusts the usual certificate authorities plus
 * LOG_STREAM_CA_FILE and refuses private addresses at connection time (unless
 * LOG_STREAM_ALLOW_PRIVATE_NETWORKS), a total deadline of LOG_STREAM_TIMEOUT_MS per request, and at
 * most 64 KiB of an answer read. Never throws: failures are results.
 */
@Injectable()
export class DestinationHttp implements OnApplicationShutdown {
  private agent?: Agent;

  constructor(@Inject(ENV) private readonly env: Env) {}

  httpsAgent(): Agent {
    if (!this.agent) {
      // The extra CA as a secure context made once: given as `ca`, the agent would join every
      // certificate's text into each request's connection-pool key (~1 ms a request).
      const secureContext = this.env.LOG_STREAM_CA_FILE
        ? createSecureContext({
            ca: [...rootCertificates, readFileSync(this.env.LOG_STREAM_CA_FILE, 'utf8')],
          })
        : undefined;
      this.agent = new Agent({
        keepAlive: true,
        maxSockets: 16,
        ...(secureContext ? { secureContext } : {}),
        lookup: guardedLookup(this.env.LOG_STREAM_ALLOW_PRIVATE_NETWORKS) as never,
      });
    }
    return this.agent;
  }

  /** Refuses (DestinationRefused) a non-https URL or a literal private address (names are checked when dialled). */
  assertDialable(url: string): URL {
    const target = new URL(url);
    if (target.protocol !== 'https:') throw new DestinationRefused('the destination is not an https:// URL');
    const host = urlHost(url);
    if (!this.env.LOG_STREAM_ALLOW_PRIVATE_NETWORKS && isIP(host) && isPrivateAddress(host)) {
      throw new DestinationRefused(`${host} is a private, loopback or link-local address: refused`);
    }
    return target;
  }

  /** POSTs `body` (text, or UTF-8 bytes, maybe in parts) with `headers`; `check` decides whether the answer is a success (default: any 2xx). */
  async post(
    url: string,
    headers: Record<string, string | number>,
    body: string | Buffer | readonly Buffer[],
    check: AnswerCheck = is2xx,
    secrets: readonly string[] = [],
  ): Promise<SendResult> {
    const started = Date.now();
    const done = (r: Omit<SendResult, 'durationMs'>): SendResult => ({
      ...r,
      durationMs: Date.now() - started,
    });
    let target: URL;
    try {
      target = this.assertDialable(url);
    } catch (err) {
      return done({ ok: false, statusCode: null, error: (err as Error).message });
    }
    // One buffer, written once (a string would be encoded again for its length and its write).
    const payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : Buffer.concat(body);
    return new Promise<SendResult>((settle) => {
      const limit = this.env.LOG_STREAM_TIMEOUT_MS;
      let settled = false;
      // A total deadline, not the socket's idle timeout: a destination trickling one byte every few
      // seconds would otherwise hold this worker (and, once its lease lapsed, the next one) for ever.
      const deadline = setTimeout(() => req.destroy(new Error(`no complete answer within ${limit} ms`)), limit);
      const resolve = (r: SendResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        settle(r);
      };
      const req = request(
        target,
        {
          method: 'POST',
          agent: this.httpsAgent(),
          timeout: limit,
          headers: {
            'content-length': Buffer.byteLength(payload),
            'user-agent': 'Keyledger-LogStream/1',
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          const finish = () => {
            const status = res.statusCode ?? 0;
            const text = Buffer.concat(chunks).toString('utf8');
            const why = check(status, text);
            const ok = why === null;
            // Redacted before it is cut: a secret cut in two would otherwise leave its first part.
            const shown = redactSecrets(why || text, secrets).slice(0, ERROR_BODY_CHARS);
            resolve(
              done({
                ok,
                statusCode: status,
                error: ok ? null : `HTTP ${status}${shown ? `: ${shown}` : ''}`,
              }),
            );
          };
          res.on('data', (c: Buffer) => {
            chunks.push(c);
            size += c.length;
            if (size >= MAX_ANSWER_BYTES) {
              // Enough to judge the answer: stop reading (the connection is dropped, not kept alive).
              finish();
              req.destroy();
            }
          });
          res.on('end', finish);
          res.on('error', (err) =>
            resolve(done({ ok: false, statusCode: res.statusCode ?? null, error: redactSecrets(err.message, secrets).slice(0, 500) })),
          );
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${limit} ms`)));
      req.on('error', (err) =>
        resolve(done({ ok: false, statusCode: null, error: redactSecrets(err.message, secrets).slice(0, 500) })),
      );
      req.end(payload);
    });
  }

  /** Closes the kept-alive connections (API and worker shutdown). */
  onApplicationShutdown(): void {
    this.agent?.destroy();
    this.agent = undefined;
  }
}
