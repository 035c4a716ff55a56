import { type INestApplicationContext } from '@nestjs/common';
import { transformFileSync } from '@swc/core';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { type Env, loadEnv } from '../../src/config/env';
import { createWorker } from '../../src/worker';
import { readRunState, REDIS_URL } from './test-db';

const API_ROOT = resolve(__dirname, '../..');

/** The settings a test app or worker runs with: this run's database, data folder and queue prefix. */
export function testSettings(overrides: Record<string, string> = {}): Record<string, string> {
  const state = readRunState();
  return {
    NODE_ENV: 'test',
    DATABASE_URL: state.databaseUrl,
    REDIS_URL,
    DATA_DIR: state.dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DEMO_SEED: 'false',
    QUEUE_PREFIX: `kltest-${state.databaseName}`,
    ...overrides,
  };
}

export interface TestWorker {
  app: INestApplicationContext;
  env: Env;
  close: () => Promise<void>;
}

/** The real worker (every processor, BullMQ, PostgreSQL) inside the test process. */
export async function startWorker(overrides: Record<string, string> = {}): Promise<TestWorker> {
  const env = loadEnv(testSettings(overrides));
  const app = await createWorker(env);
  await app.init();
  return { app, env, close: () => app.close() };
}

/**
 * The worker compiled to JavaScript (with swc, the compiler the tests themselves run on) into this
 * run's data folder, so a test can run it as a separate process and kill it. Built once per run.
 */
export function buildWorkerScript(): string {
  const out = join(readRunState().dataDir, 'worker-build');
  const entry = join(out, 'worker.js');
  if (existsSync(entry)) return entry;
  const tmp = `${out}.${process.pid}.tmp`;
  const src = join(API_ROOT, 'src');
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') && !p.endsWith('.spec.ts') ? [p] : [];
    });
  for (const file of walk(src)) {
    const { code } = transformFileSync(file, {
      swcrc: false,
      sourceMaps: false,
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
        keepClassNames: true,
      },
      module: { type: 'commonjs' },
    });
    const target = join(tmp, relative(src, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, code);
  }
  try {
    renameSync(tmp, out);
  } catch (err) {
    if (!existsSync(entry)) throw err; // another test file built it first
  }
  return entry;
}

export interface LogLine {
  msg?: string;
  level?: number;
  [key: string]: unknown;
}

/** A worker in its own process, its JSON log lines collected. */
export class ChildWorker {
  readonly logs: LogLine[] = [];
  readonly output: string[] = [];
  private readonly exited: Promise<number | null>;
  private readonly listeners = new Set<() => void>();

  private constructor(readonly process: ChildProcess) {
    const collect = (stream: NodeJS.ReadableStream) =>
      createInterface({ input: stream }).on('line', (line) => {
        this.output.push(line);
        try {
          this.logs.push(JSON.parse(line) as LogLine);
        } catch {
          // not a log line
        }
        for (const l of this.listeners) l();
      });
    collect(process.stdout!);
    collect(process.stderr!);
    this.exited = new Promise((resolve) => process.once('exit', (code) => resolve(code)));
  }

  static spawn(overrides: Record<string, string> = {}): ChildWorker {
    const settings = testSettings({ LOG_LEVEL: 'info', ...overrides });
    const child = spawn(process.execPath, [buildWorkerScript()], {
      cwd: API_ROOT,
      env: {
        PATH: process.env.PATH,
        NODE_PATH: [join(API_ROOT, 'node_modules'), resolve(API_ROOT, '../../node_modules')].join(':'),
        ...settings,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new ChildWorker(child);
  }

  /** The first log line (so far or to come) that matches; fails if the process exits first. */
  waitForLog(match: (l: LogLine) => boolean, timeoutMs = 30_000): Promise<LogLine> {
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      const check = () => {
        const found = this.logs.find(match);
        if (found) {
          cleanup();
          resolve(found);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no matching worker log line within ${timeoutMs} ms:\n${this.output.slice(-20).join('\n')}`));
      }, timeoutMs);
      this.listeners.add(check);
      void this.exited.then((code) => {
        if (!this.listeners.has(check)) return;
        cleanup();
        reject(new Error(`the worker exited (${code}) first:\n${this.output.slice(-20).join('\n')}`));
      });
      check();
    });
  }

  /** Resolves once it consumes its queues. */
  ready(): Promise<LogLine> {
    return this.waitForLog((l) => typeof l.msg === 'string' && l.msg.includes('consuming its queues'), 60_000);
  }

  async kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill(signal);
    await this.exited;
  }
}
