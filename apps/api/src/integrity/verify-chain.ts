import { type KeyObject } from 'node:crypto';
import { type IntegrityReport } from '@keyledger/contract';
import { ChainVerifier, GENESIS_HASH, verifyCheckpoint } from '@keyledger/verify';
import { AuditChainRepository, type CheckpointRow, type Query, toChainedEntry, toCheckpointDto } from '../audit/audit-chain.repository';

export { type CheckpointRow, type Query, toCheckpointDto };

/** Entries read per round trip. */
export const CHAIN_BATCH = 10_000;

export interface RangeEnd {
  /** The last seq of the range: it must be reached. */
  seq: number;
  /** The range is the chain's tail: read past `seq` too (an entry beyond the recorded head is a forgery), and match this head hash. */
  head?: { hash: string | null };
}

export interface RangeResult {
  fromSeq: number;
  toSeq: number;
  ok: boolean;
  firstBrokenSeq?: number;
  reason?: string;
  verifiedThroughSeq: number;
  count: number;
  /** The prev_hash the range's first entry claims (joined with the previous range's last hash). */
  firstPrevHash: string | null;
  lastHash: string | null;
  /** seq → hash for the watched seqs (checkpoints) inside the range. */
  hashesAt: Array<[number, string]>;
}

/**
 * Verifies the sealed entries fromSeq..end.seq of one account: numbering, links and hashes, each
 * entry against the previous one. A range that does not start at 1 trusts its first entry's
 * prev_hash (the caller joins it to the previous range's last hash); one that starts after a verified
 * point is given that point's hash. `repo` must read in one REPEATABLE READ snapshot.
 */
export async function verifyRange(
  repo: AuditChainRepository,
  accountId: string,
  fromSeq: number,
  end: RangeEnd,
  options: { startHash?: string; watch?: number[]; batch?: number; onProgress?: (count: number) => void } = {},
): Promise<RangeResult> {
  const verifier = new ChainVerifier({ startSeq: fromSeq, startHash: fromSeq === 1 ? GENESIS_HASH : options.startHash, watch: options.watch ?? [] });
  const batch = options.batch ?? CHAIN_BATCH;
  let firstPrevHash: string | null = null;
  const read = (after: number) => repo.chainBatch(accountId, after, batch, end.head ? undefined : end.seq);
  // The next batch is asked for before this one is hashed: PostgreSQL reads while this thread hashes.
  let pending: Promise<Awaited<ReturnType<typeof read>>> | null = read(fromSeq - 1);
  while (pending) {
    const rows: Awaited<ReturnType<typeof read>> = await pending;
    pending = rows.length === batch ? read(Number(rows[rows.length - 1]!.seq)) : null;
    if (firstPrevHash === null && rows[0]) firstPrevHash = rows[0].prev_hash;
    for (const r of rows) if (!verifier.push(toChainedEntry(accountId, r))) break;
    options.onProgress?.(verifier.state.count);
    if (!verifier.state.ok) {
      await pending?.catch(() => undefined);
      break;
    }
  }
  if (end.head) verifier.expectEnd(end.seq, end.head.hash ?? undefined);
  else verifier.expectEnd(end.seq);
  const s = verifier.state;
  return {
    fromSeq,
    toSeq: end.seq,
    ok: s.ok,
    ...(s.ok ? {} : { firstBrokenSeq: s.firstBrokenSeq, reason: s.reason }),
    verifiedThroughSeq: s.verifiedThroughSeq,
    count: s.count,
    firstPrevHash,
    lastHash: s.verifiedThroughSeq >= fromSeq ? s.headHash : null,
    hashesAt: [...s.hashesAt.entries()],
  };
}

export interface CheckpointCheck {
  checkpoint: ReturnType<typeof toCheckpointDto>;
  signatureValid: boolean;
  /** A break the checkpoint reveals, if any. */
  broken?: { seq: number; reason: string };
}

/** A checkpoint against the chain: its signature, its account, its place (not beyond the head), its hash. */
export function checkCheckpoint(row: CheckpointRow, accountId: string, publicKey: KeyObject, headSeq: number, hashAt: (seq: number) => string | undefined): CheckpointCheck {
  const checkpoint = toCheckpointDto(row);
  const signatureValid = verifyCheckpoint(checkpoint, publicKey) && checkpoint.accountId === accountId;
  if (!signatureValid) return { checkpoint, signatureValid, broken: { seq: checkpoint.seq, reason: `the checkpoint at entry #${checkpoint.seq} has an invalid signature` } };
  if (checkpoint.seq > headSeq) {
    return { checkpoint, signatureValid, broken: { seq: headSeq + 1, reason: `the checkpoint at entry #${checkpoint.seq} is beyond the chain head: entries were removed` } };
  }
  const hash = hashAt(checkpoint.seq);
  if (hash !== undefined && hash !== checkpoint.hash) {
    return { checkpoint, signatureValid, broken: { seq: checkpoint.seq, reason: `entry #${checkpoint.seq} differs from the signed checkpoint` } };
  }
  return { checkpoint, signatureValid };
}

/**
 * Walks an account's whole chain in one thread, in seq order (memory stays flat), against the
 * recorded head, and checks the latest checkpoint's signature and hash. Names the first broken entry.
 * `query` must run inside a REPEATABLE READ transaction, so that an entry beyond the head is a forgery,
 * not a write that sealed meanwhile. The full re-verification (full-verification.ts) does the same
 * over seq ranges in worker threads; this single-thread walk is its baseline in the benchmark.
 */
export async function verifyAccountChain(query: Query, accountId: string, publicKey: KeyObject): Promise<Omit<IntegrityReport, 'lastFullVerification' | 'sealing'>> {
  const repo = new AuditChainRepository(query);
  const head = await repo.head(accountId);
  const headSeq = head?.seq ?? 0;
  const cpRow = await repo.latestCheckpoint(accountId);
  const range = await verifyRange(repo, accountId, 1, { seq: headSeq, head: { hash: head?.hash ?? null } }, { watch: cpRow ? [Number(cpRow.seq)] : [] });
  return toReport(range, headSeq, head?.hash ?? GENESIS_HASH, cpRow ? checkCheckpoint(cpRow, accountId, publicKey, headSeq, (s) => new Map(range.hashesAt).get(s)) : null);
}

/** A report as the API words it, from a verified range from 1 and the checkpoint check. */
export function toReport(
  range: Pick<RangeResult, 'ok' | 'firstBrokenSeq' | 'reason' | 'verifiedThroughSeq' | 'count' | 'lastHash'>,
  headSeq: number,
  headHash: string,
  cp: CheckpointCheck | null,
): Omit<IntegrityReport, 'lastFullVerification' | 'sealing'> {
  let ok = range.ok;
  let firstBrokenSeq = range.firstBrokenSeq;
  let reason = range.reason;
  if (ok && cp?.broken) {
    ok = false;
    firstBrokenSeq = cp.broken.seq;
    reason = cp.broken.reason;
  }
  const verifiedThroughSeq = range.verifiedThroughSeq;
  return {
    ok,
    verifiedThroughSeq,
    verifiedThroughHash: range.lastHash ?? GENESIS_HASH,
    headSeq,
    headHash,
    unverifiedEntries: Math.max(0, headSeq - verifiedThroughSeq),
    entriesChecked: range.count,
    lastCheckpoint: cp ? { ...cp.checkpoint, signatureValid: cp.signatureValid } : null,
    ...(ok ? {} : { firstBrokenSeq, reason }),
    checkedAt: new Date().toISOString(),
  };
}
