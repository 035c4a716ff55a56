import { Controller } from '@nestjs/common';
import { TsRestHandler, tsRestHandler } from '@ts-rest/nest';
import { contract } from '@keyledger/contract';
import { LogStreamsService } from './log-streams.service';

const c = contract.logStreams;

@Controller()
export class LogStreamsController {
  constructor(private readonly streams: LogStreamsService) {}

  @TsRestHandler(c)
  handlers() {
    return tsRestHandler(c, {
      list: async ({ query }) => ({ status: 200, body: await this.streams.list(query) }),
      get: async ({ params }) => ({ status: 200, body: await this.streams.get(params.id) }),
      create: async ({ body }) => ({ status: 201, body: await this.streams.create(body) }),
      update: async ({ params, body }) => ({
        status: 200,
        body: await this.streams.update(params.id, body),
      }),
      pause: async ({ params }) => ({ status: 200, body: await this.streams.pause(params.id) }),
      resume: async ({ params }) => ({ status: 200, body: await this.streams.resume(params.id) }),
      remove: async ({ params }) => {
        await this.streams.remove(params.id);
        return { status: 204, body: undefined };
      },
      testEvent: async ({ params }) => ({
        status: 200,
        body: await this.streams.testEvent(params.id),
      }),
      backfill: async ({ params, body }) => ({
        status: 200,
        body: await this.streams.backfill(params.id, body),
      }),
      health: async ({ params }) => ({ status: 200, body: await this.streams.health(params.id) }),
    });
  }
}
