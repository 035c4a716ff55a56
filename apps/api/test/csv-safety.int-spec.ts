import { type AuditExport } from '@keyledger/contract';
import { Queue, QueueEvents } from 'bullmq';
import Redis from 'ioredis';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { type Client } from 'pg';
import { csvCell, neutraliseFormulas } from '../src/exports/audit-export.format';
import { neutralSql } from '../src/exports/csv-copy';
import { bullConnection } from '../src/jobs/bull';
import { QUEUES } from '../src/jobs/queues';
import { startApp, type TestApp } from './support/app';
import { expectStatus, ok, signedUpTyped } from './support/typed-client';
import { parseCsv } from './support/csv';
import { connectDb } from './support/db';
import { FORMULA_CASES } from './support/formula-cases';
import { readRunState, REDIS_URL } from './support/test-db';
import { startWorker, type TestWorker } from './support/worker';

/** A user agent carrying the attack (HTTP headers hold no CR, LF or characters beyond Latin-1). */
const agent = (attack: string) => `Agent/1.0 (X11; ${attack.replace(/[\r\n]/g, ";").replace(/[\u0100-\uffff]/g, "=")})`;
const TRIGGER = /^[=+\-@\t\r＝＋－＠]/;
const ATTACKS = [
  "x;=cmd|' /C calc'!A0",
  '=HYPERLINK("http://evil.test","click")',
  'Acme, +1 (555) 0100',
  'tab\t@SUM(1+1)*cmd|x',
  'line one\n-2+3+cmd|x',
  'pipe|=1+1',
  'a;  =1+1',
  '＝cmd',
];

describe('CSV fit for spreadsheets in every locale', () => {
  let db: Client;
  beforeAll(async () => {
    db = await connectDb();
  });
  afterAll(() => db.end());

  it('PostgreSQL applies the same formula rule as Node, case by case', async () => {
    for (const [value, neutral] of FORMULA_CASES) {
      const { rows } = await db.query<{ out: string }>(`SELECT ${neutralSql('$1::text')} AS out`, [value]);
      expect({ value, out: rows[0]!.out }).toEqual({ value, out: neutral });
      expect(neutraliseFormulas(value)).toBe(neutral);
    }
    const { rows } = await db.query<{ out: string | null }>(`SELECT ${neutralSql('NULL::text')} AS out`);
    expect(rows[0]!.out).toBeNull();
  });

  describe('an export of entries holding attack strings', () => {
    const tag = randomUUID().slice(0, 8);
    const settings = {
      REDIS_PREFIX: `kltest-csv-${tag}`,
      EXPORT_SIGNING_SECRET: randomBytes(32).toString('hex'),
      EXPORTS_DIR: join(readRunState().dataDir, `exports-${tag}`),
    };
    let t: TestApp;
    let worker: TestWorker;

    beforeAll(async () => {
      t = await startApp(settings);
      worker = await startWorker(settings);
    });
    afterAll(async () => {
      await worker?.close();
      await t?.close();
      const redis = new Redis(REDIS_URL);
      for await (const keys of redis.scanStream({ match: `${settings.REDIS_PREFIX}:*` }) as AsyncIterable<string[]>) {
        if (keys.length) await redis.del(...keys);
      }
      redis.disconnect();
    });

    it('quotes every cell, neutralises every trigger at the start or after a separator, and reads back exactly so', async () => {
      const { api } = await signedUpTyped(t.url);
      for (const [i, name] of ATTACKS.entries()) {
        const res = await api.products.create({ body: { name, code: `atk-${tag}-${i}` }, extraHeaders: { 'user-agent': agent(name) } });
        expect(res.status).toBe(201);
      }
      const created = await api.auditExports.create({ body: { format: 'csv', filter: { action: ['product_created'] } } });
      expectStatus(created, 202);
      const queue = new Queue(QUEUES.auditExports, { connection: bullConnection(t.env), prefix: settings.REDIS_PREFIX });
      const events = new QueueEvents(QUEUES.auditExports, { connection: bullConnection(t.env), prefix: settings.REDIS_PREFIX });
      let exp: AuditExport;
      try {
        await (await queue.getJob(created.body.id))!.waitUntilFinished(events, 60_000);
        exp = ok(await api.auditExports.get({ params: { id: created.body.id } }), 200);
      } finally {
        await events.close();
        await queue.close();
      }
      expect(exp.status).toBe('completed');
      const text = Buffer.from(await (await fetch(exp.downloadUrl!.replace(t.env.PUBLIC_URL, t.url))).arrayBuffer()).toString('utf8');

      // An RFC 4180 reader gets the neutralised text of every cell back.
      const [header, ...rows] = parseCsv(text);
      expect(rows).toHaveLength(ATTACKS.length);
      const col = (name: string) => header!.indexOf(name);
      expect(rows.map((r) => r[col('target_label')]).sort()).toEqual(ATTACKS.map(neutraliseFormulas).sort());
      expect(rows.map((r) => r[col('user_agent')]).sort()).toEqual(ATTACKS.map((a) => neutraliseFormulas(agent(a))).sort());
      expect(rows.find((r) => r[col('target_label')] === "x;'=cmd|' /C calc'!A0")).toBeDefined();
      for (const cell of rows.flat()) expect(cell).not.toMatch(TRIGGER);

      // Every cell of every record, the header's too, is in quotes, or empty (NULL).
      const lines = text.split('\r\n');
      expect(lines.pop()).toBe('');
      expect(lines).toHaveLength(ATTACKS.length + 1);
      for (const line of lines) expect(line).toMatch(/^(?:"(?:[^"]|"")*"|)(?:,(?:"(?:[^"]|"")*"|))*$/);
      expect(lines[0]).toBe(header!.map((h) => csvCell(h)).join(','));

      // A reader that ignores quotes and splits on any locale's separator (or on lines) never finds
      // a piece that starts with a formula trigger.
      for (const sep of [',', ';', '\t', '|', '\n', '\r']) {
        for (const piece of text.split(sep)) expect({ sep, piece: piece.replace(/^ +/, '') }).not.toEqual({ sep, piece: expect.stringMatching(TRIGGER) });
      }
    });
  });
});
