import { type QueryRunner } from 'typeorm';
import { ClsServiceManager } from 'nestjs-cls';
import { type RequestStore, type SealingNote } from '../common/request-context';

/**
 * How the sealer learns that entries were committed, without the writer knowing the sealer:
 * AuditService.record notes each pending entry on its transaction's QueryRunner; the CommitWatcher
 * (database/commit-watcher.ts) hands them, at COMMIT, to the request's record (so the response can
 * wait for them to be sealed) and to the sealer (which starts a round for their accounts at once).
 * A rolled-back transaction's notes are dropped with it.
 */
/** An entry recorded by a transaction; `committed`: when it committed, on this process's `tick()` clock (set at COMMIT). */
export type Recorded = SealingNote;

let clock = 0;
/** A process-wide counter that orders commits and sealing rounds: a round that starts after a commit's tick sees its entries. */
export function tick(): number {
  return ++clock;
}

const KEY = 'keyledgerAuditRecorded';

export function noteRecorded(runner: QueryRunner, accountId: string, pos: string): void {
  ((runner.data[KEY] as Recorded[] | undefined) ?? (runner.data[KEY] = [])).push({ accountId, pos });
}

/** The entries a transaction recorded, taken off it (at its COMMIT or ROLLBACK). */
export function takeRecorded(runner: QueryRunner): Recorded[] {
  const list = (runner.data[KEY] as Recorded[] | undefined) ?? [];
  delete runner.data[KEY];
  return list;
}

type Listener = (recorded: Recorded[]) => void;
const listeners = new Set<Listener>();

/** The sealer's subscription (one per process, while the application runs). */
export function onCommittedEntries(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** A transaction that recorded entries committed: the request remembers them, the sealer starts. */
export function entriesCommitted(recorded: Recorded[]): void {
  if (!recorded.length) return;
  const at = tick();
  for (const r of recorded) r.committed = at;
  const cls = ClsServiceManager.getClsService<RequestStore>();
  const progress = cls.isActive() ? cls.get('progress') : undefined;
  if (progress) (progress.sealing ??= []).push(...recorded);
  for (const l of listeners) l(recorded);
}
