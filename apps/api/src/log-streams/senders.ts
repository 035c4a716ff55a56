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

/**
 * One batch to send as a single body: its continuity fields and its entries' JSON, as PostgreSQL encoded
 * and joined them (`e1,e2,…`, UTF-8), read as one value: no entry is decoded, split or copied one by one.
 */
export interface JoinedBatch {
  head: BatchHead;
  /** How many entries `joined` holds. */
  count: number;
  joined: Buffer;
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
export type DestinationSender = EntrySender | JoinedSender;

/** A destination that stores entries one by one (Splunk HEC, Datadog, S3): it gets each entry's JSON and fields. */
export interface EntrySender {
  readonly type: LogStreamDestinationType;
  readonly reads: 'entries';
  send(target: SendTarget, batch: OutgoingBatch): Promise<SendResult>;
}

/** A destination that takes the batch as one JSON body (the webhook): it gets the entries already joined. */
export interface JoinedSender {
  readonly type: LogStreamDestinationType;
  readonly reads: 'joined';
  send(target: SendTarget, batch: JoinedBatch): Promise<SendResult>;
}

/**
 * The JSON body of a batch, UTF-8, as the parts it is made of (the head's fields, the entries as
 * PostgreSQL joined them, the closing brackets): hashed and written part by part, never copied into
 * one string.
 */
export function batchBody(head: BatchHead, joined: Buffer): Buffer[] {
  const h = JSON.stringify(head);
  return [Buffer.from(`${h.slice(0, -1)},"entries":[`), joined, Buffer.from(']}')];
}

/** The continuity fields each entry carries to a destination that stores entries one by one (Splunk, Datadog). */
export function continuity(head: BatchHead): Record<string, unknown> {
  return { ...head };
}
