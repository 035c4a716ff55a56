/**
 * One worker thread of a full re-verification: verifies one seq range of one account in the snapshot
 * the coordinating transaction exported (so every thread sees the same chain), and reports progress
 * and its result to the parent (full-verification.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Client } from 'pg';
import { AuditChainRepository } from '../audit/audit-chain.repository';
import { type RangeEnd, verifyRange } from './verify-chain';

export interface RangeTask {
  databaseUrl: string;
  snapshot: string;
  accountId: string;
  fromSeq: number;
  end: RangeEnd;
  watch: number[];
}

export type RangeMessage = { type: 'progress'; count: number } | { type: 'done'; result: Awaited<ReturnType<typeof verifyRange>> } | { type: 'error'; message: string };

const SNAPSHOT_ID = /^[0-9A-F]+-[0-9A-F]+(-[0-9A-F]+)?$/i;

export async function runRangeTask(task: RangeTask, post: (m: RangeMessage) => void): Promise<void> {
  if (!SNAPSHOT_ID.test(task.snapshot)) throw new Error(`not a snapshot id: ${task.snapshot}`);
  const client = new Client({ connectionString: task.databaseUrl, application_name: 'keyledger-verify-range' });
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await client.query(`SET TRANSACTION SNAPSHOT '${task.snapshot}'`);
    const repo = new AuditChainRepository(async (sql, params) => (await client.query(sql, params)).rows);
    let last = 0;
    const result = await verifyRange(repo, task.accountId, task.fromSeq, task.end, {
      watch: task.watch,
      onProgress: (count) => {
        if (count - last >= 20_000) {
          post({ type: 'progress', count });
          last = count;
        }
      },
    });
    await client.query('COMMIT');
    post({ type: 'done', result });
  } finally {
    await client.end();
  }
}

if (parentPort && workerData && (workerData as { kind?: string }).kind === 'keyledger-verify-range') {
  const port = parentPort;
  runRangeTask((workerData as { task: RangeTask }).task, (m) => port.postMessage(m)).catch((err: unknown) =>
    port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
  );
}
