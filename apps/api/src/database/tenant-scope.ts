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

/**
 * The pg client under a transaction's query runner: a statement given to it is on its queue (and, in
 * pipeline mode, on the wire) before the call returns, where TypeORM's own `query` reaches the client
 * only after a few awaits, so a statement issued right after could overtake it.
 */
function clientOf(tx: EntityManager): SqlRunner | undefined {
  return (tx.queryRunner as unknown as { databaseConnection?: SqlRunner } | undefined)?.databaseConnection;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The startup options of the tenant-reads pool's connections (data-source.ts tenantReadsOptions): they log
 * in as the owner but run, for the whole session, as the tenant role with read-only transactions. These are
 * the session's reset values: even `RESET ROLE` or `RESET ALL` on such a connection stays behind the wall.
 */
export const TENANT_READ_SESSION_OPTIONS = `-c role=${TENANT_ROLE} -c default_transaction_read_only=on`;

/** The statement that puts a tenant-reads session in `accountId`: a literal, so it must be a UUID. */
export function enterAccountForSession(accountId: string): string {
  if (!UUID.test(accountId)) throw new Error('The account id is not a UUID');
  return `SET ${ACCOUNT_SETTING} = '${accountId}'`;
}

/** On a pooled pg client of the tenant-reads pool: the account its session is in (set once confirmed). */
const SESSION_ACCOUNT = Symbol('keyledger:session-account');
type PooledClient = { query(sql: string): Promise<unknown>; [SESSION_ACCOUNT]?: string };

/**
 * Runs `fn` behind the wall at no round trip and no statement of its own in the common case: on a
 * connection of the tenant-reads pool (its session is the tenant role, read-only: see
 * TENANT_READ_SESSION_OPTIONS), already in `accountId` when it last served the same account — the pool hands
 * out the connection released last, so one account's reads keep finding theirs. Otherwise `SET
 * app.account_id` is queued on the connection before `fn` runs and not awaited, so `fn`'s first query follows
 * it on the wire at once (pipeline mode) and runs after it (a connection answers in order); its answer is
 * awaited before `fn`'s result is returned, and were it an error nothing read is returned and the connection
 * is destroyed. No transaction: each statement is its own, as the owner's reads were before the wall.
 */
async function readInAccount<T>(reads: DataSource, accountId: string, fn: () => Promise<T>, setClient: (client: EntityManager) => void): Promise<T> {
  const enter = enterAccountForSession(accountId);
  const runner = reads.createQueryRunner();
  const client = (await runner.connect()) as PooledClient;
  let entering: Promise<unknown> | undefined;
  if (client[SESSION_ACCOUNT] !== accountId) {
    client[SESSION_ACCOUNT] = undefined;
    entering = client.query(enter);
    entering.catch(() => undefined); // awaited below
  }
  let outcome: { ok: true; value: T } | { ok: false; error: unknown };
  try {
    setClient(runner.manager);
    outcome = { ok: true, value: await fn() };
  } catch (error) {
    outcome = { ok: false, error };
  }
  try {
    await entering;
  } catch (error) {
    await (runner as unknown as { releasePostgresConnection(e: unknown): Promise<void> }).releasePostgresConnection(error);
    throw error;
  }
  if (entering) client[SESSION_ACCOUNT] = accountId;
  await runner.release();
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

/** The two pools: the owner's (migrations, writes, transactions) and the tenant reads' (DatabaseModule). */
export interface TenantDataSources {
  main: DataSource;
  reads: DataSource;
}
export const TENANT_DATA_SOURCES = Symbol('TENANT_DATA_SOURCES');

/** `txHost.withTransaction` options: TypeORM's, plus `readOnly` (the read interceptor's transactions). */
export interface TenantTransactionOptions extends Partial<TypeOrmTransactionOptions> {
  readOnly?: boolean;
}

/**
 * The TypeORM adapter of @nestjs-cls/transactional, plus: every transaction it opens while the request
 * context holds a principal enters the principal's account right after BEGIN, and the read interceptor's
 * `readOnly` ones run on the tenant-reads pool in the principal's account (readInAccount). This is the one
 * place account-scoped work gets its wall (the @Audited interceptor's transactions, every other signed-in
 * GET, any other `txHost.withTransaction` of a signed-in request, the demo seed's audited actions). Transactions opened
 * without a principal run as the connecting role (the owner): sign-up, and the License API until its key
 * names the account. Nested transactions (savepoints) inherit the outer transaction's settings.
 */
export class TenantTransactionalAdapter extends TransactionalAdapterTypeOrm {
  constructor(options: TypeOrmTransactionalAdapterOptions) {
    super(options);
    const typeorm = this.optionsFactory;
    type Options = ReturnType<typeof typeorm>;
    // The adapter is handed TENANT_DATA_SOURCES (both pools) where TypeORM's is handed one DataSource.
    const factory = (sources: TenantDataSources): Options => {
      const base = typeorm(sources.main);
      return {
        ...base,
        wrapWithTransaction: (options: Parameters<Options['wrapWithTransaction']>[0], fn: Parameters<Options['wrapWithTransaction']>[1], setClient: Parameters<Options['wrapWithTransaction']>[2]) => {
          const principal = currentPrincipal();
          const tenantOptions = options as TenantTransactionOptions | undefined;
          if (tenantOptions?.readOnly && principal) {
            return readInAccount(sources.reads, principal.accountId, fn as () => Promise<unknown>, setClient);
          }
          let tx: EntityManager | undefined;
          return base.wrapWithTransaction(
            options,
            async (...args: unknown[]) => {
              const accountId = currentPrincipal()?.accountId;
              if (!accountId || !tx) return fn(...args);
              const client = clientOf(tx);
              if (!client) {
                await enterAccount(tx, accountId);
                return fn(...args);
              }
              // Sent at once on the transaction's connection and not awaited, so `fn`'s first statement follows
              // it on the wire (pipeline mode) and runs after it, behind the wall: a connection answers in order,
              // and were it to fail the transaction is aborted, so nothing after it runs. Its answer is awaited
              // before `fn`'s outcome is passed on (and so before COMMIT): its error, if any, is the one thrown.
              const entering = enterAccount(client, accountId);
              entering.catch(() => undefined); // awaited below
              let result: unknown;
              try {
                result = await fn(...args);
              } catch (error) {
                await entering;
                throw error;
              }
              await entering;
              return result;
            },
            (client) => {
              tx = client;
              setClient(client);
            },
          );
        },
      };
    };
    this.optionsFactory = factory as unknown as typeof this.optionsFactory;
  }
}
