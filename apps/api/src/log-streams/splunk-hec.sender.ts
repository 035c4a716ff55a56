import { Injectable } from '@nestjs/common';
import { SPLUNK_DEFAULT_SOURCETYPE } from '@keyledger/contract';
import { type SplunkHecConfig } from './destinations';
import { type AnswerCheck, DestinationHttp, type SendResult } from './destination-http';
import { continuity, type EntrySender, type OutgoingBatch, type SendTarget } from './senders';

/** The collector's event endpoint for a configured URL (its base, …/services/collector or …/services/collector/event). */
export function hecEventUrl(url: string): string {
  const u = new URL(url);
  const path = u.pathname.replace(/\/+$/, '');
  u.pathname = path.endsWith('/services/collector/event')
    ? path
    : path.endsWith('/services/collector')
      ? `${path}/event`
      : `${path}/services/collector/event`;
  return u.toString();
}

/** HEC answers 200 with {"text":"Success","code":0}; anything else (another code, another status) is a failure. */
const hecAnswer: AnswerCheck = (status, body) => {
  if (status !== 200) return '';
  try {
    const parsed = JSON.parse(body) as { code?: unknown; text?: unknown };
    if (parsed.code === 0) return null;
    return `HEC code ${String(parsed.code)}${typeof parsed.text === 'string' ? `: ${parsed.text}` : ''}`;
  } catch {
    return `not a HEC answer: ${body}`;
  }
};

/**
 * Splunk HTTP Event Collector (`Authorization: Splunk <token>`, POST …/services/collector/event): one
 * event envelope per entry, concatenated in one request — `{"time": <epoch seconds.ms of occurredAt>,
 * "source", "sourcetype", "index"?, "event": {…entry, "keyledger": {the batch's continuity fields}}}`.
 * The entry's own fields stay as they are (its hash covers them); `event.keyledger` lets
 * `keyledger-verify --splunk` rebuild the batches.
 */
@Injectable()
export class SplunkHecSender implements EntrySender {
  readonly type = 'splunk_hec' as const;
  readonly reads = 'entries' as const;

  constructor(private readonly http: DestinationHttp) {}

  send(target: SendTarget, batch: OutgoingBatch): Promise<SendResult> {
    const c = target.config as SplunkHecConfig;
    const meta = {
      source: c.source ?? 'keyledger',
      sourcetype: c.sourcetype ?? SPLUNK_DEFAULT_SOURCETYPE,
      ...(c.index ? { index: c.index } : {}),
    };
    const keyledger = JSON.stringify(continuity(batch.head));
    let body: string;
    if (batch.entries.length === 0) {
      body = JSON.stringify({
        time: Date.now() / 1000,
        ...meta,
        event: { message: 'Keyledger log stream test event', keyledger: continuity(batch.head) },
      });
    } else {
      const parts: string[] = [];
      batch.entries.forEach((e, i) => {
        const json = batch.entryJson[i]!;
        const head = JSON.stringify({ time: Date.parse(e.occurredAt) / 1000, ...meta });
        // {"time":…,"source":…, "event": {…entry…, "keyledger": {…}}}: the entry's JSON is reused as is.
        parts.push(`${head.slice(0, -1)},"event":${json.slice(0, -1)},"keyledger":${keyledger}}}`);
      });
      body = parts.join('\n');
    }
    return this.http.post(
      hecEventUrl(c.url),
      { 'content-type': 'application/json', authorization: `Splunk ${target.secret}` },
      body,
      hecAnswer,
      [target.secret],
    );
  }
}
