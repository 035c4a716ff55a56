/**
 * What every log-stream spec starts with: the API and a worker on the same settings, a database
 * connection, the log-streams queue's events (to wait for delivery passes) and the checkpoint public key
 * written where `keyledger-verify --key` reads it; and the offline verifier's path.
 */
import { QueueEvents } from 'bullmq';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Client } from 'pg';
import { bullConnection } from '../../src/jobs/bull';
import { QUEUES } from '../../src/jobs/queues';
import { startApp, type TestApp } from './app';
import { ApiClient } from './client';
import { connectDb } from './db';
import { ok, typedClient } from './typed-client';
import { startWorker, type TestWorker } from './worker';

export const VERIFY_BIN = resolve(__dirname, '../../../../packages/verify/bin/keyledger-verify.js');

/** from..to inclusive. */
export const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

export interface StreamStack {
  t: TestApp;
  worker: TestWorker;
  db: Client;
  passes: QueueEvents;
  keyFile: string;
}

export async function startStreamStack(settings: Record<string, string>, queuePrefix: string, dir: string): Promise<StreamStack> {
  const t = await startApp(settings);
  const worker = await startWorker(settings);
  const db = await connectDb();
  const passes = new QueueEvents(QUEUES.logStreams, { connection: bullConnection(t.env), prefix: queuePrefix });
  await passes.waitUntilReady();
  const key = ok(await typedClient(new ApiClient(t.url)).auditIntegrity.publicKey(), 200);
  const keyFile = join(dir, 'checkpoint-public-key.pem');
  writeFileSync(keyFile, key.publicKeyPem);
  return { t, worker, db, passes, keyFile };
}

/**
 * Closes what startStreamStack opened (whatever of it a failed start left) and the destinations the
 * worker sends to — the worker first: a server closing while its client still sends can wait on that
 * client's connection for as long as the client lives.
 */
export async function closeStreamStack(
  { t, worker, db, passes }: Partial<StreamStack>,
  destinations: Array<{ close(): Promise<void> } | undefined> = [],
): Promise<void> {
  await passes?.close();
  await worker?.close();
  await Promise.all(destinations.map((d) => d?.close()));
  await db?.end();
  await t?.close();
}
