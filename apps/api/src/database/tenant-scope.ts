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
import { type DataSource, type EntityManager } from 'typeorm';
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
 */
export async function enterAccount(db: SqlRunner, accountId: string): Promise<void> {
  await db.query(`SELECT set_config('${ACCOUNT_SETTING}', $1, true), set_config('role', '${TENANT_ROLE}', true)`, [accountId]);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISOLATION_LEVELS = new Set(['READ COMMITTED', 'REPEATABLE READ', 'SERIALIZABLE']);

/**
 * BEGIN a read-only transaction and enter `accountId` in it (the same two transaction-local settings as
 * enterAccount), as one simple-protocol message (several statements, no parameters): the account id is a
 * literal, so it must be a UUID (it comes from the session or key row, never from the request).
 */
export function beginReadOnlyInAccount(accountId: string, isolationLevel = 'READ COMMITTED'): string {
  if (!UUID.test(accountId)) throw new Error('The account id is not a UUID');
  if (!ISOLATION_LEVELS.has(isolationLevel)) throw new Error(`Unknown isolation level ${isolationLevel}`);
  // SET LOCAL rather than SELECT set_config(…): the same settings, no planner or executor (0.10 vs 0.16 ms
  // for BEGIN … COMMIT on the benchmark machine).
  return `BEGIN ISOLATION LEVEL ${isolationLevel} READ ONLY; SET LOCAL ${ACCOUNT_SETTING} = '${accountId}'; SET LOCAL ROLE ${TENANT_ROLE}`;
}

/**
 * A read-only transaction in `accountId` for `fn`, at no round trip of its own: the BEGIN message
 * (beginReadOnlyInAccount) is queued on the connection before `fn` runs and not awaited, so in the pool's
 * pipeline mode `fn`'s first query follows it on the wire at once, and runs inside it (a connection
 * answers in order). Its answer is awaited before `fn`'s result is returned: were it an error, nothing
 * read is returned. Its end (COMMIT, or ROLLBACK
 * after an error; a read-only transaction has nothing to keep either way) is not awaited: the caller has
 * its rows one round trip sooner, and the connection returns to the pool once the end is done (destroyed
 * if that fails). TypeORM is told a transaction is open, so a nested one becomes a savepoint.
 */
async function readOnlyTransaction<T>(
  dataSource: DataSource,
  accountId: string,
  isolationLevel: string | undefined,
  fn: () => Promise<T>,
  setClient: (client: EntityManager) => void,
): Promise<T> {
  const begin = beginReadOnlyInAccount(accountId, isolationLevel);
  const runner = dataSource.createQueryRunner();
  let end = 'ROLLBACK';
  try {
    // The pooled pg client itself, so the BEGIN is in its queue synchronously, ahead of anything fn sends.
    const client = (await runner.connect()) as { query(sql: string): Promise<unknown> };
    const begun = client.query(begin);
    begun.catch(() => undefined); // awaited below; fn's own queries fail too if it failed
    Object.assign(runner, { isTransactionActive: true, transactionDepth: 1 });
    setClient(runner.manager);
    const result = await fn();
    await begun;
    end = 'COMMIT';
    return result;
  } finally {
    Object.assign(runner, { isTransactionActive: false, transactionDepth: 0 });
    void runner.query(end).then(
      () => runner.release(),
      (err: unknown) => (runner as unknown as { releasePostgresConnection(e: unknown): Promise<void> }).releasePostgresConnection(err),
    );
  }
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
          const principal = currentPrincipal();
          const tenantOptions = options as TenantTransactionOptions | undefined;
          if (tenantOptions?.readOnly && principal) {
            return readOnlyTransaction(dataSource, principal.accountId, tenantOptions.isolationLevel, fn as () => Promise<unknown>, setClient);
          }
          let tx: EntityManager | undefined;
          return base.wrapWithTransaction(
            options,
            async (...args: unknown[]) => {
              const accountId = currentPrincipal()?.accountId;
              if (accountId && tx) await enterAccount(tx, accountId);
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
