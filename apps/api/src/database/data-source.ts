import { DataSource, type DataSourceOptions } from 'typeorm';
import { Client } from 'pg';
import { Initial1764000000000 } from './migrations/1764000000000-initial';
import { VendorDomain1764100000000 } from './migrations/1764100000000-vendor-domain';
import { AuditCheckpoints1764300000000 } from './migrations/1764300000000-audit-checkpoints';
import { AuditExports1764200000000 } from './migrations/1764200000000-audit-exports';
import { ApiKeys1764400000000 } from './migrations/1764400000000-api-keys';
import { AuditTimeOrder1764450000000 } from './migrations/1764450000000-audit-time-order';
import { RowLevelSecurity1764500000000 } from './migrations/1764500000000-row-level-security';
import { AuditChangesJson1764600000000 } from './migrations/1764600000000-audit-changes-json';
import { AccessSecurityActions1764710000000 } from './migrations/1764710000000-access-security-actions';
import { ExportRetention1764730000000 } from './migrations/1764730000000-export-retention';
import { LeakproofLike1764740000000 } from './migrations/1764740000000-leakproof-like';
import { AuditIntegrityStatus1764900000000 } from './migrations/1764900000000-audit-integrity-status';
import { AuditEntryIdIndex1765100000000 } from './migrations/1765100000000-audit-entry-id-index';
import { IdempotencyKeys1765000000000 } from './migrations/1765000000000-idempotency-keys';
import { LogStreams1766000000000 } from './migrations/1766000000000-log-streams';
import { LogStreamDestinations1767000000000 } from './migrations/1767000000000-log-stream-destinations';
import { AuditSeqBounds1767500000000 } from './migrations/1767500000000-audit-seq-bounds';
import { AuditSealer1768000000000 } from './migrations/1768000000000-audit-sealer';
import { ENTITIES } from './entities';
import { TENANT_READ_SESSION_OPTIONS } from './tenant-scope';

/** The name of the tenant-reads DataSource (TypeOrmModule's connection name). */
export const TENANT_READS = 'tenantReads';
import { AuditChangeSubscriber } from '../audit/audit-change.subscriber';
import { CommitWatcher } from './commit-watcher';
import { pgDriver } from './pg-driver';

export const MIGRATIONS = [
  Initial1764000000000,
  VendorDomain1764100000000,
  AuditExports1764200000000,
  AuditCheckpoints1764300000000,
  ApiKeys1764400000000,
  AuditTimeOrder1764450000000,
  RowLevelSecurity1764500000000,
  AuditChangesJson1764600000000,
  AccessSecurityActions1764710000000,
  ExportRetention1764730000000,
  LeakproofLike1764740000000,
  AuditIntegrityStatus1764900000000,
  AuditEntryIdIndex1765100000000,
  IdempotencyKeys1765000000000,
  LogStreams1766000000000,
  LogStreamDestinations1767000000000,
  AuditSeqBounds1767500000000,
  AuditSealer1768000000000,
];

/** Pool sizing (DATABASE_POOL_MAX, DATABASE_READ_POOL_MAX, DATABASE_POOL_WAIT_MS). */
export interface PoolSize {
  max: number;
  waitMs: number;
}

const OWNER_POOL: PoolSize = { max: 20, waitMs: 5000 };
const READ_POOL: PoolSize = { max: 10, waitMs: 5000 };

export function dataSourceOptions(databaseUrl: string, pool: PoolSize = OWNER_POOL): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    subscribers: [AuditChangeSubscriber, CommitWatcher],
    migrationsRun: false,
    synchronize: false,
    // pipeline: node-postgres sends a query without waiting for the answer to the one before it. Code that
    // awaits each query (all of TypeORM) behaves as without it; the read wall uses it to put its SET and
    // the handler's first query on the wire back to back (tenant-scope.ts readInAccount).
    driver: pgDriver, // node-postgres; its pool marks what fails before a connection is had (pg-driver.ts)
    extra: { max: pool.max, connectionTimeoutMillis: pool.waitMs, pipeline: true },
  };
}

/**
 * The tenant-reads pool (TenantTransactionalAdapter's reads behind the wall): the same database and
 * entities, connections that run as the tenant role with read-only transactions for their whole session
 * (TENANT_READ_SESSION_OPTIONS), no migrations, no subscribers, no extension installs (it cannot write).
 */
export function tenantReadsOptions(databaseUrl: string, pool: PoolSize = READ_POOL): DataSourceOptions {
  return {
    ...dataSourceOptions(databaseUrl, pool),
    name: TENANT_READS,
    migrations: [],
    subscribers: [],
    installExtensions: false,
    extra: { max: pool.max, connectionTimeoutMillis: pool.waitMs, pipeline: true, options: TENANT_READ_SESSION_OPTIONS },
  } as DataSourceOptions;
}

/** Create the database named in the URL when it does not exist yet. */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      // Another process (the worker beside the API) may create it at the same moment: that is as good.
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`).catch((err: { code?: string }) => {
        if (err.code !== '42P04' && err.code !== '23505') throw err; // duplicate_database, or the catalog's unique index
      });
    }
  } finally {
    await client.end();
  }
}

/** Create the database if missing and run pending migrations; used at start-up and by `npm run migrate`. */
export async function migrate(databaseUrl: string): Promise<string[]> {
  await ensureDatabase(databaseUrl);
  const ds = new DataSource(dataSourceOptions(databaseUrl));
  await ds.initialize();
  // The API and the worker both migrate when they start (`npm start` starts them together): one at a time,
  // under a session advisory lock, or both run the first migration on an empty database and one fails.
  const lock = ds.createQueryRunner();
  try {
    await lock.connect();
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const ran = await ds.runMigrations({ transaction: 'each' });
    return ran.map((m) => m.name);
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.release();
    await ds.destroy();
  }
}

/** The advisory lock key migrations run under ('keyledger' as a number). */
const MIGRATION_LOCK = 0x6b65796c6564;
