import { type AuditExport } from '@keyledger/contract';
import { Queue, QueueEvents } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { bullConnection } from '../../src/jobs/bull';
import { QUEUES } from '../../src/jobs/queues';
import { startApp, type TestApp } from './app';
import { type ApiClient } from './client';
import { startWorker, type TestWorker } from './worker';

/**
 * The API and a real worker sharing a queue prefix of their own, for tests that need a finished
 * export: `finished` waits for the job through BullMQ's QueueEvents, `download` fetches a link at the
 * test API's address (links are built from PUBLIC_URL).
 */
export interface AppWithWorker {
  t: TestApp;
  finished: (api: ApiClient, id: string) => Promise<AuditExport>;
  download: (link: string, headers?: Record<string, string>) => Promise<{ status: number; body: Buffer }>;
  close: () => Promise<void>;
}

export async function startAppWithWorker(overrides: Record<string, string> = {}): Promise<AppWithWorker> {
  const shared = { QUEUE_PREFIX: `kltest-jobs-${randomUUID().slice(0, 8)}`, ...overrides };
  const t = await startApp(shared);
  let worker: TestWorker | undefined;
  let queue: Queue | undefined;
  let events: QueueEvents | undefined;
  try {
    worker = await startWorker(shared);
    queue = new Queue(QUEUES.auditExports, { connection: bullConnection(t.env), prefix: shared.QUEUE_PREFIX });
    events = new QueueEvents(QUEUES.auditExports, { connection: bullConnection(t.env), prefix: shared.QUEUE_PREFIX });
    await events.waitUntilReady();
  } catch (err) {
    await t.close();
    throw err;
  }
  const q = queue;
  const ev = events;
  return {
    t,
    async finished(api, id) {
      const job = await q.getJob(id);
      if (!job) throw new Error(`no job for export ${id}`);
      await job.waitUntilFinished(ev, 60_000);
      const res = await api.get<AuditExport>(`/api/v1/audit-log/exports/${id}`);
      if (res.status !== 200) throw new Error(`export ${id}: ${res.status}`);
      return res.body;
    },
    async download(link, headers = {}) {
      const res = await fetch(link.replace(t.env.PUBLIC_URL, t.url), { headers });
      return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
    },
    async close() {
      await ev.close();
      await q.obliterate({ force: true }).catch(() => undefined);
      await q.close();
      await worker?.close();
      await t.close();
    },
  };
}
