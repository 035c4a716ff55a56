import { Module } from '@nestjs/common';
import { AccountsService } from '../accounts/accounts.service';
import { ENV, type Env } from '../config/env';
import { AuditExportsRepository } from './audit-exports.repository';
import { ExportLinkSigner } from './export-link.signer';
import { createExportStorage } from './storage/create-export-storage';
import { EXPORT_STORAGE } from './storage/export-storage';

/**
 * What both the API and the worker use for exports: their records, their files, their links. The files'
 * storage is chosen here for both (EXPORT_STORAGE_URL: an S3-compatible bucket, so the API and the
 * workers may run on different machines with no shared disk; else the local folder EXPORTS_DIR).
 */
@Module({
  providers: [
    AuditExportsRepository,
    ExportLinkSigner,
    AccountsService,
    { provide: EXPORT_STORAGE, inject: [ENV], useFactory: (env: Env) => createExportStorage(env) },
  ],
  exports: [AuditExportsRepository, ExportLinkSigner, AccountsService, EXPORT_STORAGE],
})
export class AuditExportsCoreModule {}
