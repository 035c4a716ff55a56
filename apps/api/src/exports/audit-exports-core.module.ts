import { Module } from '@nestjs/common';
import { AccountsService } from '../accounts/accounts.service';
import { ENV, type Env } from '../config/env';
import { AuditExportsRepository } from './audit-exports.repository';
import { ExportLinkSigner } from './export-link.signer';
import { EXPORT_STORAGE } from './storage/export-storage';
import { LocalExportStorage } from './storage/local-export.storage';

/** What both the API and the worker use for exports: their records, their files, their links. */
@Module({
  providers: [
    AuditExportsRepository,
    ExportLinkSigner,
    AccountsService,
    { provide: EXPORT_STORAGE, inject: [ENV], useFactory: (env: Env) => new LocalExportStorage(env.EXPORTS_DIR) },
  ],
  exports: [AuditExportsRepository, ExportLinkSigner, AccountsService, EXPORT_STORAGE],
})
export class AuditExportsCoreModule {}
