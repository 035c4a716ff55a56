import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
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
const MAX_ANSWER_BYTES = 64 * 1024;
const ERROR_BODY_CHARS = 200;

/**
 * The Standard Webhooks signature (`v1,` + base64 HMAC-SHA256 of `<id>.<seconds>.<body>` under the
 * secret's bytes): what the `standardwebhooks` package's Webhook.sign gives (a unit test holds them
 * equal), with node:crypto's HMAC instead of the package's JavaScript SHA-256, which cost ~30 ms per
 * megabyte of batch (a third of the worker's CPU in a backfill).
 */
export function signStandardWebhook(
  secret: string,
  messageId: string,
  timestamp: Date,
  body: string,
): string {
  const key = Buffer.from(
    secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret,
    'base64',
  );
  const seconds = Math.floor(timestamp.getTime() / 1000);
  return `v1,${createHmac('sha256', key).update(`${messageId}.${seconds}.`).update(body).digest('base64')}`;
}

/**
 * Sends one JSON body to an HTTPS webhook, signed per Standard Webhooks (`webhook-id`,
 * `webhook-timestamp`, `webhook-signature`, as the `standardwebhooks` package signs). Trusts the usual
 * certificate authorities plus LOG_STREAM_CA_FILE; refuses private addresses at connection time
 * unless LOG_STREAM_ALLOW_PRIVATE_NETWORKS. Never throws: failures are results.
 */
@Injectable()
export class WebhookSender implements OnApplicationShutdown {
  private agent?: Agent;

  constructor(@Inject(ENV) private readonly env: Env) {}

  private httpsAgent(): Agent {
    if (!this.agent) {
      const ca = this.env.LOG_STREAM_CA_FILE
        ? [...rootCertificates, readFileSync(this.env.LOG_STREAM_CA_FILE, 'utf8')]
        : undefined;
      this.agent = new Agent({
        keepAlive: true,
        maxSockets: 16,
        ...(ca ? { ca } : {}),
        lookup: guardedLookup(this.env.LOG_STREAM_ALLOW_PRIVATE_NETWORKS) as never,
      });
    }
    return this.agent;
  }

  async send(
    url: string,
    signingSecret: string,
    messageId: string,
    body: string,
  ): Promise<SendResult> {
    const started = Date.now();
    const done = (r: Omit<SendResult, 'durationMs'>): SendResult => ({
      ...r,
      durationMs: Date.now() - started,
    });
    let target: URL;
    try {
      target = new URL(url);
      if (target.protocol !== 'https:')
        return done({
          ok: false,
          statusCode: null,
          error: 'the destination is not an https:// URL',
        });
      const host = urlHost(url);
      if (!this.env.LOG_STREAM_ALLOW_PRIVATE_NETWORKS && isIP(host) && isPrivateAddress(host)) {
        throw new DestinationRefused(
          `${host} is a private, loopback or link-local address: refused`,
        );
      }
    } catch (err) {
      return done({ ok: false, statusCode: null, error: (err as Error).message });
    }
    const timestamp = new Date();
    const signature = signStandardWebhook(signingSecret, messageId, timestamp, body);
    return new Promise<SendResult>((settle) => {
      const limit = this.env.LOG_STREAM_TIMEOUT_MS;
      let settled = false;
      // A total deadline, not the socket's idle timeout: a destination trickling one byte every few
      // seconds would otherwise hold this worker (and, once its lease lapsed, the next one) for ever.
      const deadline = setTimeout(
        () => req.destroy(new Error(`no complete answer within ${limit} ms`)),
        limit,
      );
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
          timeout: this.env.LOG_STREAM_TIMEOUT_MS,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'user-agent': 'Keyledger-LogStream/1',
            'webhook-id': messageId,
            'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
            'webhook-signature': signature,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          const finish = () => {
            const status = res.statusCode ?? 0;
            const ok = status >= 200 && status < 300;
            const text = Buffer.concat(chunks).toString('utf8').slice(0, ERROR_BODY_CHARS);
            resolve(
              done({
                ok,
                statusCode: status,
                error: ok ? null : `HTTP ${status}${text ? `: ${text}` : ''}`,
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
            resolve(done({ ok: false, statusCode: res.statusCode ?? null, error: err.message })),
          );
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${limit} ms`)));
      req.on('error', (err) =>
        resolve(done({ ok: false, statusCode: null, error: err.message.slice(0, 500) })),
      );
      req.end(body);
    });
  }

  /** Closes the kept-alive connections (API and worker shutdown). */
  onApplicationShutdown(): void {
    this.agent?.destroy();
    this.agent = undefined;
  }
}
