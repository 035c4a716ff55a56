/**
 * Benchmark data generator (not a test): `npm run bench:seed -- --entries 10000000 [--small 100000] [--only large|small]`.
 *
 * Builds `keyledger_bench` (N entries) and `keyledger_bench_small` (100,000 entries) from scratch
 * (DROP/CREATE DATABASE: audit_entries refuses UPDATE/DELETE/TRUNCATE), migrated with the real
 * migrations, then streams entries through COPY. Several accounts, one holding most entries; 3 years
 * of history; a realistic spread of actions, actors, items and change sizes; valid hash chains made
 * with @keyledger/verify's entryHash, link rows and chain heads, so verification benchmarks are real.
 *
 * The audit tables' indexes are dropped before the load and re-created from their exact definitions
 * afterwards (bulk index builds are many times faster than per-row maintenance); the schema ends
 * identical to the migrated one.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { AUDIT_ACTION_CATALOG, type AuditAction } from '@keyledger/contract';
import { entryHash, GENESIS_HASH } from '@keyledger/verify';
// The compiled API (npm run bench:seed builds it first): the real migrations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { migrate } = require('../../apps/api/dist/database/data-source') as { migrate: (url: string) => Promise<string[]> };

export const PG_BASE = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
export const BENCH_DB = process.env.BENCH_DB ?? 'keyledger_bench';
export const BENCH_DB_SMALL = process.env.BENCH_DB_SMALL ?? 'keyledger_bench_small';
export const dbUrl = (name: string) => `${PG_BASE}/${name}`;

/** The large account: fixed id so the benchmark finds it. */
export const LARGE_ACCOUNT = '0190a000-0000-7000-8000-000000000001';
const YEARS = 3;
const DAY = 86_400_000;

function arg(name: string, dflt?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}

/** Deterministic PRNG (mulberry32): the same data shape on every machine. */
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

function uuidv7(ms: number): string {
  const b = randomBytes(16);
  b.writeUIntBE(ms, 0, 6);
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Weighted actions: license and device events dominate, as on a licensing platform. */
const ACTION_WEIGHTS: Array<[AuditAction, number]> = [
  ['license_created', 14], ['license_updated', 9], ['license_reset', 6], ['license_disabled', 3], ['license_enabled', 2.5],
  ['license_consumption_reset', 2], ['license_user_assigned', 6], ['license_user_unassigned', 2], ['license_features_updated', 3],
  ['license_deleted', 1], ['license_custom_field_created', 2], ['license_custom_field_updated', 1.5], ['license_custom_field_deleted', 0.5],
  ['device_reset', 8], ['device_blacklisted', 1], ['device_borrowed', 3], ['device_borrow_released', 2.5],
  ['customer_created', 6], ['customer_updated', 4], ['customer_deleted', 0.5],
  ['order_created', 7], ['order_updated', 3], ['order_manager_added', 2], ['order_manager_removed', 0.7], ['order_deleted', 0.4],
  ['product_created', 0.1], ['product_updated', 0.4], ['product_activated', 0.05], ['product_deactivated', 0.05],
  ['product_archived', 0.03], ['product_unarchived', 0.02], ['product_deleted', 0.01],
  ['platform_user_added', 0.08], ['platform_user_updated', 0.15], ['platform_user_removed', 0.03],
  ['user_permission_template_created', 0.02], ['user_permission_template_updated', 0.04],
  ['user_permission_template_permissions_set', 0.04], ['user_permission_template_deleted', 0.01],
  ['notification_policy_created', 0.03], ['notification_policy_updated', 0.05], ['notification_policy_deleted', 0.01],
];
const ACTION_TOTAL = ACTION_WEIGHTS.reduce((s, [, w]) => s + w, 0);

const FIRST = ['Ada', 'Ben', 'Chloé', 'Dmitri', 'Elena', 'Farid', 'Greta', 'Hiro', 'Ines', 'Jonas', 'Kofi', 'Lena', 'Marco', 'Nora', 'Oskar', 'Priya', 'Quentin', 'Rosa', 'Sven', 'Tomás', 'Uma', 'Victor', 'Wen', 'Yara', 'Zoe'];
const LAST = ['Schmidt', 'Okafor', 'Lindqvist', 'Nakamura', 'García', 'Dubois', 'Kowalski', 'Rossi', 'Novak', 'Haddad', 'Fischer', 'Silva', 'Jensen', 'Moreau', 'Patel'];
const COMPANY = ['Northwind', 'Contoso', 'Initech', 'Globex', 'Umbrella', 'Stark Tools', 'Wayne CAD', 'Hooli', 'Vandelay', 'Soylent', 'Tyrell', 'Cyberdyne', 'Aperture', 'Massive Dynamic', 'Wonka Labs'];
const FEATURES = ['export_pdf', 'cloud_sync', 'api_access', 'sso', 'audit_trail', 'multi_seat', 'offline_mode', 'priority_support', 'plugins', 'advanced_render'];
const PRODUCTS = ['Studio', 'Render Pro', 'CAD Suite', 'Analyzer', 'Sync Server', 'Mobile Kit', 'Designer', 'Toolbox', 'Insight', 'Compiler'];
const OS = ['Windows 11 Pro', 'Windows 10', 'macOS 14.5', 'macOS 15.1', 'Ubuntu 22.04', 'Debian 12'];
const UA = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0',
  'keyledger-sdk-node/2.4.1',
  'python-requests/2.32.3',
];

interface Item { type: string; id: string; label: string }
interface Account {
  id: string;
  slug: string;
  entries: number;
  users: Array<{ id: string; name: string; email: string }>;
  apiKeys: Array<{ id: string; name: string }>;
  products: Item[];
  customers: Item[];
  orders: Array<Item & { customer: Item }>;
  licenses: Array<Item & { order: Item; customer: Item; product: Item }>;
  devices: Array<Item & { license: Account['licenses'][number] }>;
  templates: Item[];
  policies: Item[];
}

function buildAccount(id: string, slug: string, entries: number, r: () => number): Account {
  const pick = <T>(a: readonly T[]) => a[Math.floor(r() * a.length)]!;
  const n = (k: number, min: number) => Math.max(min, Math.round(entries / k));
  const users = Array.from({ length: Math.min(40, n(20_000, 4)) }, () => {
    const f = pick(FIRST), l = pick(LAST);
    return { id: randomUUID(), name: `${f} ${l}`, email: `${f}.${l}@${slug}.test`.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '') };
  });
  const apiKeys = Array.from({ length: 3 }, (_, i) => ({ id: randomUUID(), name: ['CI pipeline', 'Webshop integration', 'CRM sync'][i]! }));
  const products = Array.from({ length: Math.min(30, n(50_000, 3)) }, (_, i) => ({ type: 'product', id: randomUUID(), label: `${PRODUCTS[i % PRODUCTS.length]} ${2020 + (i % 6)}` }));
  const customers = Array.from({ length: n(60, 10) }, (_, i) => {
    const f = pick(FIRST), l = pick(LAST), c = pick(COMPANY);
    return { type: 'customer', id: randomUUID(), label: `${f} ${l} (${c} #${i})` };
  });
  const orders = Array.from({ length: n(40, 10) }, (_, i) => {
    const customer = pick(customers);
    return { type: 'order', id: randomUUID(), label: `ORD-${String(100000 + i)}`, customer };
  });
  const licenses = Array.from({ length: n(20, 20) }, () => {
    const order = pick(orders);
    const key = randomBytes(10).toString('hex').toUpperCase().match(/.{5}/g)!.join('-');
    return { type: 'license', id: randomUUID(), label: key, order, customer: order.customer, product: pick(products) };
  });
  const devices = Array.from({ length: n(25, 20) }, (_, i) => {
    const license = licenses[Math.floor(Math.pow(r(), 1.6) * licenses.length)]!;
    return { type: 'device', id: randomUUID(), label: `${pick(['DESKTOP', 'LAPTOP', 'WS', 'BUILD'])}-${(i * 7919).toString(36).toUpperCase()}`, license };
  });
  const templates = Array.from({ length: 6 }, (_, i) => ({ type: 'permission_template', id: randomUUID(), label: ['Support', 'Sales', 'Finance', 'Engineering', 'Read only', 'Managers'][i]! }));
  const policies = Array.from({ length: 5 }, (_, i) => ({ type: 'notification_policy', id: randomUUID(), label: `Policy ${i + 1}` }));
  return { id, slug, entries, users, apiKeys, products, customers, orders, licenses, devices, templates, policies };
}

interface FieldChange { field: string; before: unknown; after: unknown }

/** One entry's content (everything the chain covers), drawn for an action. */
function makeEntry(a: Account, seq: number, at: number, r: () => number) {
  const pick = <T>(arr: readonly T[]) => arr[Math.floor(r() * arr.length)]!;
  // Skewed pick: a few licenses / customers are very busy (long histories), most are quiet.
  const skew = <T>(arr: readonly T[]) => arr[Math.floor(Math.pow(r(), 2.2) * arr.length)]!;
  let x = r() * ACTION_TOTAL;
  let action: AuditAction = ACTION_WEIGHTS[0]![0];
  for (const [act, w] of ACTION_WEIGHTS) {
    if ((x -= w) <= 0) {
      action = act;
      break;
    }
  }
  const ar = r();
  const user = pick(a.users);
  const actor =
    ar < 0.8
      ? { type: 'platform_user', id: user.id, name: user.name, email: user.email }
      : ar < 0.95
        ? (() => {
            const k = pick(a.apiKeys);
            return { type: 'api_key', id: k.id, name: k.name, email: null };
          })()
        : { type: 'system', id: null, name: 'Keyledger', email: null };
  const source = actor.type === 'platform_user' ? 'ui' : actor.type === 'api_key' ? 'api' : 'system';
  const changes: FieldChange[] = [];
  let target: Item;
  let parents: Item[] = [];
  const group = action.split('_')[0];
  const date = (d: number) => new Date(d).toISOString();
  if (group === 'license') {
    const l = skew(a.licenses);
    target = { type: 'license', id: l.id, label: l.label };
    parents = [l.order, l.customer, l.product].map(({ type, id, label }) => ({ type, id, label }));
    switch (action) {
      case 'license_created':
        changes.push(
          { field: 'key', before: null, after: l.label },
          { field: 'type', before: null, after: pick(['perpetual', 'time_limited', 'consumption', 'subscription']) },
          { field: 'maxActivations', before: null, after: 1 + Math.floor(r() * 10) },
          { field: 'validUntil', before: null, after: date(at + 365 * DAY) },
          { field: 'features', before: null, after: FEATURES.filter(() => r() < 0.4) },
          { field: 'enabled', before: null, after: true },
        );
        break;
      case 'license_updated':
        changes.push({ field: 'maxActivations', before: 1 + Math.floor(r() * 5), after: 5 + Math.floor(r() * 10) });
        if (r() < 0.6) changes.push({ field: 'validUntil', before: date(at + 30 * DAY), after: date(at + 395 * DAY) });
        if (r() < 0.3) changes.push({ field: 'notes', before: null, after: `Renewed per ticket #${Math.floor(r() * 90000) + 10000} — ${pick(COMPANY)} requested extension` });
        break;
      case 'license_disabled':
      case 'license_enabled':
        changes.push({ field: 'enabled', before: action === 'license_enabled' ? false : true, after: action === 'license_enabled' });
        break;
      case 'license_features_updated':
        changes.push({ field: 'features', before: FEATURES.filter(() => r() < 0.3), after: FEATURES.filter(() => r() < 0.5) });
        break;
      case 'license_user_assigned':
      case 'license_user_unassigned': {
        const f = pick(FIRST), ln = pick(LAST);
        const email = `${f}.${ln}${Math.floor(r() * 999)}@${pick(COMPANY).replace(/ /g, '').toLowerCase()}.example`.toLowerCase();
        const v = { email, firstName: f, lastName: ln };
        changes.push({ field: 'users', before: action.endsWith('unassigned') ? [v] : [], after: action.endsWith('unassigned') ? [] : [v] });
        break;
      }
      case 'license_consumption_reset':
        changes.push({ field: 'consumptions', before: Math.floor(r() * 5000), after: 0 });
        break;
      case 'license_reset':
        changes.push({ field: 'activeDevices', before: 1 + Math.floor(r() * 5), after: 0 });
        break;
      default:
        if (action.startsWith('license_custom_field')) {
          changes.push({ field: `customFields.${pick(['po_number', 'cost_center', 'region', 'reseller'])}`, before: action.endsWith('created') ? null : `CC-${Math.floor(r() * 9999)}`, after: action.endsWith('deleted') ? null : `CC-${Math.floor(r() * 9999)}` });
        } else {
          changes.push({ field: 'deletedAt', before: null, after: date(at) });
        }
    }
  } else if (group === 'device') {
    const d = skew(a.devices);
    target = { type: 'device', id: d.id, label: d.label };
    const l = d.license;
    parents = [l, l.order, l.customer, l.product].map(({ type, id, label }) => ({ type, id, label }));
    if (action === 'device_borrowed') changes.push({ field: 'borrowedUntil', before: null, after: date(at + 7 * DAY) });
    else if (action === 'device_borrow_released') changes.push({ field: 'borrowedUntil', before: date(at + DAY), after: null });
    else if (action === 'device_blacklisted') changes.push({ field: 'blacklisted', before: false, after: true });
    else changes.push({ field: 'active', before: true, after: false }, { field: 'os', before: pick(OS), after: pick(OS) });
  } else if (group === 'customer') {
    const c = skew(a.customers);
    target = { type: 'customer', id: c.id, label: c.label };
    const email = `${c.label.split(' ')[0]!.toLowerCase()}@${pick(COMPANY).replace(/ /g, '').toLowerCase()}.example`;
    if (action === 'customer_created') {
      changes.push({ field: 'email', before: null, after: email }, { field: 'company', before: null, after: pick(COMPANY) }, { field: 'phone', before: null, after: `+49 30 ${Math.floor(r() * 9e6) + 1e6}` }, { field: 'reference', before: null, after: `CRM-${Math.floor(r() * 1e6)}` });
    } else if (action === 'customer_updated') {
      changes.push({ field: 'phone', before: `+49 30 ${Math.floor(r() * 9e6) + 1e6}`, after: `+49 89 ${Math.floor(r() * 9e6) + 1e6}` });
      if (r() < 0.5) changes.push({ field: 'email', before: email, after: `billing.${email}` });
    } else changes.push({ field: 'deletedAt', before: null, after: date(at) });
  } else if (group === 'order') {
    const o = skew(a.orders);
    target = { type: 'order', id: o.id, label: o.label };
    parents = [{ type: 'customer', id: o.customer.id, label: o.customer.label }];
    if (action === 'order_created') changes.push({ field: 'reference', before: null, after: o.label }, { field: 'isTrial', before: null, after: r() < 0.2 }, { field: 'notes', before: null, after: r() < 0.5 ? `Quote Q-${Math.floor(r() * 1e5)} accepted by ${pick(FIRST)} ${pick(LAST)}` : null });
    else if (action.startsWith('order_manager')) changes.push({ field: 'managers', before: action.endsWith('added') ? [] : [`${pick(FIRST).toLowerCase()}@reseller.example`], after: action.endsWith('added') ? [`${pick(FIRST).toLowerCase()}@reseller.example`] : [] });
    else if (action === 'order_updated') changes.push({ field: 'notes', before: null, after: `PO ${Math.floor(r() * 1e6)} received; invoice ${Math.floor(r() * 1e6)} sent` });
    else changes.push({ field: 'deletedAt', before: null, after: date(at) });
  } else if (group === 'product') {
    const p = pick(a.products);
    target = { type: 'product', id: p.id, label: p.label };
    changes.push(action === 'product_updated' ? { field: 'features', before: FEATURES.slice(0, 4), after: FEATURES.slice(0, 6) } : { field: 'status', before: 'active', after: 'inactive' });
  } else if (group === 'platform') {
    const u = pick(a.users);
    target = { type: 'platform_user', id: u.id, label: u.email };
    changes.push({ field: 'name', before: action.endsWith('added') ? null : u.name, after: action.endsWith('removed') ? null : u.name }, { field: 'isAdmin', before: false, after: r() < 0.2 });
  } else if (group === 'user') {
    const t = pick(a.templates);
    target = { type: 'permission_template', id: t.id, label: t.label };
    changes.push({ field: 'permissions', before: ['licenses.read', 'customers.read'], after: ['licenses.read', 'licenses.write', 'customers.read', 'orders.read'] });
  } else {
    const p = pick(a.policies);
    target = { type: 'notification_policy', id: p.id, label: p.label };
    changes.push({ field: 'recipients', before: ['ops@example.com'], after: ['ops@example.com', 'sales@example.com'] });
  }
  const links = [target, ...parents];
  const context = {
    requestId: source === 'system' ? null : `req-${randomBytes(8).toString('hex')}`,
    ip: source === 'system' ? null : `${10 + Math.floor(r() * 180)}.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}`,
    userAgent: source === 'system' ? null : source === 'api' ? pick(UA.slice(3)) : pick(UA.slice(0, 3)),
    source,
  };
  return { accountId: a.id, seq, occurredAt: date(at), action, actor, target, links, changes, context };
}

/** Same rule as AuditService's search text (action label, actor, link labels, change values; lowercased). */
function searchText(e: ReturnType<typeof makeEntry>): string {
  const parts = [AUDIT_ACTION_CATALOG[e.action].label, e.actor.name, e.actor.email ?? '', ...e.links.map((l) => l.label)];
  for (const c of e.changes) {
    for (const v of [c.before, c.after]) {
      if (v !== null && v !== undefined && v !== '[redacted]') parts.push(typeof v === 'string' ? v : JSON.stringify(v));
    }
  }
  return parts.join(' ').toLowerCase().slice(0, 4000);
}

/** COPY text-format field. */
const esc = (v: string | null | undefined): string =>
  v === null || v === undefined ? '\\N' : /[\\\t\n\r]/.test(v) ? v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : v;

async function writeAll(stream: NodeJS.WritableStream, chunk: string) {
  if (!stream.write(chunk)) await once(stream, 'drain');
}

/** Fresh database, real migrations, then the load. */
export async function seedDatabase(name: string, entries: number, log = console.log): Promise<{ entries: number; seconds: number }> {
  const t0 = Date.now();
  const admin = new Client({ connectionString: dbUrl('postgres') });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  await migrate(dbUrl(name));

  const r = prng(20251107);
  // One large account holding ~90%, a few mid-size and small ones.
  const shares = [0.9, 0.05, 0.03, 0.015, 0.005];
  const accounts = shares.map((s, i) =>
    buildAccount(i === 0 ? LARGE_ACCOUNT : randomUUID(), ['atlas-software', 'borealis-cad', 'cobalt-games', 'delta-tools', 'ember-labs'][i]!, i === 0 ? entries - shares.slice(1).reduce((t, x) => t + Math.round(entries * x), 0) : Math.round(entries * s), r),
  );

  const db = new Client({ connectionString: dbUrl(name), application_name: 'bench-seed' });
  await db.connect();
  await db.query(`SET maintenance_work_mem = '1GB'`);
  for (const a of accounts) await db.query('INSERT INTO accounts (id, name, slug) VALUES ($1, $2, $3)', [a.id, a.slug.replace(/-/g, ' '), a.slug]);

  // Drop the audit tables' indexes (kept: their exact definitions, re-created after the load).
  const idx = await db.query<{ indexname: string; indexdef: string; conname: string | null; tbl: string; condef: string | null }>(`
    SELECT i.indexname, i.indexdef, c.conname, i.tablename AS tbl, pg_get_constraintdef(c.oid) AS condef
      FROM pg_indexes i LEFT JOIN pg_constraint c ON c.conname = i.indexname
     WHERE i.tablename IN ('audit_entries', 'audit_entry_links') AND i.schemaname = 'public'`);
  for (const i of idx.rows) {
    if (i.conname) await db.query(`ALTER TABLE ${i.tbl} DROP CONSTRAINT ${i.conname}`);
    else await db.query(`DROP INDEX ${i.indexname}`);
  }

  const linkClient = new Client({ connectionString: dbUrl(name), application_name: 'bench-seed-links' });
  await linkClient.connect();
  const entryCopy = db.query(
    copyFrom(`COPY audit_entries (account_id, seq, id, occurred_at, action, actor_type, actor_id, actor_name, actor_email, target_type, target_id,
      target_label, links, changes, request_id, ip, user_agent, source, search_text, prev_hash, hash) FROM STDIN`),
  );
  const linkCopy = linkClient.query(copyFrom('COPY audit_entry_links (account_id, item_type, item_id, seq, is_target) FROM STDIN'));
  const entryDone = new Promise<void>((res, rej) => { entryCopy.on('finish', res); entryCopy.on('error', rej); });
  const linkDone = new Promise<void>((res, rej) => { linkCopy.on('finish', res); linkCopy.on('error', rej); });

  const now = Date.UTC(2025, 10, 1);
  const start = now - YEARS * 365 * DAY;
  const heads: Array<[string, number, string]> = [];
  let written = 0;
  let lastLog = Date.now();
  for (const a of accounts) {
    let prev = GENESIS_HASH;
    // Activity grows over the 3 years (a business growing): time ~ start + span * sqrt(progress).
    const span = now - start;
    let eBuf = '';
    let lBuf = '';
    for (let seq = 1; seq <= a.entries; seq++) {
      const at = Math.floor(start + span * Math.sqrt(seq / a.entries));
      const e = makeEntry(a, seq, at, r);
      const hash = entryHash(e, prev);
      eBuf +=
        [a.id, String(seq), uuidv7(at), e.occurredAt, e.action, e.actor.type, esc(e.actor.id), esc(e.actor.name), esc(e.actor.email), e.target.type, e.target.id,
          esc(e.target.label), esc(JSON.stringify(e.links)), esc(JSON.stringify(e.changes)), esc(e.context.requestId), esc(e.context.ip), esc(e.context.userAgent),
          e.context.source, esc(searchText(e)), prev, hash].join('\t') + '\n';
      for (const l of e.links) lBuf += `${a.id}\t${l.type}\t${l.id}\t${seq}\t${l === e.target ? 't' : 'f'}\n`;
      prev = hash;
      if (eBuf.length > 256 * 1024) {
        await Promise.all([writeAll(entryCopy, eBuf), writeAll(linkCopy, lBuf)]);
        eBuf = lBuf = '';
      }
      written++;
      if (Date.now() - lastLog > 5000) {
        lastLog = Date.now();
        log(`  ${name}: ${written.toLocaleString()} / ${entries.toLocaleString()} entries (${Math.round(written / ((Date.now() - t0) / 1000)).toLocaleString()}/s)`);
      }
    }
    await Promise.all([writeAll(entryCopy, eBuf), writeAll(linkCopy, lBuf)]);
    heads.push([a.id, a.entries, prev]);
  }
  entryCopy.end();
  linkCopy.end();
  await Promise.all([entryDone, linkDone]);
  await linkClient.end();
  const tLoad = Date.now();
  log(`  ${name}: loaded ${written.toLocaleString()} entries in ${((tLoad - t0) / 1000).toFixed(1)} s; building indexes…`);

  for (const [id, seq, hash] of heads) await db.query('INSERT INTO audit_heads (account_id, last_seq, last_hash) VALUES ($1, $2, $3)', [id, seq, hash]);
  // Re-create the indexes exactly as the migrations define them (primary keys first).
  const ordered = [...idx.rows].sort((x, y) => Number(!!y.conname) - Number(!!x.conname));
  const builds = ordered.map((i) => (i.conname ? `ALTER TABLE ${i.tbl} ADD CONSTRAINT ${i.conname} ${i.condef}` : i.indexdef));
  // Two connections: the machine has 2 cores.
  const second = new Client({ connectionString: dbUrl(name) });
  await second.connect();
  await second.query(`SET maintenance_work_mem = '1GB'`);
  const queue = [...builds];
  await Promise.all(
    [db, second].map(async (c) => {
      for (let sql = queue.shift(); sql; sql = queue.shift()) {
        const t = Date.now();
        await c.query(sql);
        log(`    ${((Date.now() - t) / 1000).toFixed(1)} s  ${sql.slice(0, 110)}`);
      }
    }),
  );
  await second.end();
  await db.query('VACUUM (ANALYZE) audit_entries');
  await db.query('VACUUM (ANALYZE) audit_entry_links');
  await db.query('ANALYZE');
  await db.end();
  const seconds = (Date.now() - t0) / 1000;
  log(`  ${name}: done in ${seconds.toFixed(1)} s`);
  return { entries: written, seconds };
}

async function main() {
  const entries = Number(arg('entries', '1000000'));
  const small = Number(arg('small', '100000'));
  const only = arg('only');
  if (!Number.isSafeInteger(entries) || entries < 1000) throw new Error('--entries must be an integer ≥ 1000');
  if (only !== 'small') {
    console.log(`Seeding ${BENCH_DB} with ${entries.toLocaleString()} entries`);
    await seedDatabase(BENCH_DB, entries);
  }
  if (only !== 'large') {
    console.log(`Seeding ${BENCH_DB_SMALL} with ${small.toLocaleString()} entries`);
    await seedDatabase(BENCH_DB_SMALL, small);
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
