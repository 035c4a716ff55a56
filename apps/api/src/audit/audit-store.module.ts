import { Global, Module } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { type TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuditSealer } from './audit-sealer';
import { AuditStore } from './audit.store';

/**
 * The audit store on the current transaction (CLS): each statement runs on TransactionHost.tx at the
 * time it is sent, so one instance serves every request and job. Global, imported once by the API
 * (through AuditModule) and once by the worker (WorkerModule). With it, each process's AuditSealer.
 */
@Global()
@Module({
  providers: [
    {
      provide: AuditStore,
      inject: [TransactionHost],
      useFactory: (txHost: TransactionHost<TransactionalAdapterTypeOrm>) =>
        new AuditStore((sql, params) => txHost.tx.query(sql, params)),
    },
    AuditSealer,
  ],
  exports: [AuditStore, AuditSealer],
})
export class AuditStoreModule {}
