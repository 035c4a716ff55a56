import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { type TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { IDEMPOTENCY_TTL_HOURS } from '@keyledger/contract';

export interface KeyScope {
  accountId: string;
  credential: string;
  key: string;
}

export type Claim =
  | { kind: 'claimed' }
  | { kind: 'stored'; requestHash: string; statusCode: number; response: unknown }
  /** The first request with this key is still running (its transaction did not end within the wait). */
  | { kind: 'busy' };

/** How long a duplicate waits for the first request with its key before answering 409. */
export const IDEMPOTENCY_WAIT_MS = 10_000;

const LOCK_NOT_AVAILABLE = '55P03';

/** Every statement on idempotency_keys; all run in the caller's (the action's) transaction. */
@Injectable()
export class IdempotencyRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /**
   * Claims the key for this transaction, first thing in it. A row of a committed request with the key
   * is answered as `stored`; a transaction holding the key makes this one wait (up to IDEMPOTENCY_WAIT_MS,
   * then `busy`) and, if that one rolls back, claim it. Rows older than IDEMPOTENCY_TTL_HOURS are
   * forgotten (this key's at once, a bounded batch of the account's others along the way).
   */
  async claim(scope: KeyScope, requestHash: string): Promise<Claim> {
    const tx = this.txHost.tx;
    const ttl = `${IDEMPOTENCY_TTL_HOURS} hours`;
    await tx.query(
      `DELETE FROM idempotency_keys WHERE ctid IN (
         SELECT ctid FROM idempotency_keys WHERE account_id = $1 AND created_at < now() - $2::interval LIMIT 100)`,
      [scope.accountId, ttl],
    );
    await tx.query(`SET LOCAL lock_timeout = ${IDEMPOTENCY_WAIT_MS}`);
    let inserted: unknown[];
    try {
      inserted = await tx.query(
        `INSERT INTO idempotency_keys (account_id, credential, key, request_hash) VALUES ($1, $2, $3, $4)
         ON CONFLICT (account_id, credential, key) DO NOTHING RETURNING 1`,
        [scope.accountId, scope.credential, scope.key, requestHash],
      );
    } catch (err) {
      if ((err as { code?: string }).code === LOCK_NOT_AVAILABLE) return { kind: 'busy' };
      throw err;
    }
    await tx.query(`SET LOCAL lock_timeout = DEFAULT`);
    if (inserted.length === 1) return { kind: 'claimed' };
    const rows: { request_hash: string; status_code: number | null; response: unknown }[] =
      await tx.query(
        `SELECT request_hash, status_code, response FROM idempotency_keys
        WHERE account_id = $1 AND credential = $2 AND key = $3 AND created_at >= now() - $4::interval`,
        [scope.accountId, scope.credential, scope.key, ttl],
      );
    const row = rows[0];
    // Expired between the DELETE and the INSERT by another transaction's clock: treat as busy, a retry claims it.
    if (!row || row.status_code === null) return { kind: 'busy' };
    return {
      kind: 'stored',
      requestHash: row.request_hash,
      statusCode: row.status_code,
      response: row.response,
    };
  }

  /** The answer of the request that claimed the key, stored before its transaction commits. */
  async complete(scope: KeyScope, statusCode: number, response: unknown): Promise<void> {
    await this.txHost.tx.query(
      `UPDATE idempotency_keys SET status_code = $4, response = $5::jsonb WHERE account_id = $1 AND credential = $2 AND key = $3`,
      [
        scope.accountId,
        scope.credential,
        scope.key,
        statusCode,
        response === undefined ? null : JSON.stringify(response),
      ],
    );
  }
}
