import { Injectable, Logger } from '@nestjs/common';
import { AccountsService } from '../accounts/accounts.service';
import { type Mail, MailService } from '../mail/mail.service';
import { AuditExportsRepository, type AuditExportRow } from './audit-exports.repository';
import { ExportLinkSigner } from './export-link.signer';
import { exportFileName, filterInWords } from './audit-export.mapper';

export function humanSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

const n = (v: number | string) => Number(v).toLocaleString('en-US');
const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/**
 * The one email of each export: "ready" with its signed link, or "failed" with what to do. Claimed
 * in the database before sending (emailed_at), so a retried or duplicated job never sends a second.
 */
@Injectable()
export class AuditExportMailer {
  private readonly logger = new Logger(AuditExportMailer.name);

  constructor(
    private readonly exportsRepo: AuditExportsRepository,
    private readonly mail: MailService,
    private readonly signer: ExportLinkSigner,
    private readonly accounts: AccountsService,
  ) {}

  /** Sends the "ready" email unless one was sent; true when this call sent it. */
  sendReadyOnce(exportId: string): Promise<boolean> {
    return this.sendOnce(exportId, async (row, accountName, accountSlug) => {
      const { url, expiresAt } = this.signer.link(row.id, row.account_id);
      const rows = Number(row.rows_written);
      const seqs = row.first_seq ? ` (entries #${n(row.first_seq)} to #${n(row.last_seq ?? row.first_seq)}, oldest first)` : '';
      const lines = [
        `Hello ${row.requested_by_name},`,
        '',
        `Your export of the ${accountName} audit log is ready.`,
        '',
        `Entries: ${n(rows)}${seqs}`,
        `Filter: ${filterInWords(row.filter)}`,
        `Format: ${row.format.toUpperCase()}, ${humanSize(Number(row.size_bytes ?? 0))}`,
        `File: ${exportFileName(accountSlug, row)}`,
        `SHA-256: ${row.sha256}`,
        '',
        `Download it (the link works until ${utc(expiresAt)}):`,
        url,
        '',
        'After that, open Settings > Audit logs > Exports in Keyledger for a new link.',
      ];
      return { subject: `Your audit log export is ready (${n(rows)} ${rows === 1 ? 'entry' : 'entries'})`, text: lines.join('\n') };
    });
  }

  /** Sends the "failed" email unless one (of either kind) was sent. */
  sendFailedOnce(exportId: string): Promise<boolean> {
    return this.sendOnce(exportId, async (row, accountName) => ({
      subject: 'Your audit log export failed',
      text: [
        `Hello ${row.requested_by_name},`,
        '',
        `Your export of the ${accountName} audit log (${row.format.toUpperCase()}, ${filterInWords(row.filter)}) could not be completed.`,
        '',
        row.error ?? 'The export failed.',
        '',
        `Export id: ${row.id}`,
      ].join('\n'),
    }));
  }

  private async sendOnce(
    exportId: string,
    compose: (row: AuditExportRow, accountName: string, accountSlug: string) => Promise<Omit<Mail, 'to'>>,
  ): Promise<boolean> {
    const row = await this.exportsRepo.find(exportId);
    if (!row) return false;
    if (!row.requested_by_email) {
      this.logger.warn(`Export ${exportId}: the requester has no email address, so no email is sent`);
      return false;
    }
    const account = await this.accounts.get(row.account_id);
    const content = await compose(row, account?.name ?? 'your', account?.slug ?? 'account');
    if (!(await this.exportsRepo.claimEmail(exportId))) return false;
    try {
      await this.mail.send({ to: row.requested_by_email, ...content });
    } catch (err) {
      await this.exportsRepo.releaseEmail(exportId);
      throw err;
    }
    this.logger.log(`Export ${exportId}: emailed "${content.subject}" to ${row.requested_by_email}`);
    return true;
  }
}
