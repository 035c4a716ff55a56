import { type LogStreamBatch, type LogStreamDestinationType } from '@keyledger/contract';
import { type EntryJson } from '../audit/audit-entry.mapper';
import { type DestinationConfig } from './destinations';
import { type SendResult } from './destination-http';

/** The continuity fields every batch carries, whatever the destination (see ZLogStreamBatch). */
export type BatchHead = Omit<LogStreamBatch, 'entries'> & { test?: true };

/** One batch to send: its continuity fields and its entries (each already serialized once, in `entryJson`). */
export interface OutgoingBatch {
  head: BatchHead;
  /** The entries as PostgreSQL encoded them (`json`), with the few fields a sender reads beside it. */
  entries: EntryJson[];
  entryJson: string[];
}

/** The stream a batch belongs to: its destination's settings and its secret (opened for this send only). */
export interface SendTarget {
  streamId: string;
  accountId: string;
  config: DestinationConfig;
  secret: string;
}

/**
 * One destination type's wire format and authentication. `send` delivers the whole batch or reports
 * why not (never throws); the delivery service moves the stream on only after `ok`. An HTTP sender
 * goes through DestinationHttp (SSRF guard, CA file, total deadline, 64 KiB answer cap).
 */
export interface DestinationSender {
  readonly type: LogStreamDestinationType;
  send(target: SendTarget, batch: OutgoingBatch): Promise<SendResult>;
}

/** The JSON of a batch whose entries are already serialized (each entry is stringified once). */
export function batchJson(head: BatchHead, entryJson: string[]): string {
  const h = JSON.stringify(head);
  return `${h.slice(0, -1)},"entries":[${entryJson.join(',')}]}`;
}

/** The continuity fields each entry carries to a destination that stores entries one by one (Splunk, Datadog). */
export function continuity(head: BatchHead): Record<string, unknown> {
  return { ...head };
}
