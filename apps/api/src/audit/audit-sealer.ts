import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { entryHash } from '@keyledger/verify';
import { ENV, type Env } from '../config/env';
import { toChainedEntry } from './audit-chain.repository';
import { AuditStore, type LockedHead, type PendingChainRow, type Seal } from './audit.store';
import { onCommittedEntries, type Recorded, tick } from './seal-signal';

/** Entries sealed in one transaction at most (a round goes on with the next batch). */
export const SEAL_BATCH = 500;

/** Sealing transactions one process runs at once (each holds a connection of the owner pool). */
const SEAL_CONNECTIONS = 4;

/** A counting semaphore. */
class Slots {
  private readonly waiting: Array<() => void> = [];
  constructor(private free: number) {}
  take(): Promise<void> {
    if (this.free > 0) {
      this.free -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }
  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free += 1;
  }
}

/** How far behind the previous entry a time may be and still be taken for skew between API processes. */
const CLOCK_SKEW_MS = 1000;

/**
 * An entry's sealed time: its recorded time, or the previous entry's if it is at most CLOCK_SKEW_MS
 * behind it (skew between processes, or a writer that committed a moment after a later one), so that
 * entries stay in time order and date filters stay seq ranges (migration 1764450000000). A time further
 * back (a back-dated entry, a transaction held open) is kept as recorded; the account then leaves time
 * order (audit_heads.time_ordered) and its date filters take the exact, slower plan.
 */
function sealedTime(recorded: string, previous: string | null): string {
  if (!previous) return recorded;
  const behind = Date.parse(previous) - Date.parse(recorded);
  return behind > 0 && behind <= CLOCK_SKEW_MS ? previous : recorded;
}

/** Seq, time and hashes for a batch after `head`, in the order given (pure: the property the tests hold). */
export function sealEntries(accountId: string, head: LockedHead, rows: PendingChainRow[]) {
  let seq = Number(head.last_seq);
  let hash = head.last_hash;
  let last = head.last_occurred_at ? head.last_occurred_at.toISOString() : null;
  let ordered = head.time_ordered;
  const seals: Seal[] = rows.map((r) => {
    seq += 1;
    const at = sealedTime(r.occurred_at, last);
    if (last !== null && at < last) ordered = false;
    const h = entryHash(toChainedEntry(accountId, { ...r, seq: String(seq), occurred_at: at, hash: '', prev_hash: '' }), hash);
    const seal = { pos: r.pos, seq, occurred_at: at, prev_hash: hash, hash: h };
    hash = h;
    if (last === null || at > last) last = at;
    return seal;
  });
  return { seals, head: { seq, hash, occurredAt: last!, timeOrdered: ordered } };
}

interface Rounds {
  running: Promise<void> | null;
  /** When the running round started (`tick()`): it sees every entry committed before — if it waits for the head. */
  runningSince: number;
  /** Whether the running round waits for a head another sealer holds (a sweep's skips it). */
  runningWaits: boolean;
  queued: Promise<void> | null;
}

/**
 * The sealer: gives each committed entry (audit_pending) its seq, prev_hash and hash, in commit order.
 * Every API and worker process runs one. Per account, a batch is sealed in one owner transaction that
 * first takes the account's head row lock (so one sealer per account at a time, across processes), then
 * reads the account's pending entries — every one visible is committed, and anything committing later
 * is sealed after them — and moves them into audit_entries with the head advanced, in one statement. A
 * killed sealer or a lost connection rolls the batch back whole; the next round seals it.
 *
 * Rounds start when a transaction that recorded entries commits in this process (seal-signal.ts), and
 * from a sweep every AUDIT_SEAL_SWEEP_MS for entries nobody here was told of (another process's, a writer
 * that died before its sealer ran). A request waits for its own entries (`settle`, AUDIT_SEAL_WAIT_MS).
 */
@Injectable()
export class AuditSealer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AuditSealer.name);
  private readonly rounds = new Map<string, Rounds>();
  /** Accounts whose last round failed, and when the sweep may try again. */
  private readonly failing = new Map<string, { until: number; delay: number }>();
  private unsubscribe: (() => void) | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;
  private stopped = false;
  private readonly slots = new Slots(SEAL_CONNECTIONS);

  /** Accounts whose last round in this process failed (for health: a count, never a tenant's data). */
  get failingAccounts(): number {
    return this.failing.size;
  }

  constructor(
    private readonly db: DataSource,
    @Inject(ENV) private readonly env: Env,
  ) {}

  onApplicationBootstrap(): void {
    this.unsubscribe = onCommittedEntries((recorded) => {
      for (const accountId of new Set(recorded.map((r) => r.accountId))) {
        if (this.backingOff(accountId)) continue; // its last round failed: the sweep retries after the back-off
        void this.round(accountId, true, recorded[0]!.committed).catch(() => undefined);
      }
    });
    const sweep = () => {
      if (this.stopped) return;
      this.sweeping = this.sweep().finally(() => {
        this.sweeping = null;
        if (!this.stopped) this.sweepTimer = setTimeout(sweep, this.env.AUDIT_SEAL_SWEEP_MS);
      });
    };
    this.sweepTimer = setTimeout(sweep, this.env.AUDIT_SEAL_SWEEP_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.sweepTimer) clearTimeout(this.sweepTimer);
    const pending = [...this.rounds.values()].flatMap((r) => [r.running, r.queued]).filter((p): p is Promise<void> => p !== null);
    await Promise.allSettled([...pending, ...(this.sweeping ? [this.sweeping] : [])]);
  }

  /**
   * Seals every entry of the account committed before `after` (a `tick()`; default: now): the round
   * running, if it started after that, or a new one — right after the one running, which may have read
   * the pending entries before that commit. Rejects when the round failed (the entries stay pending).
   */
  round(accountId: string, wait = true, after = tick()): Promise<void> {
    let r = this.rounds.get(accountId);
    if (!r) this.rounds.set(accountId, (r = { running: null, runningSince: 0, runningWaits: false, queued: null }));
    const rounds = r;
    const start = (): Promise<void> => {
      rounds.runningSince = tick();
      rounds.runningWaits = wait;
      const p = this.sealAll(accountId, wait).finally(() => {
        if (rounds.running === p) rounds.running = null;
        if (!rounds.running && !rounds.queued && this.rounds.get(accountId) === rounds) this.rounds.delete(accountId);
      });
      rounds.running = p;
      return p;
    };
    if (rounds.queued) return rounds.queued; // starts after the running one ends: it sees every commit before now
    if (!rounds.running) return start();
    if (rounds.runningSince > after && (rounds.runningWaits || !wait)) return rounds.running;
    rounds.queued = rounds.running
      .catch(() => undefined)
      .then(() => {
        rounds.queued = null;
        return start();
      });
    return rounds.queued;
  }

  /**
   * Waits (at most `ms`) until the given committed entries are sealed: a round that started after their
   * COMMIT (the one their commit started, usually) has sealed everything of their account it could see.
   * Returns whether that happened in time; false also when a round failed (the sweep retries).
   */
  async settle(recorded: Recorded[], ms = this.env.AUDIT_SEAL_WAIT_MS): Promise<boolean> {
    if (!recorded.length) return true;
    if (ms <= 0) return false;
    const byAccount = new Map<string, number>();
    for (const r of recorded) byAccount.set(r.accountId, Math.max(byAccount.get(r.accountId) ?? 0, r.committed ?? tick()));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
    try {
      const done = await Promise.race([Promise.allSettled([...byAccount].map(([a, at]) => this.round(a, true, at))), timeout]);
      return done !== 'timeout' && done.every((r) => r.status === 'fulfilled');
    } finally {
      clearTimeout(timer);
    }
  }

  /** One account's pending entries, batch after batch until none is left. */
  private async sealAll(accountId: string, wait: boolean): Promise<void> {
    try {
      for (;;) {
        const n = await this.sealBatch(accountId, wait);
        if (n < SEAL_BATCH) break;
      }
      this.failing.delete(accountId);
    } catch (err) {
      const delay = Math.min(2 * (this.failing.get(accountId)?.delay ?? 500), 60_000);
      this.failing.set(accountId, { until: Date.now() + delay, delay });
      this.logger.error({ accountId, err }, `Could not seal audit entries of account ${accountId}: ${(err as Error).message}`);
      throw err;
    }
  }

  /** Whether the account's last round failed and its back-off has not run out. */
  private backingOff(accountId: string): boolean {
    const f = this.failing.get(accountId);
    return f !== undefined && Date.now() < f.until;
  }

  /** One batch in one transaction (at most SEAL_CONNECTIONS at once in a process); returns how many entries it sealed. */
  async sealBatch(accountId: string, wait = true): Promise<number> {
    await this.slots.take();
    try {
      return await this.sealBatchNow(accountId, wait);
    } finally {
      this.slots.give();
    }
  }

  private sealBatchNow(accountId: string, wait: boolean): Promise<number> {
    return this.db.transaction(async (em) => {
      const store = new AuditStore((sql, params) => em.query(sql, params));
      const head = await store.lockHead(accountId, wait);
      if (!head) return 0;
      const rows = await store.pendingBatch(accountId, SEAL_BATCH);
      if (!rows.length) return 0;
      const sealed = sealEntries(accountId, head, rows);
      const n = await store.sealBatch(accountId, sealed.seals, sealed.head);
      if (n !== rows.length) throw new Error(`sealed ${n} of ${rows.length} entries: rolled back`);
      return n;
    });
  }

  /**
   * Accounts with entries nobody here is sealing: a round each, SEAL_CONNECTIONS at a time (skipping
   * accounts another sealer holds, and those backing off — 1 s, 2 s, … 60 s — after a failed round).
   */
  private async sweep(): Promise<void> {
    try {
      const store = new AuditStore((sql, params) => this.db.query(sql, params));
      const skip = [...this.failing.keys()].filter((a) => this.backingOff(a)).concat([...this.rounds.keys()]);
      const due = await store.pendingAccounts(100, skip);
      const next = () => due.shift();
      await Promise.all(
        Array.from({ length: SEAL_CONNECTIONS }, async () => {
          for (let a = next(); a !== undefined && !this.stopped; a = next()) await this.round(a, false).catch(() => undefined);
        }),
      );
    } catch (err) {
      this.logger.warn(`Audit sealer sweep failed: ${(err as Error).message}`);
    }
  }
}
