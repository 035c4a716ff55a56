import { Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { type TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { DataSource } from 'typeorm';
import { type IntegrityReport } from '@keyledger/contract';
import { decodeCursor, encodeCursor, isSeqCursor, type SeqCursor } from '../common/cursor';
import { currentAccountId } from '../common/request-context';
import { TENANT_ROLE } from '../database/tenant-scope';
import { SigningKeyService } from './signing-key.service';
import { type CheckpointRow, toCheckpointDto, verifyAccountChain } from './verify-chain';


/** Checkpoints (signed chain heads) and verification of an account's chain. */
@Injectable()
export class IntegrityService {
  private readonly logger = new Logger(IntegrityService.name);

  constructor(
    private readonly db: DataSource,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly key: SigningKeyService,
  ) {}

  /**
   * Sign the head of every account that has entries past its last checkpoint. Returns how many were
   * signed. Runs as the owner, outside row-level security: it reads every account's head.
   */
  async sealDue(): Promise<number> {
    const due: Array<{ account_id: string; last_seq: string; last_hash: string }> = await this.db.query(
      `SELECT h.account_id, h.last_seq, h.last_hash
         FROM audit_heads h
        WHERE h.last_seq > COALESCE((SELECT max(c.seq) FROM audit_checkpoints c WHERE c.account_id = h.account_id), 0)`,
    );
    const { keyId } = this.key.get();
    for (const d of due) {
      const payload = { accountId: d.account_id, seq: Number(d.last_seq), hash: d.last_hash, at: new Date().toISOString() };
      await this.db.query(
        `INSERT INTO audit_checkpoints (account_id, seq, hash, at, key_id, signature) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT DO NOTHING`,
        [payload.accountId, payload.seq, payload.hash, payload.at, keyId, this.key.sign(payload)],
      );
    }
    if (due.length) this.logger.log(`Signed ${due.length} checkpoint(s)`);
    return due.length;
  }

  /**
   * Verify the caller's chain in one REPEATABLE READ snapshot behind the row-level security wall: the
   * request's read transaction (the handler is @ReadSnapshot), or one of its own when none is open.
   * It uses the request's connection rather than a second one, so concurrent checks cannot starve the pool.
   */
  async verify(): Promise<IntegrityReport> {
    const accountId = currentAccountId();
    return this.txHost.withTransaction({ isolationLevel: 'REPEATABLE READ' }, async () => {
      const tx = this.txHost.tx;
      const [state]: Array<{ iso: string; role: string; acc: string | null }> = await tx.query(
        `SELECT current_setting('transaction_isolation') AS iso, current_user AS role, current_setting('app.account_id', true) AS acc`,
      );
      if (state?.iso !== 'repeatable read' || state.role !== TENANT_ROLE || state.acc !== accountId) {
        throw new Error(`Integrity check needs a REPEATABLE READ transaction in the caller's account, got ${JSON.stringify(state)}`);
      }
      const report = await verifyAccountChain((sql, params) => tx.query(sql, params), accountId, this.key.get().publicKey);
      if (!report.ok) this.logger.error({ accountId, firstBrokenSeq: report.firstBrokenSeq, reason: report.reason }, 'Audit chain broken');
      return report;
    });
  }

  async latestCheckpoint(accountId: string) {
    const [row]: CheckpointRow[] = await this.txHost.tx.query(
      'SELECT account_id, seq, hash, at, key_id, signature FROM audit_checkpoints WHERE account_id = $1 ORDER BY seq DESC LIMIT 1',
      [accountId],
    );
    return row ? toCheckpointDto(row) : null;
  }

  async listCheckpoints(query: { limit: number; cursor?: string }) {
    const cursor = decodeCursor<SeqCursor>(query.cursor, isSeqCursor);
    const rows: CheckpointRow[] = await this.txHost.tx.query(
      `SELECT account_id, seq, hash, at, key_id, signature FROM audit_checkpoints
        WHERE account_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3`,
      [currentAccountId(), cursor?.s ?? Number.MAX_SAFE_INTEGER, query.limit + 1],
    );
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toCheckpointDto),
      nextCursor: rows.length > query.limit && last ? encodeCursor({ s: Number(last.seq) }) : null,
    };
  }

  publicKey() {
    const k = this.key.get();
    return { algorithm: 'ed25519' as const, keyId: k.keyId, publicKeyPem: k.publicKeyPem };
  }
}
