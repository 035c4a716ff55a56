import { Inject, Injectable } from '@nestjs/common';
import { type EntryJson } from '../audit/audit-entry.mapper';
import { ENV, type Env } from '../config/env';
import { type DatadogConfig } from './destinations';
import { DestinationHttp, type SendResult } from './destination-http';
import { continuity, type EntrySender, type OutgoingBatch, type SendTarget } from './senders';

/** Datadog's logs intake limits (per request: 1,000 logs and 5 MB uncompressed; per log: 1 MB). */
export const DATADOG_MAX_LOGS = 1000;
export const DATADOG_MAX_BYTES = 5 * 1024 * 1024;
export const DATADOG_MAX_LOG_BYTES = 1024 * 1024;

export function datadogIntakeUrl(site: string, override?: string): string {
  return override ?? `https://http-intake.logs.${site}/api/v2/logs`;
}

function summary(e: EntryJson): string {
  return `${e.action} by ${e.actorName ?? 'unknown'}${e.targetType ? ` on ${e.targetType}${e.targetLabel ? ` ${e.targetLabel}` : ''}` : ''} (#${e.seq})`;
}

/**
 * Datadog logs (POST https://http-intake.logs.<site>/api/v2/logs, `DD-API-KEY`): a JSON array of logs,
 * each `{ddsource: "keyledger", service, ddtags, message, …entry as attributes, keyledger: {the batch's
 * continuity fields}}`. No timestamp is set: Datadog refuses logs dated more than 18 h back, which a
 * backfill would send; each log carries its `occurredAt`. A batch larger than Datadog's limits goes in
 * several requests, in order; it counts as delivered only when all were accepted (a retry sends it all
 * again: receivers deduplicate by entry id).
 */
@Injectable()
export class DatadogSender implements EntrySender {
  readonly type = 'datadog' as const;
  readonly reads = 'entries' as const;

  constructor(
    private readonly http: DestinationHttp,
    @Inject(ENV) private readonly env: Env,
  ) {}

  async send(target: SendTarget, batch: OutgoingBatch): Promise<SendResult> {
    const c = target.config as DatadogConfig;
    const url = datadogIntakeUrl(c.site, this.env.LOG_STREAM_DATADOG_INTAKE_URL);
    const ddtags = [`account_id:${target.accountId}`, `stream_id:${target.streamId}`, ...(c.tags ?? [])].join(',');
    const common = JSON.stringify({ ddsource: 'keyledger', service: c.service ?? 'keyledger', ddtags });
    const keyledger = JSON.stringify(continuity(batch.head));
    const logs: string[] =
      batch.entries.length === 0
        ? [`${common.slice(0, -1)},"message":"Keyledger log stream test event","keyledger":${keyledger}}`]
        : batch.entries.map((e, i) => {
            const json = batch.entryJson[i]!;
            return `${common.slice(0, -1)},"message":${JSON.stringify(summary(e))},${json.slice(1, -1)},"keyledger":${keyledger}}`;
          });
    // In requests of at most DATADOG_MAX_LOGS logs and DATADOG_MAX_BYTES bytes.
    const started = Date.now();
    let last: SendResult | null = null;
    let i = 0;
    while (i < logs.length) {
      const chunk: string[] = [];
      let bytes = 2;
      while (i < logs.length && chunk.length < DATADOG_MAX_LOGS) {
        const size = Buffer.byteLength(logs[i]!) + 1;
        if (chunk.length > 0 && bytes + size > DATADOG_MAX_BYTES) break;
        chunk.push(logs[i]!);
        bytes += size;
        i += 1;
      }
      last = await this.http.post(
        url,
        { 'content-type': 'application/json', 'dd-api-key': target.secret },
        `[${chunk.join(',')}]`,
        undefined,
        [target.secret],
      );
      if (!last.ok) break;
    }
    return { ...last!, durationMs: Date.now() - started };
  }
}
