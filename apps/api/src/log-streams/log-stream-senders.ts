import { Injectable } from '@nestjs/common';
import { type LogStreamDestinationType } from '@keyledger/contract';
import { DatadogSender } from './datadog.sender';
import { type DestinationSender } from './senders';
import { SplunkHecSender } from './splunk-hec.sender';
import { WebhookSender } from './webhook.sender';

/** One sender per destination type; the delivery service and the test event dispatch through it. */
@Injectable()
export class LogStreamSenders {
  private readonly byType: Map<LogStreamDestinationType, DestinationSender>;

  constructor(webhook: WebhookSender, splunk: SplunkHecSender, datadog: DatadogSender) {
    this.byType = new Map<LogStreamDestinationType, DestinationSender>(
      [webhook, splunk, datadog].map((s) => [s.type, s]),
    );
  }

  for(type: LogStreamDestinationType): DestinationSender {
    const sender = this.byType.get(type);
    if (!sender) throw new Error(`no sender for destination type ${type}`);
    return sender;
  }
}

/** The providers every module that sends needs. */
export const SENDER_PROVIDERS = [LogStreamSenders, WebhookSender, SplunkHecSender, DatadogSender];
