import { type KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Client } from 'pg';
import { type IntegrityReport } from '@keyledger/contract';
import { GENESIS_HASH, verifyCheckpoint } from '@keyledger/verify';
import { toCheckpointDto } from '../audit/audit-chain.repository';
import { AuditStore } from '../audit/audit.store';
import { type RangeMessage, type RangeTask } from './chain-range.thread';
import { checkCheckpoint, type RangeResult, toReport } from './verify-chain';

/** Below this many entries per thread, threads cost more than they save. */
export const MIN_ENTRIES_PER_THREAD = 50_000;

export interface FullVerificationOptions {
  databaseUrl: string;
  accountId: string;
  publicKey: KeyObject;
  /** Worker threads (each verifies one seq range on its own connection); default: the machine's cores. */
  threads?: number;
  /** Override the per-thread minimum (tests split small chains into several ranges). */
  minEntriesPerThread?: number;
  /** Called with the head once known, then with the entries checked so far (about once per 20,000). */
  onStart?: (headSeq: number, threads: number) => void | Promise<void>;
  onProgress?: (entriesChecked: number) => void;
}

export type FullVerificationReport = Omit<IntegrityReport, 'lastFullVerification' | 'sealing'> & { threads: number; seconds: number };

/** Splits 1..headSeq into n contiguous ranges: [from, to] pairs. */
export function splitRanges(headSeq: number, n: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const size = Math.ceil(headSeq / n);
  for (let from = 1; from <= headSeq; from += size) out.push([from, Math.min(headSeq, from + size - 1)]);
  return out.length ? out : [[1, 0]];
}

/**
 * Joins ranges verified independently, in seq order: the first range that is broken, or whose first
 * entry does not follow the previous range's last entry, names the first broken entry.
 */
export function joinRanges(ranges: RangeResult[]): Pick<RangeResult, 'ok' | 'firstBrokenSeq' | 'reason' | 'verifiedThroughSeq' | 'count' | 'lastHash'> {
  let count = 0;
  let prev: RangeResult | null = null;
  for (const r of ranges) {
    count += r.count;
    const brokenAtStart = !r.ok && r.firstBrokenSeq === r.fromSeq;
    if (prev && !brokenAtStart && r.firstPrevHash !== null && r.firstPrevHash !== prev.lastHash) {
      return { ok: false, firstBrokenSeq: r.fromSeq, reason: `entry #${r.fromSeq} does not follow entry #${r.fromSeq - 1}`, verifiedThroughSeq: prev.verifiedThroughSeq, count, lastHash: prev.lastHash };
    }
    if (!r.ok) return { ok: false, firstBrokenSeq: r.firstBrokenSeq, reason: r.reason, verifiedThroughSeq: r.verifiedThroughSeq, count, lastHash: r.lastHash };
    prev = r;
  }
  return { ok: true, verifiedThroughSeq: prev?.verifiedThroughSeq ?? 0, count, lastHash: prev?.lastHash ?? null };
}

/** The thread script beside this file: compiled JavaScript, or TypeScript through tsx when running from source (tests). */
function startThread(task: RangeTask): Worker {
  const workerData = { kind: 'keyledger-verify-range', task };
  if (__filename.endsWith('.ts')) {
    const file = join(__dirname, 'chain-range.thread.ts');
    const code = `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(file)});`;
    return new Worker(code, { eval: true, workerData });
  }
  return new Worker(join(__dirname, 'chain-range.thread.js'), { workerData });
}

function runThread(task: RangeTask, onProgress: (count: number) => void): Promise<RangeResult> {
  return new Promise((resolve, reject) => {
    const worker = startThread(task);
    let settled = false;
    worker.on('message', (m: RangeMessage) => {
      if (m.type === 'progress') onProgress(m.count);
      else if (m.type === 'done') {
        settled = true;
        resolve(m.result);
        void worker.terminate();
      } else {
        settled = true;
        reject(new Error(m.message));
        void worker.terminate();
      }
    });
    worker.on('error', (err) => {
      if (!settled) reject(err);
      settled = true;
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`verification thread exited with code ${code}`));
      settled = true;
    });
  });
}

/**
 * A full re-verification of one account's sealed chain: one coordinating REPEATABLE READ transaction
 * (as the owner: the worker and the CLI run outside row-level security) reads the head and the latest
 * checkpoint and exports its snapshot; worker threads each verify one seq range in that same snapshot
 * (numbering, links, hashes, each on its own connection); the ranges' boundaries are joined here, and
 * the latest checkpoint is checked (signature, hash, not beyond the head). Names the first broken entry.
 */
export async function runFullVerification(o: FullVerificationOptions): Promise<FullVerificationReport> {
  const started = process.hrtime.bigint();
  const client = new Client({ connectionString: o.databaseUrl, application_name: 'keyledger-verify' });
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const repo = new AuditStore(async (sql, params) => (await client.query(sql, params)).rows);
    const head = await repo.head(o.accountId);
    if (!head) throw new Error(`No account ${o.accountId}`);
    const cpRow = await repo.latestCheckpoint(o.accountId);
    const [{ snapshot }] = (await client.query<{ snapshot: string }>('SELECT pg_export_snapshot() AS snapshot')).rows as [{ snapshot: string }];
    const wanted = Math.max(1, o.threads ?? availableParallelism());
    const threads = Math.max(1, Math.min(wanted, Math.floor(head.seq / (o.minEntriesPerThread ?? MIN_ENTRIES_PER_THREAD))));
    await o.onStart?.(head.seq, threads);
    const ranges = splitRanges(head.seq, threads);
    const watch = cpRow ? [Number(cpRow.seq)] : [];
    const progress = new Array<number>(ranges.length).fill(0);
    const report = () => o.onProgress?.(progress.reduce((a, b) => a + b, 0));
    const forgedCheckpoint = firstForgedCheckpoint(client, o.accountId, o.publicKey);
    forgedCheckpoint.catch(() => undefined); // awaited below; a thread failing first must not leave it unhandled
    const results = await Promise.all(
      ranges.map(([from, to], i) =>
        runThread(
          { databaseUrl: o.databaseUrl, snapshot, accountId: o.accountId, fromSeq: from, end: i === ranges.length - 1 ? { seq: to, head: { hash: head.hash } } : { seq: to }, watch },
          (n) => {
            progress[i] = n;
            report();
          },
        ),
      ),
    );
    const forged = await forgedCheckpoint;
    await client.query('COMMIT');
    const joined = joinRanges(results);
    const hashes = new Map(results.flatMap((r) => r.hashesAt));
    const cp = cpRow ? checkCheckpoint(cpRow, o.accountId, o.publicKey, head.seq, (s) => hashes.get(s)) : null;
    const out = toReport(joined, head.seq, head.hash ?? GENESIS_HASH, cp);
    // An earlier checkpoint with a bad signature is tampering too, even when a later, valid one exists
    // (the worker signs a new head every CHECKPOINT_INTERVAL_SECONDS): the lowest such seq, if the
    // chain itself broke no earlier.
    if (forged && (out.ok || forged.seq < (out.firstBrokenSeq ?? Infinity))) {
      Object.assign(out, { ok: false, firstBrokenSeq: forged.seq, reason: forged.reason });
    }
    o.onProgress?.(out.entriesChecked);
    return { ...out, threads, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
}

const CHECKPOINT_BATCH = 1000;

/**
 * Every signed checkpoint of the account, in seq order and in batches (yielding between them: the worker's
 * event loop keeps renewing its job lock), checked for a signature made by the key over this account:
 * the first that fails, or null. Runs on the coordinating connection, in its snapshot, while the
 * threads walk the chain.
 */
async function firstForgedCheckpoint(client: Client, accountId: string, publicKey: KeyObject): Promise<{ seq: number; reason: string } | null> {
  const store = new AuditStore(async (sql, params) => (await client.query(sql, params)).rows);
  let after = 0;
  for (;;) {
    const rows = await store.checkpointsAfter(accountId, after, CHECKPOINT_BATCH);
    for (const row of rows) {
      const checkpoint = toCheckpointDto(row);
      if (!(checkpoint.accountId === accountId && verifyCheckpoint(checkpoint, publicKey))) {
        return { seq: checkpoint.seq, reason: `the checkpoint at entry #${checkpoint.seq} has an invalid signature` };
      }
    }
    if (rows.length < CHECKPOINT_BATCH) return null;
    after = Number(rows[rows.length - 1]!.seq);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
