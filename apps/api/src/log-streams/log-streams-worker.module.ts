import { Module } from '@nestjs/common';
import { MailModule } from '../mail/mail.module';
import { LogStreamDelivery } from './log-stream-delivery.service';
import { LogStreamMailer } from './log-stream.mailer';
import { LogStreamsRepository } from './log-streams.repository';
import { LogStreamSecretBox } from './secret-box';
import { DestinationHttp } from './destination-http';
import { SENDER_PROVIDERS } from './log-stream-senders';

/** The dependencies of LogStreamProcessor, which the worker module registers with the other processors (the audit store is global: AuditStoreModule). */
@Module({
  imports: [MailModule],
  providers: [
    LogStreamDelivery,
    LogStreamMailer,
    LogStreamsRepository,
    LogStreamSecretBox,
    DestinationHttp,
    ...SENDER_PROVIDERS,
  ],
  exports: [LogStreamDelivery],
})
export class LogStreamsWorkerModule {}
