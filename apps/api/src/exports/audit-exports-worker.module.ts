import { Module } from '@nestjs/common';
import { MailModule } from '../mail/mail.module';
import { AuditExportMailer } from './audit-export.mailer';
import { AuditExportRetention } from './audit-export.retention';
import { AuditExportWriter } from './audit-export.writer';
import { AuditExportsCoreModule } from './audit-exports-core.module';

/** The dependencies of AuditExportProcessor (and of the maintenance job expiring export files), which the worker module registers with the other processors. */
@Module({
  imports: [AuditExportsCoreModule, MailModule],
  providers: [AuditExportWriter, AuditExportMailer, AuditExportRetention],
  exports: [AuditExportsCoreModule, AuditExportWriter, AuditExportMailer, AuditExportRetention],
})
export class AuditExportsWorkerModule {}
