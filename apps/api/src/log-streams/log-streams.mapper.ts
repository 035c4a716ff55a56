import {
  describeAuditFilter,
  type LogStream,
  type LogStreamAttempt,
  resolveAuditFilter,
} from '@keyledger/contract';
import { toDestinationDto } from './destinations';
import { type LogStreamAttemptRow, type LogStreamRow } from './log-streams.repository';

export function filterInWords(filter: LogStreamRow['filter']): string {
  const r = resolveAuditFilter(filter);
  return r.ok ? describeAuditFilter(r.value) : 'an invalid filter';
}

/** A stream as the API shows it: never its secrets, only their names. */
export function toLogStreamDto(r: LogStreamRow): LogStream {
  return {
    id: r.id,
    name: r.name,
    destination: toDestinationDto(r.destination_type, r.config, r.secret_names),
    filter: r.filter,
    filterInWords: filterInWords(r.filter),
    startPoint: r.start_point,
    status: r.status,
    deliveredThroughSeq: Number(r.delivered_through_seq),
    createdBy: { type: r.created_by_type, id: r.created_by_id, name: r.created_by_name },
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

export function toAttemptDto(a: LogStreamAttemptRow): LogStreamAttempt {
  return {
    id: a.id,
    at: a.at.toISOString(),
    batchId: a.batch_id,
    firstSeq: Number(a.first_seq),
    lastSeq: Number(a.last_seq),
    entries: a.entries,
    ok: a.ok,
    statusCode: a.status_code,
    durationMs: a.duration_ms,
    error: a.error,
  };
}
