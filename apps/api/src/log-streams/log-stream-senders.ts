import { Injectable } from '@nestjs/common';
import { type LogStreamDestinationType } from '@keyledger/contract';
import { DatadogSender } from './datadog.sender';
import { redactResult } from './destination-http';
import { LogStreamS3Repository } from './log-stream-s3.repository';
import { S3Sender } from './s3.sender';
import { type DestinationSender } from './senders';
import { SplunkHecSender } from './splunk-hec.sender';
import { WebhookSender } from './webhook.sender';
import { SigningKeyService } from '../integrity/signing-key.service';

/** One sender per destination type; the delivery service and the test event dispatch through it. */
@Injectable()
export class LogStreamSenders {
  private readonly byType: Map<LogStreamDestinationType, DestinationSender>;

  constructor(webhook: WebhookSender, splunk: SplunkHecSender, datadog: DatadogSender, s3: S3Sender) {
    this.byType = new Map<LogStreamDestinationType, DestinationSender>(
      [webhook, splunk, datadog, s3].map((s) => [s.type, s]),
    );
  }

  /** The type's sender; whatever it reports has the stream's secret redacted (its health, attempts and test result are shown). */
  for(type: LogStreamDestinationType): DestinationSender {
    const sender = this.byType.get(type);
    if (!sender) throw new Error(`no sender for destination type ${type}`);
    if (sender.reads === 'joined')
      return {
        type: sender.type,
        reads: sender.reads,
        send: async (target, batch) => redactResult(await sender.send(target, batch), [target.secret]),
      };
    return {
      type: sender.type,
      reads: sender.reads,
      send: async (target, batch) => redactResult(await sender.send(target, batch), [target.secret]),
    };
  }
}

/** The providers every module that sends needs. */
export const SENDER_PROVIDERS = [
  LogStreamSenders,
  WebhookSender,
  SplunkHecSender,
  DatadogSender,
  S3Sender,
  LogStreamS3Repository,
  SigningKeyService,
];
