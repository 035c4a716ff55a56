import { Processor, WorkerHost } from '@nestjs/bullmq';
import { QUEUES } from './jobs/queues';
import { assertEveryQueueHasAProcessor, PROCESSORS } from './worker.module';

@Processor('some-other-queue')
class StrayProcessor extends WorkerHost {
  async process(): Promise<void> {}
}

describe(assertEveryQueueHasAProcessor.name, () => {
  it('accepts the worker as built: every declared queue has its processor', () => {
    expect(() => assertEveryQueueHasAProcessor()).not.toThrow();
    expect(Object.keys(PROCESSORS).sort()).toEqual(Object.values(QUEUES).sort());
  });

  it('refuses to start when a declared queue has no processor', () => {
    const { [QUEUES.auditExports]: _missing, ...rest } = PROCESSORS;
    expect(() => assertEveryQueueHasAProcessor(rest)).toThrow(`Queue "${QUEUES.auditExports}" is declared but has no processor`);
  });

  it('refuses a processor registered for a queue it does not read', () => {
    expect(() => assertEveryQueueHasAProcessor({ ...PROCESSORS, [QUEUES.maintenance]: StrayProcessor })).toThrow(
      /StrayProcessor does not process queue "maintenance"/,
    );
  });
});
