import { Injectable } from '@nestjs/common';
import { Webhook } from 'standardwebhooks';
import { type WebhookConfig } from './destinations';
import { DestinationHttp, type SendResult } from './destination-http';
import { batchJson, type DestinationSender, type OutgoingBatch, type SendTarget } from './senders';

export type { SendResult } from './destination-http';

/**
 * The generic HTTPS webhook: the batch as one JSON body (format keyledger-log-stream-batch/1), signed
 * per Standard Webhooks (`webhook-id` = the batch id, `webhook-timestamp`, `webhook-signature`, with
 * the `standardwebhooks` package).
 */
@Injectable()
export class WebhookSender implements DestinationSender {
  readonly type = 'webhook' as const;

  constructor(private readonly http: DestinationHttp) {}

  send(target: SendTarget, batch: OutgoingBatch): Promise<SendResult> {
    return this.sendBody(
      (target.config as WebhookConfig).url,
      target.secret,
      batch.head.batchId,
      batchJson(batch.head, batch.entryJson),
    );
  }

  /** One signed JSON body to `url`. */
  sendBody(url: string, signingSecret: string, messageId: string, body: string): Promise<SendResult> {
    const timestamp = new Date();
    let signature: string;
    try {
      signature = new Webhook(signingSecret).sign(messageId, timestamp, body);
    } catch (err) {
      return Promise.resolve({ ok: false, statusCode: null, durationMs: 0, error: (err as Error).message });
    }
    return this.http.post(url, {
      'content-type': 'application/json',
      'webhook-id': messageId,
      'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'webhook-signature': signature,
    }, body);
  }
}
