/**
 * The database's own wall between accounts, behind the service layer's account filters: row-level
 * security on the tenant tables (migration 1764500000000-row-level-security) lets the role
 * `keyledger_tenant` see and write only the rows of the account in the per-transaction setting
 * `app.account_id`. A transaction enters an account once, at BEGIN or as soon as the account is known;
 * everything after that in the transaction runs as that role, so a query missing its account filter
 * finds nothing of other accounts and cannot write into them.
 */
import {
  TransactionalAdapterTypeOrm,
  type TypeOrmTransactionalAdapterOptions,
  type TypeOrmTransactionOptions,
} from '@nestjs-cls/transactional-adapter-typeorm';
import { type EntityManager } from 'typeorm';
import { currentPrincipal } from '../common/request-context';

export const TENANT_ROLE = 'keyledger_tenant';
export const ACCOUNT_SETTING = 'app.account_id';

/** Anything that runs one SQL statement: an EntityManager, a QueryRunner, a pg Client. */
export interface SqlRunner {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * For the rest of the current transaction, act as the tenant role in `accountId`: one statement,
 * both settings transaction-local (they end at COMMIT or ROLLBACK, so a pooled connection never
 * carries them into its next use). Must run inside a transaction: outside one it would do nothing.
 * `readOnly` also makes the transaction read-only, in the same statement (no extra round trip).
 */
export async function enterAccount(db: SqlRunner, accountId: string, opts: { readOnly?: boolean } = {}): Promise<void> {
  const readOnly = opts.readOnly ? `, set_config('transaction_read_only', 'on', true)` : '';
  await db.query(`SELECT set_config('${ACCOUNT_SETTING}', $1, true), set_config('role', '${TENANT_ROLE}', true)${readOnly}`, [accountId]);
}

/** `txHost.withTransaction` options: TypeORM's, plus `readOnly` (the read interceptor's transactions). */
export interface TenantTransactionOptions extends Partial<TypeOrmTransactionOptions> {
  readOnly?: boolean;
}

/**
 * The TypeORM adapter of @nestjs-cls/transactional, plus: every transaction it opens while the request
 * context holds a principal enters the principal's account right after BEGIN. This is the one place
 * account-scoped transactions get their wall (the @Audited interceptor's, the read interceptor's
 * read-only ones around every other signed-in GET, any other `txHost.withTransaction` of a signed-in
 * request, the demo seed's audited actions). Transactions opened
 * without a principal run as the connecting role (the owner): sign-up, and the License API until its key
 * names the account. Nested transactions (savepoints) inherit the outer transaction's settings.
 */
export class TenantTransactionalAdapter extends TransactionalAdapterTypeOrm {
  constructor(options: TypeOrmTransactionalAdapterOptions) {
    super(options);
    const typeorm = this.optionsFactory;
    this.optionsFactory = (dataSource) => {
      const base = typeorm(dataSource);
      return {
        ...base,
        wrapWithTransaction: (options, fn, setClient) => {
          let tx: EntityManager | undefined;
          return base.wrapWithTransaction(
            options,
            async (...args: unknown[]) => {
              const accountId = currentPrincipal()?.accountId;
              if (accountId && tx) await enterAccount(tx, accountId, { readOnly: (options as TenantTransactionOptions | undefined)?.readOnly });
              return fn(...args);
            },
            (client) => {
              tx = client;
              setClient(client);
            },
          );
        },
      };
    };
  }
}
