/**
 * A generative fuzzer driven by the contract: for every route, a valid request generated from its
 * zod schemas with real ids of a real account, then mutated (see support/fuzz-cases.ts). Sent as the
 * account's admin (session cookie + CSRF), as an API key, or anonymously for public routes. Every
 * answer is below 500 with the shared error body; every request the contract or the edge refuses is
 * a 4xx naming the field at fault and changes nothing in the account (audit entries counted and
 * every row checksummed before and after); the event loop stays responsive throughout.
 *
 * FUZZ_RUNS (default 500) sets the number of cases, FUZZ_SEED (default 20261202) the seed: CI runs
 * the same cases every time; `FUZZ_RUNS=20000 npx jest test/fuzz.int-spec.ts` for a long run.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import fc from 'fast-check';
import { type AppRoute } from '@ts-rest/core';
import { PERMISSIONS } from '@keyledger/contract';
import { type Client } from 'pg';
import { startApp, type TestApp } from './support/app';
import { ApiClient } from './support/client';
import { CONTRACT_ROUTES } from './support/contract-routes';
import { type AccountState, accountStateReader } from './support/account-state';
import { connectDb } from './support/db';
import { expectationOf, type FuzzRequest, fuzzRequests, namesOneOf } from './support/fuzz-cases';
import { type Answer, isErrorBody, send } from './support/fuzz-send';
import { typedClient } from './support/typed-client';
import { type RealIds } from './support/zod-arbitrary';

const RUNS = Number(process.env.FUZZ_RUNS ?? 500);
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);

let t: TestApp;
let db: Client;
let admin: ApiClient;
let apiKey: string;
let ids: RealIds;
let state: () => Promise<AccountState>;

/** Valid requests that are sent too: they may write, but only add or rename, never end the fixtures. */
const SAFE_WRITE =
  /\.(create|update|addManager|assignUser|createCustomField|updateCustomField|setFeatures|setPermissions|signup|login)$|^licenseApi\./;

/** The typed answer narrowed to `status` (its body typed by the contract), or a thrown error. */
function ok<R extends { status: number }, S extends R['status']>(
  res: R,
  status: S,
): Extract<R, { status: S }> {
  if (res.status !== status)
    throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res)}`);
  return res as Extract<R, { status: S }>;
}

/** A real item of the account for each path parameter. */
function paramsFor(route: AppRoute): Record<string, string> {
  const resource = route.path.split('/')[3]!;
  const byResource: Record<string, string | undefined> = {
    'platform-users': ids.platformUser,
    'permission-templates': ids.permissionTemplate,
    'notification-policies': ids.notificationPolicy,
    products: ids.product,
    customers: ids.customer,
    orders: ids.order,
    licenses: ids.license,
    devices: ids.device,
    'api-keys': ids.apiKeyToRevoke,
    'audit-log': ids.export,
    'log-streams': ids.logStream,
  };
  const out: Record<string, string> = {};
  for (const [, name] of route.path.matchAll(/:(\w+)/g)) {
    out[name!] =
      name === 'id'
        ? byResource[resource]!
        : name === 'managerId'
          ? ids.manager!
          : name === 'licenseUserId'
            ? ids.licenseUser!
            : ids.field!;
  }
  return out;
}

beforeAll(async () => {
  t = await startApp({ LOGIN_RATE_LIMIT: '100000' });
  db = await connectDb();
  admin = new ApiClient(t.url);
  const session = await admin.signup();
  const api = typedClient(admin);
  const tag = session.account.id.slice(0, 8);

  const customer = ok(
    await api.customers.create({ body: { email: `c-${tag}@buyer.test` } }),
    201,
  ).body;
  const order = ok(
    await api.orders.create({ body: { reference: `ORD-${tag}`, customerId: customer.id } }),
    201,
  ).body;
  const withManager = ok(
    await api.orders.addManager({
      params: { id: order.id },
      body: { email: `m-${tag}@buyer.test` },
    }),
    201,
  ).body;
  const product = ok(
    await api.products.create({ body: { name: `P ${tag}`, code: `p-${tag}`, features: ['sso'] } }),
    201,
  ).body;
  let license = ok(
    await api.licenses.create({
      body: { orderId: order.id, productId: product.id, type: 'perpetual', maxActivations: 5 },
    }),
    201,
  ).body;
  license = ok(
    await api.licenses.assignUser({
      params: { id: license.id },
      body: { email: `u-${tag}@buyer.test` },
    }),
    201,
  ).body;
  license = ok(
    await api.licenses.createCustomField({
      params: { id: license.id },
      body: { name: 'seat', value: '1' },
    }),
    201,
  ).body;
  const activation = ok(
    await api.licenseApi.activate({ body: { licenseKey: license.key, hardwareId: `hw-${tag}` } }),
    201,
  ).body;
  const template = ok(
    await api.permissionTemplates.create({
      body: { name: `T ${tag}`, permissions: ['licenses:read'] },
    }),
    201,
  ).body;
  const policy = ok(
    await api.notificationPolicies.create({
      body: { name: `N ${tag}`, event: 'license_expiring', recipients: ['s@vendor.test'] },
    }),
    201,
  ).body;
  const user = ok(
    await api.platformUsers.create({
      body: {
        email: `s-${tag}@vendor.test`,
        name: 'Staff',
        password: 'staff-password-1',
        permissionTemplateId: template.id,
      },
    }),
    201,
  ).body;
  const key = ok(
    await api.apiKeys.create({ body: { name: 'Fuzz', permissions: [...PERMISSIONS] } }),
    201,
  ).body;
  const spare = ok(
    await api.apiKeys.create({ body: { name: 'Spare', permissions: ['products:read'] } }),
    201,
  ).body;
  const exported = ok(
    await api.auditExports.create({ body: { format: 'csv', filter: {} } }),
    202,
  ).body;
  // A public address literal (no name to resolve); no worker runs here, so nothing is ever sent to it.
  const stream = ok(
    await api.logStreams.create({
      body: {
        name: 'Fuzz SIEM',
        destination: {
          type: 'webhook',
          url: 'https://93.184.215.14/hook',
          signingSecret: `whsec_${'A'.repeat(43)}=`,
        },
        filter: {},
        startPoint: 'now',
      },
    }),
    201,
  ).body;
  apiKey = key.secret;
  ids = {
    customer: customer.id,
    order: order.id,
    manager: withManager.managers[0]!.id,
    product: product.id,
    license: license.id,
    licenseKey: license.key,
    licenseUser: license.users[0]!.id,
    field: license.customFields[0]!.id,
    device: activation.device.id,
    permissionTemplate: template.id,
    notificationPolicy: policy.id,
    platformUser: user.id,
    actor: session.user.id,
    item: license.id,
    adminEmail: session.user.email,
    apiKeyToRevoke: spare.id,
    export: exported.id,
    logStream: stream.id,
  };
  state = await accountStateReader(db, session.account.id);
}, 90_000);

afterAll(async () => {
  await db?.end();
  await t?.close();
});

interface Failure {
  case: string;
  expected: string;
  status: number;
  body: unknown;
}

function describeCase(req: FuzzRequest) {
  return `${req.name} [${req.auth}] ${req.mutations.join(' + ')}`;
}

/** What is wrong with the answer to `req`, or null. */
function check(req: FuzzRequest, a: Answer): string | null {
  const exp = expectationOf(req);
  if (a.status === 0) {
    return exp.statuses.some((st) => st === 413 || st === 431)
      ? null
      : `an answer, not a connection error (${JSON.stringify(a.body)})`;
  }
  if (a.status >= 500) return 'a 5xx';
  if (a.status >= 400 && !isErrorBody(a)) return 'an error without the shared error body';
  if (!exp.reject) return null;
  if (!exp.statuses.includes(a.status))
    return `${exp.statuses.join('/')} (${exp.why}: ${exp.fields.join(', ')})`;
  if (a.status === 400 && exp.fields.length) {
    const details = (a.body as { details?: Array<{ path: string }> }).details ?? [];
    if (!details.some((d) => namesOneOf(d.path, exp.fields)))
      return `a 400 naming ${exp.fields.join(' or ')}`;
  }
  return null;
}

/** The inputs that held the event loop before (the wildcard search), and the heaviest the edge takes. */
function worstInputs(): Array<{ label: string; method: string; path: string; body?: string }> {
  const q = (s: string) => `/api/v1/audit-log?q=${encodeURIComponent(s)}`;
  const json = (v: unknown) => JSON.stringify(v);
  const exportWith = (filter: unknown) => ({
    method: 'POST',
    path: '/api/v1/audit-log/exports',
    body: json({ format: 'csv', filter }),
  });
  return [
    { label: 'action:*********Z', method: 'GET', path: q('action:*********Z') },
    { label: 'action: 990 stars', method: 'GET', path: q(`action:${'*'.repeat(990)}Z`) },
    { label: 'action: 300 globs', method: 'GET', path: q(`action:${'*a*,'.repeat(240)}`) },
    { label: 'action: stars and letters', method: 'GET', path: q(`action:${'*a'.repeat(490)}`) },
    { label: 'q: 1000 quotes', method: 'GET', path: q('"'.repeat(1000)) },
    { label: 'q: 500 unbalanced tokens', method: 'GET', path: q('a" '.repeat(330)) },
    {
      label: 'q: created: out of range',
      method: 'GET',
      path: q('created:>9999-12-31 created:<0000-01-01'),
    },
    {
      label: 'actorEmail: 1,000 characters',
      method: 'GET',
      path: `/api/v1/audit-log?actorEmail=${'a.'.repeat(500)}@x`,
    },
    {
      label: 'cursor: 200 characters',
      method: 'GET',
      path: `/api/v1/audit-log?cursor=${'A'.repeat(200)}`,
    },
    { label: 'export: 990 stars', ...exportWith({ q: `action:${'*'.repeat(990)}Z` }) },
    { label: 'export: from > to', ...exportWith({ from: '2026-03-01', to: '2026-02-01' }) },
    { label: 'exports list', method: 'GET', path: '/api/v1/audit-log/exports?limit=200' },
    {
      label: 'body: 100,000 nested arrays',
      method: 'POST',
      path: '/api/v1/products',
      body: '['.repeat(100_000) + ']'.repeat(100_000),
    },
    {
      label: 'body: 50,000 nested objects',
      method: 'POST',
      path: '/api/v1/products',
      body: '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000),
    },
    {
      label: 'body: 1 MB name with a NUL at the end',
      method: 'POST',
      path: '/api/v1/products',
      body: json({ name: `${'x'.repeat(1_000_000)}\u0000`, code: 'c' }),
    },
    {
      label: 'body: 170,000 lone surrogates',
      method: 'POST',
      path: '/api/v1/products',
      body: json({ name: '\ud800'.repeat(170_000), code: 'c' }),
    },
    {
      label: 'body: 1 MB email',
      method: 'POST',
      path: '/api/v1/customers',
      body: json({ email: `${'a'.repeat(1_000_000)}@` }),
    },
    {
      label: 'body: 1 MB dotted email',
      method: 'POST',
      path: '/api/v1/customers',
      body: json({ email: `a@${'a.'.repeat(500_000)}` }),
    },
    {
      label: 'body: 100,000 permissions',
      method: 'POST',
      path: '/api/v1/api-keys',
      body: json({ name: 'k', permissions: Array(100_000).fill('products:read') }),
    },
    {
      label: 'body: 1 MB password',
      method: 'POST',
      path: '/api/v1/auth/login',
      body: json({ email: 'a@b.test', password: 'p1'.repeat(500_000) }),
    },
  ];
}

type Input = ReturnType<typeof worstInputs>[number];

/** Sends `inputs` `rounds` times while /health is polled; the event-loop delay and /health latency meanwhile. */
async function underLoad(inputs: Input[], rounds: number) {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  const health: number[] = [];
  const perInput: Record<string, number> = {};
  const statuses: Record<string, number[]> = {};
  const cpuMs: Record<string, number[]> = {};
  let sending = true;
  const pinger = (async () => {
    while (sending) {
      const started = performance.now();
      const res = await fetch(`${t.url}/api/v1/health`);
      await res.text();
      health.push(performance.now() - started);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const headers = {
    cookie: [...admin.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    'x-csrf-token': admin.cookies.get('kl_csrf') ?? '',
    'content-type': 'application/json',
  };
  loop.enable();
  for (let round = 0; round < rounds; round++) {
    for (const input of inputs) {
      const one = monitorEventLoopDelay({ resolution: 10 });
      one.enable();
      const cpu0 = process.cpuUsage();
      const res = await fetch(t.url + input.path, {
        method: input.method,
        headers,
        body: input.body,
      });
      await res.text();
      const cpu = process.cpuUsage(cpu0);
      one.disable();
      (statuses[input.label] ??= []).push(res.status);
      perInput[input.label] = Math.max(perInput[input.label] ?? 0, Math.round(one.max / 1e6));
      // CPU time, unlike wall-clock delay, does not grow when other processes take the cores.
      (cpuMs[input.label] ??= []).push((cpu.user + cpu.system) / 1000);
    }
  }
  loop.disable();
  sending = false;
  await pinger;
  health.sort((a, b) => a - b);
  return {
    p99: loop.percentile(99) / 1e6,
    max: loop.max / 1e6,
    healthP99: health[Math.floor(health.length * 0.99)] ?? 0,
    healthCount: health.length,
    perInput,
    statuses,
    /** The median CPU time (ms) of each input, client and server together (the app runs in this process). */
    cpu: Object.fromEntries(
      Object.entries(cpuMs).map(([k, v]) => [
        k,
        Math.round(v.sort((a, b) => a - b)[Math.floor(v.length / 2)]!),
      ]),
    ),
  };
}

describe('the event loop under the worst inputs', () => {
  it('costs under 50 ms of CPU per worst input and never blocks the loop for seconds, while /health answers', async () => {
    const worst = worstInputs();
    // The same number of cheap requests first: what this machine's load alone does to the delay.
    const benign: Input[] = worst.map((w, i) =>
      i % 2
        ? { label: `benign ${i}`, method: 'GET', path: '/api/v1/audit-log?limit=1' }
        : { label: `benign ${i}`, method: 'POST', path: '/api/v1/products', body: '{}' },
    );
    const base = await underLoad(benign, 5);
    const hard = await underLoad(worst, 5);
    console.info(
      `event loop under ${worst.length * 5} worst inputs: delay p99 ${hard.p99.toFixed(1)} ms, max ${hard.max.toFixed(1)} ms, ` +
        `/health p99 ${hard.healthP99.toFixed(1)} ms (${hard.healthCount} answers); benign baseline on this machine: delay p99 ` +
        `${base.p99.toFixed(1)} ms, max ${base.max.toFixed(1)} ms, /health p99 ${base.healthP99.toFixed(1)} ms; ` +
        `longest block per input (ms) ${JSON.stringify(hard.perInput)}; median CPU per input (ms) ${JSON.stringify(hard.cpu)}`,
    );
    for (const [label, answers] of Object.entries(hard.statuses))
      expect([label, answers.every((st) => st < 500)]).toEqual([label, true]);
    // The work each input costs the process, whatever else runs on the machine: under 50 ms each.
    expect(Object.entries(hard.cpu).filter(([, ms]) => ms >= 50)).toEqual([]);
    // Wall-clock delay is reported above but not asserted against a tight bound: it includes other
    // processes' share of the two cores (CI saw 77 ms p99 with a 50 ms target). The CPU bound above
    // is the claim; this only catches a return of the 9–12 s freeze one wildcard search caused.
    expect(Math.max(...Object.values(hard.perInput))).toBeLessThan(3000);
    expect(hard.healthCount).toBeGreaterThan(5);
  }, 180_000);
});

describe('the contract-driven fuzzer', () => {
  it(
    'answers every generated request below 500 with the shared error body; refusals name the field and write nothing',
    async () => {
      const cases = fc.sample(fuzzRequests(CONTRACT_ROUTES, { ids, paramsFor }), {
        numRuns: RUNS,
        seed: SEED,
      });
      const loop = monitorEventLoopDelay({ resolution: 10 });
      loop.enable();
      const failures: Failure[] = [];
      const tally = { refused: 0, answered: 0, skipped: 0 };
      const byStatus: Record<number, number> = {};
      const routesHit = new Set<string>();
      let slowest = { ms: 0, case: '' };
      let blocked = { ms: 0, case: '' };
      let known: AccountState | null = null;
      const started = Date.now();

      for (const [i, req] of cases.entries()) {
        if (RUNS >= 5000 && i % 1000 === 0)
          process.stderr.write(`fuzz: ${i} of ${RUNS} cases, ${failures.length} failures so far\n`);
        const exp = expectationOf(req);
        if (!exp.reject && req.route.method !== 'GET' && !SAFE_WRITE.test(req.name)) {
          tally.skipped += 1; // valid for the contract and would end a fixture (delete, revoke, archive…)
          continue;
        }
        const before = exp.reject ? (known ?? (await state())) : null;
        const caseLoop = monitorEventLoopDelay({ resolution: 5 });
        caseLoop.enable();
        const answer = await send(t.url, admin, apiKey, req);
        caseLoop.disable();
        if (caseLoop.max / 1e6 > blocked.ms)
          blocked = { ms: Math.round(caseLoop.max / 1e6), case: describeCase(req) };
        routesHit.add(req.name);
        byStatus[answer.status] = (byStatus[answer.status] ?? 0) + 1;
        if (answer.ms > slowest.ms)
          slowest = { ms: Math.round(answer.ms), case: describeCase(req) };
        const problem = check(req, answer);
        if (problem)
          failures.push({
            case: describeCase(req),
            expected: problem,
            status: answer.status,
            body: answer.body,
          });
        if (exp.reject) {
          tally.refused += 1;
          known = await state();
          if (before && (known.entries !== before.entries || known.checksum !== before.checksum)) {
            failures.push({
              case: describeCase(req),
              expected: 'nothing written',
              status: answer.status,
              body: { before, after: known },
            });
          }
        } else {
          tally.answered += 1;
          known = null; // a valid write may have changed the account
        }
      }
      loop.disable();
      const p99 = loop.percentile(99) / 1e6;
      const max = loop.max / 1e6;
      console.info(
        `fuzz: ${cases.length} cases (seed ${SEED}) in ${((Date.now() - started) / 1000).toFixed(1)} s over ${routesHit.size} routes: ` +
          `${tally.refused} refused as they must be, ${tally.answered} valid ones answered, ${tally.skipped} valid destructive ones not sent; ` +
          `statuses ${JSON.stringify(byStatus)}; ${failures.length} failures; event-loop delay p99 ${p99.toFixed(1)} ms, max ${max.toFixed(1)} ms; ` +
          `slowest answer ${slowest.ms} ms (${slowest.case.slice(0, 120)}); longest block ${blocked.ms} ms (${blocked.case.slice(0, 120)})`,
      );
      expect(failures.slice(0, 20)).toEqual([]);
      expect(routesHit.size).toBeGreaterThanOrEqual(
        Math.min(CONTRACT_ROUTES.length - 10, RUNS / 10),
      );
      // Responsive throughout: no request held the loop anywhere near the 9–12 s the wildcard search did.
      expect(max).toBeLessThan(3000);
    },
    Math.max(300_000, RUNS * 150),
  );
});
