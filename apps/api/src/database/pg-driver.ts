import * as pg from 'pg';

/** Set on an error that came from taking a connection from a pool: no statement of it was sent. */
export const NO_CONNECTION = Symbol.for('keyledger.noDatabaseConnection');

function markNoConnection(err: unknown): unknown {
  if (typeof err === 'object' && err !== null) (err as Record<symbol, unknown>)[NO_CONNECTION] = true;
  return err;
}

/** Whether `err` came from taking a pooled connection (the pool's wait ran out, or PostgreSQL refused one). */
export function isNoConnectionError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[NO_CONNECTION] === true;
}

type ConnectCallback = (err: Error | undefined, client: pg.PoolClient | undefined, release: (err?: Error | boolean) => void) => void;

/**
 * node-postgres's Pool, with every error of `connect()` marked: the one place that knows for certain
 * that no connection was had — whatever the error looks like (a wait that ran out, a refused or reset
 * socket, PostgreSQL starting up or out of connections) — so the HTTP layer can say that nothing was
 * sent without guessing from codes that sockets to other services share.
 */
class MarkingPool extends pg.Pool {
  override connect(): Promise<pg.PoolClient>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<pg.PoolClient> | void {
    if (callback) {
      return super.connect(((err: Error | undefined, client: pg.PoolClient | undefined, release: (err?: Error | boolean) => void) =>
        callback(err ? (markNoConnection(err) as Error) : err, client, release)) as Parameters<pg.Pool['connect']>[0]);
    }
    return super.connect().catch((err: unknown) => Promise.reject(markNoConnection(err)));
  }
}

/**
 * The `pg` module TypeORM is given (DataSourceOptions.driver): node-postgres, with the marking pool. Pool
 * is defined, not assigned: the module object's properties may be getters only (an ES module namespace).
 * (With `pg-native` installed TypeORM would take `pg.native`'s pool instead, unmarked: no-connection
 * errors would be 500s again. It is not a dependency.)
 */
export const pgDriver = Object.create(pg, { Pool: { value: MarkingPool, enumerable: true } }) as typeof pg;
