import { Injectable, Logger } from '@nestjs/common';
import { MailService } from '../mail/mail.service';
import { type LogStreamRow, LogStreamsRepository } from './log-streams.repository';
import { destinationLabel } from './destinations';

/**
 * "Your log stream is failing", to the account's admins, once per failing spell: claimed in the
 * database (failing_notified_at) before sending, cleared when the stream delivers again.
 */
@Injectable()
export class LogStreamMailer {
  private readonly logger = new Logger(LogStreamMailer.name);

  constructor(
    private readonly repo: LogStreamsRepository,
    private readonly mail: MailService,
  ) {}

  async sendFailingOnce(stream: LogStreamRow): Promise<boolean> {
    if (!(await this.repo.claimFailingNotice(stream.id))) return false;
    try {
      const to = await this.repo.adminEmails(stream.account_id);
      for (const address of to) {
        await this.mail.send({
          to: address,
          subject: `Log stream "${stream.name}" is failing`,
          text: [
            `The log stream "${stream.name}" could not deliver the audit log to ${destinationLabel(stream.destination_type, stream.config)}.`,
            '',
            `Failed attempts in a row: ${stream.consecutive_failures}`,
            `Last error: ${stream.last_error ?? 'unknown'}`,
            `Delivered through entry #${stream.delivered_through_seq}.`,
            '',
            'Keyledger keeps retrying with growing delays and catches up by itself once the destination answers again:',
            'nothing is lost, the audit log is the buffer. See Settings > Log streams for its health.',
          ].join('\n'),
        });
      }
      this.logger.warn(`Log stream ${stream.id} is failing: emailed ${to.length} admin(s)`);
      return true;
    } catch (err) {
      await this.repo.releaseFailingNotice(stream.id);
      throw err;
    }
  }
}
