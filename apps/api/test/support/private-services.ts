import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * A PostgreSQL and a Redis of a test's own, on free ports in a temporary folder, so fault tests can
 * restart and stop them without touching the shared servers or their data.
 */

const run = promisify(execFile);
const PG_BIN = process.env.TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const REDIS_SERVER = process.env.TEST_REDIS_SERVER ?? 'redis-server';

/** Stoppers for whatever is still running if the process leaves without its afterAll. */
const leftovers = new Set<() => void>();
process.once('exit', () => {
  for (const stop of leftovers) {
    try {
      stop();
    } catch {
      // best effort
    }
  }
});

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on the port. */
export async function waitForPort(port: number, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = createConnection(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => (s.destroy(), resolve(false)));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export class PrivatePostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  get dataDir() {
    return join(this.dir, 'data');
  }

  /** initdb + pg_ctl start on a free port, as the postgres OS user when running as root. */
  static async start(): Promise<PrivatePostgres> {
    for (const bin of ['initdb', 'pg_ctl']) {
      if (!existsSync(join(PG_BIN, bin))) {
        throw new Error(
          `PostgreSQL server binaries not found: ${join(PG_BIN, bin)} is missing. These fault tests start their own ` +
            `PostgreSQL 15; install postgresql-15 (apt-get install postgresql-15) or set TEST_PG_BIN to its bin folder.`,
        );
      }
    }
    const dir = mkdtempSync(join(tmpdir(), 'keyledger-faults-pg-'));
    if (isRoot) chownSync(dir, postgresUid(), postgresGid());
    const pg = new PrivatePostgres(dir, await freePort());
    leftovers.add(pg.stopSync);
    try {
      await pg.pg('initdb', ['-D', pg.dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
      const opts = [
        `-p ${pg.port}`,
        `-k ${dir}`,
        '-c listen_addresses=127.0.0.1',
        // A test database: durability across an OS crash is not what is tested (clean restarts are).
        '-c fsync=off',
        '-c full_page_writes=off',
        '-c max_connections=200',
      ].join(' ');
      await pg.pg('pg_ctl', ['-D', pg.dataDir, '-l', join(dir, 'postgres.log'), '-w', '-t', '60', '-o', opts, 'start']);
    } catch (err) {
      await pg.stop();
      throw err;
    }
    return pg;
  }

  url(database = 'keyledger'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** `pg_ctl restart -m fast`: every session is disconnected, in-flight transactions abort. */
  async restart(): Promise<void> {
    await this.pg('pg_ctl', ['-D', this.dataDir, '-w', '-t', '60', '-m', 'fast', 'restart', '-l', join(this.dir, 'postgres.log')]);
  }

  log(): string {
    try {
      return readFileSync(join(this.dir, 'postgres.log'), 'utf8');
    } catch {
      return '';
    }
  }

  async stop(): Promise<void> {
    this.stopSync();
  }

  private readonly stopSync = () => {
    leftovers.delete(this.stopSync);
    if (existsSync(join(this.dataDir, 'postmaster.pid'))) {
      try {
        execFileSync(...this.command('pg_ctl', ['-D', this.dataDir, '-w', '-m', 'immediate', 'stop']), { stdio: 'ignore' });
      } catch {
        // already gone
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  };

  private command(bin: string, args: string[]): [string, string[]] {
    const path = join(PG_BIN, bin);
    return isRoot ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
  }

  private async pg(bin: string, args: string[]): Promise<void> {
    const [cmd, argv] = this.command(bin, args);
    try {
      await run(cmd, argv, { cwd: this.dir, timeout: 90_000 });
    } catch (err) {
      const e = err as Error & { stdout?: string; stderr?: string };
      throw new Error(`${bin} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}\n${this.log().slice(-2000)}`);
    }
  }
}

function postgresUid(): number {
  return Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
}
function postgresGid(): number {
  return Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
}

export class PrivateRedis {
  private child?: ChildProcess;
  private exited?: Promise<void>;

  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.up();
    return redis;
  }

  get url() {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** `redis-server --port <port> --save '' --appendonly no` (again, on the same port, after `down`). */
  async up(): Promise<void> {
    const child = spawn(REDIS_SERVER, ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    const failed = new Promise<never>((_, reject) =>
      child.once('error', (err) =>
        reject(new Error(`cannot run ${REDIS_SERVER} (${err.message}): install redis-server or set TEST_REDIS_SERVER`)),
      ),
    );
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    leftovers.add(this.killSync);
    await Promise.race([waitForPort(this.port), failed]);
  }

  /** Stops the server (SIGTERM; nothing saved, so it comes back empty). */
  async down(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await this.exited;
    leftovers.delete(this.killSync);
  }

  private readonly killSync = () => {
    this.child?.kill('SIGKILL');
  };
}
