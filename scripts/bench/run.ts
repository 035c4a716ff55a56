/**
 * `npm run bench [-- --quick] [--only P4,P5]`: the performance targets of issue 8, each measured
 * against a baseline in the same run. A benchmark, not a test: nothing in `npm test` runs it.
 * Needs the databases made by `npm run bench:seed` (keyledger_bench, keyledger_bench_small).
 * Prints a table and writes bench/results/<date>.json.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { type ResolvedAuditFilter } from '@keyledger/contract';
import { measureP1 } from './p1';
import { BENCH_DB, BENCH_DB_SMALL, dbUrl, LARGE_ACCOUNT } from './seed';
import { measureP11, measureP12 } from './streams';
/* eslint-disable @typescript-eslint/no-require-imports */
// The compiled API (npm run bench builds it first): the very SQL the service runs.
const { AuditStore } = require('../../apps/api/dist/audit/audit.store') as typeof import('../../apps/api/src/audit/audit.store');
const { runFullVerification } = require('../../apps/api/dist/integrity/full-verification') as typeof import('../../apps/api/src/integrity/full-verification');
const { migrate } = require('../../apps/api/dist/database/data-source') as { migrate: (url: string) => Promise<string[]> };
const { inlineParams } = require('../../apps/api/dist/exports/copy-rows') as { inlineParams: (sql: string, params: readonly unknown[]) => string };
const { enterAccountForSession, TENANT_READ_SESSION_OPTIONS, ACCOUNT_SETTING, TENANT_ROLE } = require('../../apps/api/dist/database/tenant-scope') as typeof import('../../apps/api/src/database/tenant-scope');
/* eslint-enable @typescript-eslint/no-require-imports */

const QUICK = process.argv.includes('--quick');
const ONLY = (() => {
  const i = process.argv.indexOf('--only');
  return i >= 0 ? new Set(process.argv[i + 1]!.split(',')) : null;
})();
const want = (p: string) => !ONLY || ONLY.has(p);
const ROOT = join(__dirname, '..', '..');
const TMP = join(ROOT, 'bench', 'data');

interface Row {
  id: string;
  measure: string;
  figure: string;
  baseline: string;
  ratio: number | null;
  target: string;
  holds: boolean | null;
  detail?: Record<string, unknown>;
}
const rows: Row[] = [];

function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const ms = (x: number) => `${x < 10 ? x.toFixed(2) : x.toFixed(1)} ms`;

async function time(c: Client, sql: string, params: unknown[]): Promise<number> {
  const t = process.hrtime.bigint();
  await c.query(sql, params);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/** Latencies of a list of queries, each run `reps` times after one warm-up pass. */
async function sample(c: Client, queries: Array<[string, unknown[]]>, reps: number): Promise<number[]> {
  for (const [sql, p] of queries) await c.query(sql, p);
  const out: number[] = [];
  for (let i = 0; i < reps; i++) for (const [sql, p] of queries) out.push(await time(c, sql, p));
  return out;
}

/**
 * The previous design, measured beside it: one message `BEGIN READ ONLY; SET LOCAL app.account_id; SET LOCAL
 * ROLE keyledger_tenant` pipelined ahead of the query on an owner connection, COMMIT after the rows.
 */
function beginTransactionWall(accountId: string) {
  return `BEGIN READ ONLY; SET LOCAL ${ACCOUNT_SETTING} = '${accountId}'; SET LOCAL ROLE ${TENANT_ROLE}`;
}

/**
 * One read as the API runs it (TenantReadInterceptor → TenantTransactionalAdapter → readInAccount), on a
 * connection of the tenant-reads pool (session role keyledger_tenant, read-only): `switching` when the
 * connection last served another account — `SET app.account_id` pipelined ahead of the query, its answer
 * awaited with the rows —, otherwise the query alone (the session is in the account already).
 */
async function behindWall(t: Client, sql: string, params: unknown[], switching: boolean): Promise<number> {
  const start = process.hrtime.bigint();
  const entered = switching ? t.query(enterAccountForSession(LARGE_ACCOUNT)) : undefined;
  await t.query(sql, params);
  await entered;
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** The previous design (beginTransactionWall), on the owner's connection; COMMIT not counted, as the API did not await it. */
async function behindTransactionWall(c: Client, sql: string, params: unknown[]): Promise<number> {
  const start = process.hrtime.bigint();
  const begun = c.query(beginTransactionWall(LARGE_ACCOUNT));
  await c.query(sql, params);
  await begun;
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  await c.query('COMMIT');
  return ms;
}

interface WallSample {
  owner: number[];
  /** The session already in the account (the common case: the pool hands out the connection released last). */
  wall: number[];
  /** The connection switching account: SET pipelined ahead of the query. */
  switching: number[];
  /** The previous design: a read-only transaction entering the account, on an owner connection ... */
  transaction: number[];
  /** ... against the owner's plain reads of its own pass. */
  ownerBesideTransaction: number[];
  /** `SELECT 1`: one round trip to the server. */
  roundTrip: number[];
}

/** Runs each of `runs` once per query per round, `reps` rounds, rotating which goes first so all see the same noise. */
async function interleave(queries: Array<[string, unknown[]]>, reps: number, runs: Array<(sql: string, p: unknown[]) => Promise<void>>, after?: () => Promise<void>) {
  for (let i = 0; i < reps; i++) {
    for (const [sql, p] of queries) {
      for (let k = 0; k < runs.length; k++) await runs[(i + k) % runs.length]!(sql, p);
      await after?.();
    }
  }
}

/**
 * The same queries as the owner without a transaction (as before issue 16) and behind the wall, each run
 * `reps` times after one warm-up of each, interleaved. The previous design (a transaction on the owner's
 * connection) is measured in a pass of its own against the owner again: interleaved with the others it
 * slowed the wall's reads against the owner's (p50 ratios 1.08–1.17 with it, 1.00–1.06 without, A/B twice
 * on 2026-12-03), an artefact of the bench, not something the API does any more.
 */
async function sampleWall(c: Client, t: Client, queries: Array<[string, unknown[]]>, reps: number): Promise<WallSample> {
  await t.query(enterAccountForSession(LARGE_ACCOUNT));
  for (const [sql, p] of queries) {
    await c.query(sql, p);
    await behindWall(t, sql, p, false);
    await behindWall(t, sql, p, true);
    await behindTransactionWall(c, sql, p);
  }
  const out: WallSample = { owner: [], wall: [], switching: [], transaction: [], ownerBesideTransaction: [], roundTrip: [] };
  await interleave(
    queries,
    reps,
    [
      async (sql, p) => void out.owner.push(await time(c, sql, p)),
      async (sql, p) => void out.wall.push(await behindWall(t, sql, p, false)),
      async (sql, p) => void out.switching.push(await behindWall(t, sql, p, true)),
    ],
    async () => void out.roundTrip.push(await time(c, 'SELECT 1', [])),
  );
  await interleave(queries, Math.ceil(reps / 3), [
    async (sql, p) => void out.ownerBesideTransaction.push(await time(c, sql, p)),
    async (sql, p) => void out.transaction.push(await behindTransactionWall(c, sql, p)),
  ]);
  return out;
}

/** Two `-rls` rows: the same reads behind the row-level security wall vs as the owner, p95 (p50 in the detail). */
function wallRows(id: string, what: string, { owner, wall, switching, transaction, ownerBesideTransaction, roundTrip }: WallSample): Row[] {
  const o95 = pct(owner, 95);
  const o50 = pct(owner, 50);
  const row = (rowId: string, how: string, xs: number[]): Row => ({
    id: rowId,
    measure: `${what}, p95: behind the RLS wall (${how}) vs owner`,
    figure: ms(pct(xs, 95)),
    baseline: ms(o95),
    ratio: pct(xs, 95) / o95,
    target: '≤1.10×',
    holds: pct(xs, 95) / o95 <= 1.1,
    detail: { p50: pct(xs, 50), p50Owner: o50, p50Ratio: pct(xs, 50) / o50, samples: xs.length, loadAverage: loadavg() },
  });
  const rowsOut = [row(id, 'tenant session already in the account', wall), row(`${id}-switch`, 'tenant session switching account: SET pipelined', switching)];
  rowsOut[0]!.detail = {
    ...rowsOut[0]!.detail,
    roundTripP50: pct(roundTrip, 50),
    previousDesign: {
      how: 'BEGIN READ ONLY; SET LOCAL …; query (COMMIT not awaited), in a pass of its own against the owner',
      p95: pct(transaction, 95),
      p50: pct(transaction, 50),
      p95Ratio: pct(transaction, 95) / pct(ownerBesideTransaction, 95),
      p50Ratio: pct(transaction, 50) / pct(ownerBesideTransaction, 50),
    },
  };
  return rowsOut;
}

/** The audit store's statements, built here and run (or explained) on the bench's own clients. */
const statements = new AuditStore(() => Promise.reject(new Error('statements only: run them on a bench client')));

/** GET /audit-log's query (AuditQueryService.list → AuditStore.listStatement) for a filter and optional cursor. */
function listSql(f: ResolvedAuditFilter, limit = 50, cursorSeq?: number): [string, unknown[]] {
  const { sql, params } = statements.listStatement(LARGE_ACCOUNT, f, limit, cursorSeq);
  return [sql, params];
}

/** /licenses/:id/audit-log's query (AuditQueryService.itemHistory → AuditStore.historyStatement, related = true). */
function historySql(licenseId: string, limit = 50): [string, unknown[]] {
  const { sql, params } = statements.historyStatement(LARGE_ACCOUNT, 'license', licenseId, { related: true, limit });
  return [sql, params];
}

async function connect(db: string) {
  // Pipeline mode, as the API's pool runs (data-source.ts): a query is sent without waiting for the one
  // before it to be answered. Awaited one at a time, as every measure here but the wall's BEGIN is, it
  // changes nothing.
  const c = new Client({ connectionString: dbUrl(db), application_name: 'bench', pipeline: true } as ConstructorParameters<typeof Client>[0]);
  await c.connect();
  return c;
}

/** A connection as the API's tenant-reads pool opens it (the tenant role, read-only, for the session). */
async function connectTenant(db: string) {
  const c = new Client({ connectionString: dbUrl(db), application_name: 'bench-tenant', pipeline: true, options: TENANT_READ_SESSION_OPTIONS } as ConstructorParameters<typeof Client>[0]);
  await c.connect();
  return c;
}

/** The audit store on a bench client (as the worker and the CLI build it on theirs). */
const storeOn = (c: Client) => new AuditStore(async (sql, params) => (await c.query(sql, params)).rows);

async function accountSize(c: Client) {
  return (await storeOn(c).head(LARGE_ACCOUNT))?.seq ?? 0;
}

/** Filters for P4: an action (rare to common) and a 1–3 month range, drawn the same way on both databases. */
function p4Filters(n: number): ResolvedAuditFilter[] {
  const r = prng(4);
  const actions = ['license_disabled', 'device_blacklisted', 'customer_created', 'order_created', 'license_user_assigned', 'product_updated'] as const;
  const start = Date.UTC(2022, 10, 1);
  const span = 3 * 365 * 86_400_000;
  return Array.from({ length: n }, (_, i) => {
    const from = new Date(start + Math.floor(r() * (span - 90 * 86_400_000)));
    const to = new Date(from.getTime() + (30 + Math.floor(r() * 60)) * 86_400_000);
    return { actions: [actions[i % actions.length]!], from, to } as ResolvedAuditFilter;
  });
}

async function p4(big: Client, small: Client) {
  const fs = p4Filters(QUICK ? 12 : 30);
  const reps = QUICK ? 3 : 5;
  const lb = await sample(big, fs.map((f) => listSql(f)), reps);
  const ls = await sample(small, fs.map((f) => listSql(f)), reps);
  const p95b = pct(lb, 95);
  const p95s = pct(ls, 95);
  rows.push({
    id: 'P4',
    measure: 'first page (50), action + date range, p95: large vs 100k copy',
    figure: ms(p95b),
    baseline: ms(p95s),
    ratio: p95b / p95s,
    target: '<50 ms; ≤1.5×',
    holds: p95b < 50 && p95b / p95s <= 1.5,
    detail: { p50Large: pct(lb, 50), p50Small: pct(ls, 50), queries: fs.length, reps },
  });
}

async function p4rls(big: Client, tenant: Client) {
  const fs = p4Filters(QUICK ? 12 : 30);
  rows.push(...wallRows('P4-rls', 'P4 (first page, action + date range)', await sampleWall(big, tenant, fs.map((f) => listSql(f)), QUICK ? 5 : 100)));
}

async function p5(big: Client) {
  const head = await accountSize(big);
  // Page 10,000 of 50 needs ≥ 500,000 entries; on a smaller account the deepest page it has.
  const page = Math.min(10_000, Math.floor((head - 100) / 50));
  const offset = (page - 1) * 50;
  // The cursor of page N is the seq of the last entry of page N-1 (gap-free seq, no filter).
  const cursor = head - offset + 1;
  const reps = QUICK ? 5 : 15;
  const keyset = await sample(big, [listSql({}, 50, cursor)], reps);
  const first = await sample(big, [listSql({})], reps);
  const [osql, op] = listSql({});
  const off = await sample(big, [[osql.replace(/LIMIT (\$\d+)$/, `LIMIT $1 OFFSET ${offset}`), op]], QUICK ? 2 : 5);
  const k = pct(keyset, 50);
  const o = pct(off, 50);
  const f = pct(first, 50);
  rows.push({ id: 'P5a', measure: `keyset page ${page.toLocaleString()} vs OFFSET page ${page.toLocaleString()} (p50)`, figure: ms(k), baseline: ms(o), ratio: o / k, target: '≥50× faster', holds: o / k >= 50, detail: { page, offset } });
  rows.push({ id: 'P5b', measure: `keyset page ${page.toLocaleString()} vs keyset page 1 (p50)`, figure: ms(k), baseline: ms(f), ratio: k / f, target: '≤1.2×', holds: k / f <= 1.2 });
}

/** P6's licenses across the activity spectrum: the busiest, and a random sample (most licenses are quiet). */
async function p6Licenses(big: Client) {
  const busy = await big.query<{ item_id: string; n: string }>(
    `SELECT item_id, count(*) AS n FROM audit_entry_links WHERE account_id = $1 AND item_type = 'license' GROUP BY item_id ORDER BY n DESC LIMIT 10`,
    [LARGE_ACCOUNT],
  );
  const some = await big.query<{ item_id: string }>(
    `SELECT item_id FROM audit_entry_links TABLESAMPLE SYSTEM (1) REPEATABLE (6) WHERE account_id = $1 AND item_type = 'license' LIMIT 30`,
    [LARGE_ACCOUNT],
  );
  return { ids: [...busy.rows.map((r) => r.item_id), ...some.rows.map((r) => r.item_id)], busiest: busy.rows[0]?.n ?? 0 };
}

async function p6(big: Client) {
  const { ids, busiest } = await p6Licenses(big);
  const lat = await sample(big, ids.map((id) => historySql(id)), QUICK ? 3 : 5);
  const p95 = pct(lat, 95);
  rows.push({ id: 'P6', measure: `one license's history, first page, p95 (${ids.length} licenses, up to ${busiest} entries each)`, figure: ms(p95), baseline: '—', ratio: null, target: '<20 ms', holds: p95 < 20, detail: { p50: pct(lat, 50) } });
}

async function p6rls(big: Client, tenant: Client) {
  const { ids } = await p6Licenses(big);
  rows.push(...wallRows('P6-rls', "P6 (one license's history)", await sampleWall(big, tenant, ids.map((id) => historySql(id)), QUICK ? 5 : 100)));
}

/** P7's terms: a rare term (part of one license key), a name, and a common phrase. */
async function p7Terms(big: Client) {
  const key = await big.query<{ target_label: string }>(
    `SELECT target_label FROM audit_entries WHERE account_id = $1 AND target_type = 'license' AND seq = (SELECT last_seq / 2 FROM audit_heads WHERE account_id = $1)`,
    [LARGE_ACCOUNT],
  );
  return [key.rows[0]?.target_label.slice(6, 17).toLowerCase() ?? 'abcde-fghij', 'kowalski', 'initech', 'renewed per ticket'];
}

async function p7rls(big: Client, tenant: Client) {
  const terms = await p7Terms(big);
  rows.push(...wallRows('P7-rls', 'P7 (free-text first page)', await sampleWall(big, tenant, terms.map((text) => listSql({ text })), QUICK ? 3 : 60)));
}

async function p7(big: Client) {
  const terms = await p7Terms(big);
  const reps = QUICK ? 2 : 5;
  const withText = await sample(big, terms.map((text) => listSql({ text })), reps);
  const without = await sample(big, [listSql({})], reps * terms.length);
  // The naive alternative: the same condition where no index can serve it (ILIKE on an expression).
  const ilike = await sample(
    big,
    terms.map((text) => {
      const [sql, p] = listSql({});
      p.splice(p.length - 1, 0, `%${text}%`);
      return [sql.replace(' ORDER BY', ` AND (e.search_text || '') ILIKE $${p.length - 1} ORDER BY`).replace(/LIMIT \$\d+$/, `LIMIT $${p.length}`), p] as [string, unknown[]];
    }),
    1,
  );
  const t = pct(withText, 95);
  const w = pct(without, 95);
  const i = pct(ilike, 95);
  rows.push({ id: 'P7a', measure: 'free-text first page vs same without text (p95)', figure: ms(t), baseline: ms(w), ratio: t / w, target: '≤10×', holds: t / w <= 10, detail: { terms } });
  rows.push({ id: 'P7b', measure: 'free-text first page vs unindexed ILIKE scan (p95)', figure: ms(t), baseline: ms(i), ratio: i / t, target: '≥20× faster', holds: i / t >= 20 });
}

/** What P8's full verification found, for P10's stored status. */
let verifiedLarge: { seq: number; hash: string; checkpointSeq: number | null; entries: number } | null = null;

/**
 * P8: the worker's full verification (runFullVerification: seq ranges in worker threads, one exported
 * snapshot, boundaries joined) over the large account, against the same code in one thread over the
 * small database's large account (the per-thread rate).
 */
async function p8() {
  const { publicKey } = generateKeyPairSync('ed25519');
  const load = loadavg()[0];
  const one = await runFullVerification({ databaseUrl: dbUrl(BENCH_DB_SMALL), accountId: LARGE_ACCOUNT, publicKey, threads: 1 });
  if (!one.ok) throw new Error(`chain verification failed: ${one.reason}`);
  const cpu = process.cpuUsage();
  const report = await runFullVerification({ databaseUrl: dbUrl(QUICK ? BENCH_DB_SMALL : BENCH_DB), accountId: LARGE_ACCOUNT, publicKey });
  const used = process.cpuUsage(cpu);
  const nodeCpuSeconds = (used.user + used.system) / 1e6;
  if (!report.ok) throw new Error(`chain verification failed: ${report.reason}`);
  if (QUICK) return void rows.push({ id: 'P8', measure: 'full verification (quick: small database)', figure: `${Math.round(report.entriesChecked / report.seconds).toLocaleString()} entries/s`, baseline: '—', ratio: null, target: '≥200,000 entries/s', holds: null });
  verifiedLarge = { seq: report.verifiedThroughSeq, hash: report.verifiedThroughHash, checkpointSeq: null, entries: report.entriesChecked };
  const rate = report.entriesChecked / report.seconds;
  const baseRate = one.entriesChecked / one.seconds;
  rows.push({
    id: 'P8',
    measure: `full verification (worker threads over seq ranges, ${report.threads} threads, ${report.entriesChecked.toLocaleString()} entries) vs one thread (${one.entriesChecked.toLocaleString()} entries)`,
    figure: `${Math.round(rate).toLocaleString()} entries/s`,
    baseline: `${Math.round(baseRate).toLocaleString()} entries/s`,
    ratio: rate / baseRate,
    target: '≥200,000 entries/s',
    holds: rate >= 200_000,
    // Node's CPU (this process and its verification threads; PostgreSQL's own is not counted): on a
    // loaded machine, entries per CPU-second says what the code does, entries per second what it got.
    detail: { seconds: report.seconds, threads: report.threads, nodeCpuSeconds, entriesPerNodeCpuSecond: report.entriesChecked / nodeCpuSeconds, baselineSeconds: one.seconds, loadAverageAtStart: load, loadAverageAtEnd: loadavg()[0] },
  });
}

/**
 * P10: GET /audit-log/integrity at the seeded size: the service's read (stored status, head, latest
 * full run, the checked checkpoint: one statement) in the request's read transaction behind the
 * row-level security wall, against the same transaction with SELECT 1. The bench database is migrated first (the status
 * table), and the large account's status is what P8's full verification found (or, without P8, its
 * head marked verified: the read costs the same).
 */
async function p10(big: Client, tenant: Client) {
  await migrate(dbUrl(BENCH_DB));
  const owner = new AuditStore(async (sql, params) => (await big.query(sql, params)).rows);
  if (!verifiedLarge) {
    const head = await owner.head(LARGE_ACCOUNT);
    verifiedLarge = { seq: head!.seq, hash: head!.hash!, checkpointSeq: null, entries: 0 };
  }
  await owner.saveVerified(LARGE_ACCOUNT, verifiedLarge);
  // As the API reads it: on a tenant-reads connection in the account.
  await tenant.query(enterAccountForSession(LARGE_ACCOUNT));
  const repo = new AuditStore(async (sql, params) => (await tenant.query(sql, params)).rows);
  const read = async () => {
    const { status } = await repo.statusView(LARGE_ACCOUNT);
    if (!status) throw new Error('no stored status');
  };
  const ping = async () => {
    await tenant.query('SELECT 1');
  };
  const time = async (f: () => Promise<void>, n: number) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = process.hrtime.bigint();
      await f();
      out.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    return out;
  };
  await time(read, 20);
  const reads = await time(read, 300);
  const pings = await time(ping, 300);
  const r = pct(reads, 95);
  const b = pct(pings, 95);
  const n = Number((await big.query('SELECT count(*) AS n FROM audit_entries WHERE account_id = $1', [LARGE_ACCOUNT])).rows[0].n);
  rows.push({ id: 'P10', measure: `integrity status read (GET /audit-log/integrity's queries, ${n.toLocaleString()}-entry account) vs SELECT 1 on the same connection: p95`, figure: ms(r), baseline: ms(b), ratio: r / b, target: '<20 ms', holds: r < 20, detail: { p50: pct(reads, 50), loadAverage: loadavg()[0] } });
}

/** A filter as the export child takes it (JSON; dates as ISO strings). */
interface ExportFilter {
  from?: string;
}

function runExport(db: string, format: string, file: string, filter: ExportFilter = {}) {
  const out = execFileSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(__dirname, 'export-child.ts'), dbUrl(db), LARGE_ACCOUNT, format, file, JSON.stringify(filter)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as { ms: number; rows: number; sizeBytes: number; peakRssBytes: number; maxRssBytes: number };
}

/** The baseline: psql's \copy of the same SELECT (the entry columns, the same WHERE, seq order) to a CSV file. */
function psqlCopy(db: string, file: string, filter: ExportFilter = {}) {
  const { rows } = statements.exportStatements(LARGE_ACCOUNT, filter.from ? { from: new Date(filter.from) } : {}, Number.MAX_SAFE_INTEGER);
  const sql = `\\copy (${inlineParams(rows.sql, rows.params)}) TO '${file}' csv`;
  const t = process.hrtime.bigint();
  const r = spawnSync('psql', [dbUrl(db), '-X', '-q', '-c', sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

const P2_ENTRIES = 1_000_000;

async function p2p3(big: Client) {
  mkdirSync(TMP, { recursive: true });
  const f = join(TMP, 'export');
  // P2: the newest 1,000,000 entries of the large account (a date filter), or the whole small copy in quick mode.
  const db = QUICK ? BENCH_DB_SMALL : BENCH_DB;
  let filter: ExportFilter = {};
  if (!QUICK) {
    const head = await accountSize(big);
    const at = await storeOn(big).occurredAt(LARGE_ACCOUNT, head - P2_ENTRIES + 1);
    filter = { from: at!.toISOString() };
  }
  // Warm the cache the same way for both sides, then alternate.
  psqlCopy(db, `${f}.warm`, filter);
  const base = Math.min(psqlCopy(db, `${f}.psql.csv`, filter), psqlCopy(db, `${f}.psql.csv`, filter));
  const csv = [runExport(db, 'csv', `${f}.csv`, filter), runExport(db, 'csv', `${f}.csv`, filter)].sort((a, b) => a.ms - b.ms)[0]!;
  const nd = runExport(db, 'ndjson', `${f}.ndjson`, filter);
  const detail = { filter, bytes: csv.sizeBytes, psqlBytes: statSync(`${f}.psql.csv`).size, ndjsonBytes: nd.sizeBytes, best: 'of two runs each (NDJSON: one)' };
  rows.push({ id: 'P2a', measure: `CSV export of ${csv.rows.toLocaleString()} entries, writer end to end vs psql \\copy csv`, figure: ms(csv.ms), baseline: ms(base), ratio: csv.ms / base, target: '≤1.3×', holds: csv.ms / base <= 1.3, detail });
  rows.push({ id: 'P2b', measure: `NDJSON export of ${nd.rows.toLocaleString()} entries vs psql \\copy csv`, figure: ms(nd.ms), baseline: ms(base), ratio: nd.ms / base, target: '≤1.6×', holds: nd.ms / base <= 1.6 });
  // P3: peak RSS of the export process (its own), the whole large account vs the 100k copy.
  const small = runExport(BENCH_DB_SMALL, 'csv', `${f}.small.csv`);
  const large = QUICK ? runExport(BENCH_DB, 'csv', `${f}.csv`, { from: '2025-06-01T00:00:00.000Z' }) : runExport(BENCH_DB, 'csv', `${f}.csv`);
  rows.push({
    id: 'P3',
    measure: `export process peak RSS, ${large.rows.toLocaleString()}-entry vs ${small.rows.toLocaleString()}-entry CSV export`,
    figure: `${(large.maxRssBytes / 2 ** 20).toFixed(0)} MB`,
    baseline: `${(small.maxRssBytes / 2 ** 20).toFixed(0)} MB`,
    ratio: large.maxRssBytes / small.maxRssBytes,
    target: '≤1.2×',
    holds: large.maxRssBytes / small.maxRssBytes <= 1.2,
    detail: { largeMs: large.ms, smallMs: small.ms },
  });
  rmSync(TMP, { recursive: true, force: true });
}

/** The hot queries over the large account, as the bench runs them: [file name, title, note, query]. */
async function hotQueries(big: Client): Promise<Array<[string, string, string, [string, unknown[]]]>> {
  const head = await accountSize(big);
  const lic = await big.query<{ item_id: string }>(
    `SELECT item_id FROM audit_entry_links WHERE account_id = $1 AND item_type = 'license' GROUP BY item_id ORDER BY count(*) DESC LIMIT 1`,
    [LARGE_ACCOUNT],
  );
  const [f4] = p4Filters(1);
  return [
    ['action-and-date-range', 'P4: first page of GET /audit-log filtered by one action and a date range', 'The date range becomes a seq range (`audit_seq_floor` / `audit_seq_ceiling`, each one probe of `audit_entries_time_idx` inside the function, evaluated when the scan starts) and the scan walks `audit_entries_action_idx` newest first, stopping at 51 rows; the dates stay as the exact test, unindexable (`+ interval \'0\'`), so the planner does not count the range twice and reach for the time index and a sort.', listSql(f4!)],
    ['first-page', 'P5: first page of GET /audit-log without a filter', 'A backward scan of the primary key `(account_id, seq)`.', listSql({})],
    ['keyset-deep-page', 'P5: page 10,000 of GET /audit-log through the keyset cursor', 'The cursor is a seq: the same backward scan of the primary key, starting at `seq < cursor` — as cheap as page 1.', listSql({}, 50, head - 50 * 9_999 + 1)],
    ['item-history', "P6: one license's history (GET /licenses/:id/audit-log, related items included), the busiest license", 'The links table\'s primary key `(account_id, item_type, item_id, seq)` yields the item\'s seqs newest first; each joins its entry by primary key.', historySql(lic.rows[0]!.item_id)],
    ['free-text', 'P7: first page of GET /audit-log?text=kowalski', 'The trigram GIN index `audit_entries_search_idx` finds the matching rows; they are sorted by seq for the page.', listSql({ text: 'kowalski' })],
    ['free-text-rare', 'P7: first page of GET /audit-log?text=<part of one license key>', 'A rare term: the trigram GIN index `audit_entries_search_idx` finds the few matching rows.', listSql({ text: (await p7Terms(big))[0] })],
  ];
}

async function explainTo(big: Client, tenant: Client, file: string, title: string, note: string, [sql, params]: [string, unknown[]], sizes: Record<string, { total: number; account: number }>, wall: boolean) {
  const explain = async () => {
    const c = wall ? tenant : big;
    if (wall) await tenant.query(enterAccountForSession(LARGE_ACCOUNT));
    return (await c.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params)).rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
  };
  await explain(); // warm, as the benchmark is
  const plan = await explain();
  const head = await accountSize(big);
  const how = wall
    ? '\n\nBehind the row-level security wall, as the API runs it since issue 16: on a connection of the tenant-reads pool (session role `keyledger_tenant`, read-only) after `SET app.account_id = …`. The plan is the owner\'s (same indexes, same index conditions) under a one-time filter: the policy `account_id = current_setting(\'app.account_id\')::uuid` meets the query\'s own `account_id = $1` and is checked once. The seq-bound functions run outside the policy (SECURITY DEFINER, answering only for the session\'s account), so the query names `audit_entries` once.'
    : '';
  const md = `# ${title}${wall ? ' — behind the wall' : ''}\n\n${note}${how}\n\nMeasured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)} over ${sizes.large?.total.toLocaleString()} entries (${head.toLocaleString()} in the account).\n\n\`\`\`sql\n${sql}\n-- parameters: ${JSON.stringify(params)}\n\`\`\`\n\n\`\`\`\n${plan}\n\`\`\`\n`;
  writeFileSync(join(ROOT, 'docs', 'queries', `${file}${wall ? '-rls' : ''}.md`), md);
}

/** docs/queries/*.md: EXPLAIN (ANALYZE, BUFFERS) of each hot query over the large account, as the bench ran it. */
async function explainAll(big: Client, tenant: Client, sizes: Record<string, { total: number; account: number }>) {
  mkdirSync(join(ROOT, 'docs', 'queries'), { recursive: true });
  for (const [name, title, note, query] of await hotQueries(big)) await explainTo(big, tenant, name, title, note, query, sizes, false);
}

/** docs/queries/*-rls.md: the P4, P6 and P7 queries' plans behind the wall. */
async function explainRls(big: Client, tenant: Client, sizes: Record<string, { total: number; account: number }>) {
  mkdirSync(join(ROOT, 'docs', 'queries'), { recursive: true });
  for (const [name, title, note, query] of await hotQueries(big)) {
    if (['action-and-date-range', 'item-history', 'free-text', 'free-text-rare'].includes(name)) await explainTo(big, tenant, name, title, note, query, sizes, true);
    if (name === 'free-text-rare') await explainTo(big, tenant, name, title, note, query, sizes, false);
  }
}

async function main() {
  const t0 = Date.now();
  let sizes: Record<string, { total: number; account: number }> = {};
  if (['P2', 'P4', 'P5', 'P6', 'P7', 'P8', 'P10', 'P4-rls', 'P6-rls', 'P7-rls'].some(want)) {
    const big = await connect(BENCH_DB);
    const small = await connect(BENCH_DB_SMALL);
    const tenant = await connectTenant(BENCH_DB);
    sizes = {
      large: { total: Number((await big.query('SELECT count(*) AS n FROM audit_entries')).rows[0].n), account: await accountSize(big) },
      small: { total: Number((await small.query('SELECT count(*) AS n FROM audit_entries')).rows[0].n), account: await accountSize(small) },
    };
    console.log(`Large DB: ${sizes.large.total.toLocaleString()} entries (${sizes.large.account.toLocaleString()} in the large account); small: ${sizes.small.total.toLocaleString()}${QUICK ? ' — quick mode' : ''}`);
    const steps: Array<[string, () => Promise<void>]> = [
      ['P4', () => p4(big, small)],
      ['P5', () => p5(big)],
      ['P6', () => p6(big)],
      ['P7', () => p7(big)],
      ['P4-rls', () => p4rls(big, tenant)],
      ['P6-rls', () => p6rls(big, tenant)],
      ['P7-rls', () => p7rls(big, tenant)],
      ['P8', () => p8()],
      ['P10', () => p10(big, tenant)],
      ['P2', () => p2p3(big)],
    ];
    for (const [id, step] of steps) {
      if (!want(id)) continue;
      const t = Date.now();
      await step();
      console.log(`  ${id} measured in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }
    if (!QUICK && !ONLY) await explainAll(big, tenant, sizes);
    if (!QUICK && ['P4-rls', 'P6-rls', 'P7-rls'].some(want)) await explainRls(big, tenant, sizes);
    await big.end();
    await small.end();
    await tenant.end();
  }
  if (want('P11')) {
    const t = Date.now();
    const n = QUICK ? 100_000 : 1_000_000;
    const p11 = await measureP11(n);
    // The baseline: the CSV export of the same entries (the export writer in its own process, as P2a), best of two.
    const big = await connect(BENCH_DB);
    const from = (await storeOn(big).occurredAt(LARGE_ACCOUNT, p11.fromSeq))!;
    await big.end();
    mkdirSync(TMP, { recursive: true });
    const file = join(TMP, 'p11.csv');
    const csv = [runExport(BENCH_DB, 'csv', file, { from: from.toISOString() }), runExport(BENCH_DB, 'csv', file, { from: from.toISOString() })].sort((a, b) => a.ms - b.ms)[0]!;
    rmSync(TMP, { recursive: true, force: true });
    const exportRate = (csv.rows / csv.ms) * 1000;
    rows.push({
      id: 'P11',
      measure: `log stream backfill of ${p11.entries.toLocaleString()} entries to a local HTTPS receiver (one worker, ${p11.batches.toLocaleString()} batches) vs CSV export of the same`,
      figure: `${Math.round(p11.rate).toLocaleString()} entries/s`,
      baseline: `${Math.round(exportRate).toLocaleString()} entries/s`,
      ratio: p11.rate / exportRate,
      target: '≥50,000/s; ≥0.3×',
      holds: p11.rate >= 50_000 && p11.rate / exportRate >= 0.3 && p11.outOfOrder === 0 && p11.miscounted === 0,
      detail: { ...p11, exportMs: csv.ms, exportRows: csv.rows },
    });
    console.log(`  P11 measured in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
  if (want('P12')) {
    const t = Date.now();
    const p12 = await measureP12(QUICK ? 15 : 60);
    rows.push({
      id: 'P12',
      measure: `steady audited writes through the API, 100/s scheduled over 4 accounts (${Math.round(p12.writesPerSecond)}/s answered, ${p12.skippedWrites} skipped at 32 in flight; ${p12.entries.toLocaleString()} entries): write answered (committed) → received, p99`,
      figure: ms(p12.p99),
      baseline: '—',
      ratio: null,
      target: '<5 s',
      holds: p12.p99 < 5000 && p12.failedWrites === 0 && p12.writesPerSecond >= 95,
      detail: { ...p12 },
    });
    console.log(`  P12 measured in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
  if (want('P1')) {
    const t = Date.now();
    const { on, off, single, scale, seal } = await measureP1(QUICK);
    const bad = on.non2xx + off.non2xx;
    const measure = `audited PATCH /licenses/:id vs auditing off (autocannon, 32 connections${bad ? `, ${bad} non-2xx!` : ''})`;
    rows.push({ id: 'P1a', measure: `${measure}: p50`, figure: ms(on.p50), baseline: ms(off.p50), ratio: on.p50 / off.p50, target: '≤1.10×', holds: on.p50 / off.p50 <= 1.1 && bad === 0, detail: { on, off } });
    rows.push({ id: 'P1b', measure: `${measure}: p95`, figure: ms(on.p95), baseline: ms(off.p95), ratio: on.p95 / off.p95, target: '≤1.20×', holds: on.p95 / off.p95 <= 1.2 && bad === 0 });
    const cpuNote = `machine busy ${Math.round(on.busy * 100)} % / ${Math.round(off.busy * 100)} %, CPU ${on.cpuMsPerRequest.toFixed(2)} / ${off.cpuMsPerRequest.toFixed(2)} ms a request`;
    rows.push({ id: 'P1c', measure: `${measure}: throughput (${cpuNote})`, figure: `${Math.round(on.rps)}/s`, baseline: `${Math.round(off.rps)}/s`, ratio: on.rps / off.rps, target: '≥0.90×', holds: on.rps / off.rps >= 0.9 && bad === 0 });
    rows.push({ id: 'P1d', measure: 'the same, one connection: p50 with auditing minus without (auditing\'s own cost per request)', figure: ms(single.on - single.off), baseline: `${ms(single.off)} without`, ratio: single.on / single.off, target: '<1 ms (issue 8, item 4)', holds: single.on - single.off < 1, detail: single });
    rows.push({ id: 'P1e', measure: `one account, audited PATCH throughput: two API processes (32 connections each) vs one (32); auditing off, the same: ${(scale.unaudited.two / scale.unaudited.one).toFixed(2)}×`, figure: `${Math.round(scale.two)}/s`, baseline: `${Math.round(scale.one)}/s`, ratio: scale.two / scale.one, target: '≥1.7×', holds: scale.two / scale.one >= 1.7, detail: scale });
    // P9 (issue 13): commit → sealed under this load, read off the entries of the audited rounds
    // (recorded → sealed_at: the record is a moment before COMMIT, so this bounds the delay from above).
    rows.push({ id: 'P9', measure: `seal delay under the P1 load (recorded → sealed, ${seal.entries.toLocaleString()} entries), p50 / p99`, figure: `${ms(seal.p50)} / ${ms(seal.p99)}`, baseline: '—', ratio: null, target: '<100 ms / <1 s', holds: seal.entries > 0 && seal.p50 < 100 && seal.p99 < 1000, detail: seal });
    console.log(`  P1 measured in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }

  const table = [
    '| # | measure | figure | baseline | ratio | target | holds |',
    '|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.id} | ${r.measure} | ${r.figure} | ${r.baseline} | ${r.ratio === null ? '—' : `${r.ratio.toFixed(2)}×`} | ${r.target} | ${r.holds === null ? '—' : r.holds ? 'yes' : '**no**'} |`),
  ].join('\n');
  console.log(`\n${table}\n`);
  const machine = { cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`, memory: `${Math.round(totalmem() / 2 ** 30)} GB`, node: process.version, postgres: execFileSync('psql', [dbUrl('postgres'), '-XtAc', 'SHOW server_version'], { encoding: 'utf8' }).trim() };
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}${QUICK ? '-quick' : ''}.json`);
  writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), quick: QUICK, seconds: (Date.now() - t0) / 1000, machine, sizes, results: rows }, null, 2)}\n`);
  console.log(`Written ${file} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
