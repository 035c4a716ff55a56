import { Module } from '@nestjs/common';
import { MailModule } from '../mail/mail.module';
import { AuditExportMailer } from './audit-export.mailer';
import { AuditExportWriter } from './audit-export.writer';
import { AuditExportsCoreModule } from './audit-exports-core.module';

/** The dependencies of AuditExportProcessor, which the worker module registers with the other processors. */
@Module({
  imports: [AuditExportsCoreModule, MailModule],
  providers: [AuditExportWriter, AuditExportMailer],
  exports: [AuditExportsCoreModule, AuditExportWriter, AuditExportMailer],
})
export class AuditExportsWorkerModule {}
