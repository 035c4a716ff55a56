import { Module } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { type DataSource } from 'typeorm';
import { ENV, type Env } from '../config/env';
import { dataSourceOptions, TENANT_READS, tenantReadsOptions } from './data-source';
import { TENANT_DATA_SOURCES, type TenantDataSources } from './tenant-scope';

/**
 * Two pools on one database: the owner's (the default DataSource: migrations, writes and their
 * transactions, lookups before an account is known) and the tenant reads' (every signed-in GET behind the
 * row-level security wall, see tenant-scope.ts). TENANT_DATA_SOURCES hands both to the transactional adapter.
 */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [ENV],
      useFactory: (env: Env) => dataSourceOptions(env.DATABASE_URL, { max: env.DATABASE_POOL_MAX, waitMs: env.DATABASE_POOL_WAIT_MS }),
    }),
    TypeOrmModule.forRootAsync({
      name: TENANT_READS,
      inject: [ENV],
      useFactory: (env: Env) =>
        tenantReadsOptions(env.DATABASE_URL, { max: env.DATABASE_READ_POOL_MAX, waitMs: env.DATABASE_POOL_WAIT_MS }),
    }),
  ],
  providers: [
    {
      provide: TENANT_DATA_SOURCES,
      inject: [getDataSourceToken(), getDataSourceToken(TENANT_READS)],
      useFactory: (main: DataSource, reads: DataSource): TenantDataSources => ({ main, reads }),
    },
  ],
  exports: [TENANT_DATA_SOURCES],
})
export class DatabaseModule {}
