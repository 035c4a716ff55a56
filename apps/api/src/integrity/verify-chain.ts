import { type KeyObject } from 'node:crypto';
import { type IntegrityReport } from '@keyledger/contract';
import { ChainVerifier, GENESIS_HASH, type HashedEntry, verifyCheckpoint } from '@keyledger/verify';
import { type AuditEntryRow } from '../audit/audit-entry.mapper';

/** Runs SQL in one snapshot (REPEATABLE READ): head, checkpoints and entries seen at one instant. */
export type Query = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;

export interface CheckpointRow {
  account_id: string;
  seq: string;
  hash: string;
  at: Date;
  key_id: string;
  signature: string;
}

export const toCheckpointDto = (r: CheckpointRow) => ({
  accountId: r.account_id,
  seq: Number(r.seq),
  hash: r.hash,
  at: r.at.toISOString(),
  keyId: r.key_id,
  signature: r.signature,
});

const BATCH = 10_000;

/**
 * Only what the hash covers, with the time formatted by PostgreSQL exactly as toISOString() would
 * (ISO-8601 UTC, milliseconds): parsing a timestamptz into a Date and back costs more than the hash.
 */
const CHAIN_COLUMNS =
  `e.account_id, e.seq, to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at, e.action, ` +
  'e.actor_type, e.actor_id, e.actor_name, e.actor_email, e.target_type, e.target_id, e.target_label, e.links, e.changes, ' +
  'e.request_id, e.ip, e.user_agent, e.source, e.hash, e.prev_hash';

type ChainRow = Omit<AuditEntryRow, 'id' | 'occurred_at'> & { occurred_at: string };

const toChainedEntry = (r: ChainRow): HashedEntry => ({
  accountId: r.account_id,
  seq: Number(r.seq),
  occurredAt: r.occurred_at,
  action: r.action,
  actor: { type: r.actor_type, id: r.actor_id, name: r.actor_name, email: r.actor_email },
  target: { type: r.target_type, id: r.target_id, label: r.target_label },
  links: r.links,
  changes: r.changes,
  context: { requestId: r.request_id, ip: r.ip, userAgent: r.user_agent, source: r.source },
  prevHash: r.prev_hash,
  hash: r.hash,
});

/**
 * Walks an account's chain in seq order in batches (memory stays flat), against the recorded head,
 * and checks the latest checkpoint's signature and hash. Names the first broken entry.
 * `query` must run inside a REPEATABLE READ transaction, so that an entry beyond the head is a forgery,
 * not a write that committed meanwhile.
 */
export async function verifyAccountChain(query: Query, accountId: string, publicKey: KeyObject): Promise<IntegrityReport> {
  const [head] = await query<{ last_seq: string; last_hash: string }>(
    'SELECT last_seq, last_hash FROM audit_heads WHERE account_id = $1',
    [accountId],
  );
  const headSeq = Number(head?.last_seq ?? 0);
  const [cpRow] = await query<CheckpointRow>(
    'SELECT account_id, seq, hash, at, key_id, signature FROM audit_checkpoints WHERE account_id = $1 ORDER BY seq DESC LIMIT 1',
    [accountId],
  );
  const checkpoint = cpRow ? toCheckpointDto(cpRow) : null;
  const verifier = new ChainVerifier({ watch: checkpoint ? [checkpoint.seq] : [] });

  let after = 0;
  for (;;) {
    const rows = await query<ChainRow>(
      `SELECT ${CHAIN_COLUMNS} FROM audit_entries e WHERE e.account_id = $1 AND e.seq > $2 ORDER BY e.seq LIMIT ${BATCH}`,
      [accountId, after],
    );
    for (const r of rows) if (!verifier.push(toChainedEntry(r))) break;
    if (rows.length < BATCH || !verifier.state.ok) break;
    after = Number(rows[rows.length - 1]!.seq);
  }
  verifier.expectEnd(headSeq, head?.last_hash);

  let lastCheckpoint: IntegrityReport['lastCheckpoint'] = null;
  if (checkpoint) {
    const signatureValid = verifyCheckpoint(checkpoint, publicKey) && checkpoint.accountId === accountId;
    lastCheckpoint = { ...checkpoint, signatureValid };
    if (!signatureValid) verifier.fail(checkpoint.seq, `the checkpoint at entry #${checkpoint.seq} has an invalid signature`);
    else if (checkpoint.seq > headSeq) verifier.fail(headSeq + 1, `the checkpoint at entry #${checkpoint.seq} is beyond the chain head: entries were removed`);
    else if (verifier.state.ok && verifier.state.hashesAt.get(checkpoint.seq) !== checkpoint.hash) {
      verifier.fail(checkpoint.seq, `entry #${checkpoint.seq} differs from the signed checkpoint`);
    }
  }
  const s = verifier.state;
  return {
    ok: s.ok,
    verifiedThroughSeq: s.verifiedThroughSeq,
    headSeq,
    headHash: head?.last_hash ?? GENESIS_HASH,
    entriesChecked: s.count,
    lastCheckpoint,
    ...(s.ok ? {} : { firstBrokenSeq: s.firstBrokenSeq, reason: s.reason }),
    checkedAt: new Date().toISOString(),
  };
}
