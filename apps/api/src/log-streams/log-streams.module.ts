import { Module } from '@nestjs/common';
import { LogStreamsController } from './log-streams.controller';
import { LogStreamsRepository } from './log-streams.repository';
import { LogStreamsService } from './log-streams.service';
import { LogStreamSecretBox } from './secret-box';
import { DestinationHttp } from './destination-http';
import { SENDER_PROVIDERS } from './log-stream-senders';

/** Settings > Log streams (API side); the worker delivers them (LogStreamsWorkerModule). */
@Module({
  controllers: [LogStreamsController],
  providers: [LogStreamsService, LogStreamsRepository, LogStreamSecretBox, DestinationHttp, ...SENDER_PROVIDERS],
})
export class LogStreamsModule {}
