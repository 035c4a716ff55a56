import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const STATE_DIR = join(tmpdir(), 'keyledger-test-runs');

export const ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function newDatabaseName(): string {
  return `keyledger_test_${Date.now()}_${randomBytes(3).toString('hex')}`;
}

export function databaseUrl(name: string): string {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

export interface RunState {
  databaseName: string;
  databaseUrl: string;
  dataDir: string;
}

export function writeRunState(state: RunState): string {
  mkdirSync(STATE_DIR, { recursive: true });
  const file = join(STATE_DIR, `${state.databaseName}.json`);
  writeFileSync(file, JSON.stringify(state));
  return file;
}

export function readRunState(): RunState {
  const file = process.env.KEYLEDGER_TEST_STATE;
  if (!file || !existsSync(file)) throw new Error('The integration tests need their global setup (run them through jest)');
  return JSON.parse(readFileSync(file, 'utf8')) as RunState;
}

export function removeRunState(file: string): void {
  rmSync(file, { force: true });
}
