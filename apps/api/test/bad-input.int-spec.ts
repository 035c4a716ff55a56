/**
 * Bad input, generated from the contract's schemas: for every mutation, each field missing, of the
 * wrong type and 1 MB long, unknown fields and bodies that are not objects; invalid and injected ids
 * on every route with one; negative, huge and non-numeric limits, forged cursors and unknown
 * parameters on every list; invalid dates, empty ranges and malformed search strings on the audit
 * log. Each answers 4xx with a message (and `details[].path` naming the field for validation errors),
 * never 5xx, and nothing is written: the account's log and items stay as they were.
 */
import { randomUUID } from 'node:crypto';
import { type ZodTypeAny, ZodEffects, ZodObject } from 'zod';
import { startApp, type TestApp } from './support/app';
import { ApiClient, type Res } from './support/client';
import { CONTRACT_ROUTES, fillPath, takesBody } from './support/contract-routes';
import { VendorFixtures } from './support/vendor';
import { ok, typedClient, type TypedClient } from './support/typed-client';

interface BadRequest {
  label: string;
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** The `details[].path` the answer must name, when the request fails validation. */
  field?: string;
  /** The answers allowed, when not 400 (413 for bodies over the limit, 415 for other media types). */
  status?: number[];
}

const MEGABYTE_STRING = 'x'.repeat(1_000_000);
const SQL = "1' OR '1'='1'; DROP TABLE audit_entries; --";
const SCRIPT = '<script>alert(document.cookie)</script>';
const WRONG_TYPE = { not: ['what', 'you', 'expected'] };

let t: TestApp;
/** The untyped client: every bad request is sent through it (see send), on purpose. */
let api: ApiClient;
let typed: TypedClient;
let f: VendorFixtures;
let ids: Record<string, string>;
let tag: string;


/** The object schema behind a body (refinements unwrapped), or null. */
function objectSchema(schema: unknown): ZodObject<Record<string, ZodTypeAny>> | null {
  let s = schema;
  while (s instanceof ZodEffects) s = (s as ZodEffects<ZodTypeAny>).innerType();
  return s instanceof ZodObject ? (s as ZodObject<Record<string, ZodTypeAny>>) : null;
}

/** A valid body for each mutation that takes one; the bad ones are derived from it. */
function validBodies(): Record<string, unknown> {
  const u = randomUUID().slice(0, 8);
  return {
    'auth.signup': { accountName: `Bad ${u}`, name: 'Bad', email: `bad-${u}@vendor.test`, password: 'bad-password-1' },
    'auth.login': { email: `bad-${u}@vendor.test`, password: 'whatever-1' },
    'auth.changePassword': { currentPassword: 'whatever-1', newPassword: 'bad-password-2' },
    'auditExports.create': { format: 'csv', filter: {} },
    'platformUsers.create': { email: `bad-${u}@vendor.test`, name: 'Bad', password: 'bad-password-1' },
    'platformUsers.update': { name: 'Renamed' },
    'permissionTemplates.create': { name: `Bad ${u}`, permissions: ['licenses:read'] },
    'permissionTemplates.update': { name: `Bad ${u}` },
    'permissionTemplates.setPermissions': { permissions: ['licenses:read'] },
    'notificationPolicies.create': { name: 'Bad', event: 'license_expiring', recipients: ['a@vendor.test'] },
    'notificationPolicies.update': { enabled: false },
    'products.create': { name: 'Bad', code: `bad-${u}` },
    'products.update': { name: 'Renamed' },
    'customers.create': { email: `bad-${u}@buyer.test` },
    'customers.update': { firstName: 'Renamed' },
    'orders.create': { reference: `BAD-${u}`, customerId: ids.customer },
    'orders.update': { notes: 'Changed' },
    'orders.addManager': { email: `bad-${u}@buyer.test` },
    'licenses.create': { orderId: ids.order, productId: ids.product, type: 'perpetual', maxActivations: 1 },
    'licenses.update': { maxActivations: 7 },
    'licenses.assignUser': { email: `bad-${u}@buyer.test` },
    'licenses.setFeatures': { features: ['sso'] },
    'licenses.createCustomField': { name: `f-${u}`, value: 'v' },
    'licenses.updateCustomField': { value: 'v' },
    'devices.borrow': { until: new Date(Date.now() + 86_400_000).toISOString() },
    'licenseApi.activate': { licenseKey: 'AAAA-BBBB-CCCC-DDDD', hardwareId: 'hw' },
    'licenseApi.consume': { licenseKey: 'AAAA-BBBB-CCCC-DDDD', hardwareId: 'hw', consumptions: 1 },
    'apiKeys.create': { name: 'Bad', permissions: ['products:read'] },
    'logStreams.create': { name: 'Bad', destination: { type: 'webhook', url: 'https://93.184.215.14/hook', signingSecret: `whsec_${'B'.repeat(43)}=` }, filter: {}, startPoint: 'now' },
    'logStreams.update': { name: 'Renamed' },
    'logStreams.backfill': { fromSeq: 1 },
  };
}

/** Real ids of this account's items for each path parameter, so a request that got through would change them. */
function realIds(path: string): Record<string, string> {
  const resource = path.split('/')[3]!;
  const byResource: Record<string, string | undefined> = {
    'platform-users': ids.user,
    'permission-templates': ids.template,
    'notification-policies': ids.policy,
    products: ids.product,
    customers: ids.customer,
    orders: ids.order,
    licenses: ids.license,
    devices: ids.device,
    'api-keys': ids.apiKey,
    'audit-log': ids.export,
    'log-streams': ids.logStream,
  };
  return { id: byResource[resource] ?? randomUUID(), managerId: ids.manager!, licenseUserId: ids.licenseUser!, fieldId: ids.field! };
}

function bodyCases(): BadRequest[] {
  const cases: BadRequest[] = [];
  const bodies = validBodies();
  for (const { name, route: r } of CONTRACT_ROUTES.filter((x) => takesBody(x.route))) {
    const valid = bodies[name] as Record<string, unknown> | undefined;
    if (!valid) throw new Error(`bad-input: no valid body for ${name}: add one to validBodies()`);
    const schema = objectSchema('body' in r ? r.body : undefined);
    if (!schema) throw new Error(`bad-input: the body of ${name} is not an object schema`);
    const path = fillPath(r, realIds(r.path));
    const req = (label: string, body: unknown, field?: string, extra: Partial<BadRequest> = {}): BadRequest => ({
      label: `${name}: ${label}`,
      method: r.method,
      path,
      body,
      field,
      ...extra,
    });
    for (const [key, field] of Object.entries(schema.shape)) {
      if (!field.isOptional()) {
        const { [key]: _omitted, ...rest } = valid;
        cases.push(req(`missing ${key}`, rest, `body.${key}`));
      }
      cases.push(req(`${key} of the wrong type`, { ...valid, [key]: WRONG_TYPE }, `body.${key}`));
      cases.push(req(`${key} 1 MB long`, { ...valid, [key]: MEGABYTE_STRING }, `body.${key}`));
    }
    cases.push(req('an unknown field', { ...valid, isAdmin: true, accountId: randomUUID() }, 'body'));
    cases.push(req('an empty object', {}, 'body'));
    cases.push(req('an array', [valid], 'body'));
    cases.push(req('malformed JSON', '{"name": "unterminated', undefined));
  }
  return cases;
}

function idCases(): BadRequest[] {
  const withParams = CONTRACT_ROUTES.filter((r) => r.route.path.includes('/:'));
  return withParams.flatMap(({ name, route: r }) => {
    const valid = realIds(r.path);
    const params = [...r.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
    return params.flatMap((param) =>
      [
        ['not a UUID', 'not-a-uuid'],
        ['SQL', SQL],
        ['script', SCRIPT],
      ].map(([what, value]) => ({
        label: `${name}: ${param} ${what}`,
        method: r.method,
        path:
          fillPath(r, { ...valid, [param]: encodeURIComponent(value!) }) +
          (name === 'auditExports.download' ? '?token=t' : ''),
        body: takesBody(r) ? (validBodies()[name] ?? {}) : undefined,
        field: `params.${param}`,
      })),
    );
  });
}

function listCases(): BadRequest[] {
  const lists = CONTRACT_ROUTES.filter(
    (r) => r.route.method === 'GET' && r.route.query && objectSchema(r.route.query)?.shape.limit !== undefined,
  );
  return lists.flatMap(({ name, route: r }) => {
    const path = fillPath(r, realIds(r.path));
    return (
      [
        ['limit=-1', 'limit'],
        ['limit=0', 'limit'],
        ['limit=abc', 'limit'],
        ['limit=1000000', 'limit'],
        ['limit=2.5', 'limit'],
        ['cursor=not-a-cursor', 'cursor'],
        [`cursor=${encodeURIComponent(SQL)}`, 'cursor'],
        [`cursor=${Buffer.from(JSON.stringify({ t: 'yesterday', id: SQL, seq: -1 })).toString('base64url')}`, 'cursor'],
        [`cursor=${'A'.repeat(500)}`, 'cursor'],
        ['unknownParam=1', ''],
      ] as const
    ).map(([query, field]) => ({ label: `${name}: ?${query.slice(0, 40)}`, method: 'GET', path: `${path}?${query}`, field: `query${field ? `.${field}` : ''}` }));
  });
}

function auditFilterCases(): BadRequest[] {
  const q = (s: string) => `q=${encodeURIComponent(s)}`;
  const queries: Array<[string, string]> = [
    ['from=2026-13-45', 'from'],
    ['from=yesterday', 'from'],
    ['to=2026-02-30', 'to'],
    [`from=${encodeURIComponent(SQL)}`, 'from'],
    ['from=2026-03-01&to=2026-02-01', 'to'],
    ['from=2026-03-01&to=2026-03-01', 'to'],
    ['itemType=planet', 'itemType'],
    ['itemId=not-a-uuid&itemType=license', 'itemId'],
    [`itemId=${randomUUID()}`, 'itemType'],
    ['action=license_exploded', 'action'],
    [`action=${encodeURIComponent(SQL)}`, 'action'],
    ['group=aliens', 'group'],
    ['actorId=42', 'actorId'],
    ['actorEmail=not-an-email', 'actorEmail'],
    ['text=', 'text'],
    [`text=${'x'.repeat(201)}`, 'text'],
    [`text=${'x'.repeat(1_000)}`, 'text'],
    [q('created:>=notadate'), 'q'],
    [q('created:>=2026-03-01 created:<2026-02-01'), 'to'],
    [q('item:license:xyz'), 'q'],
    [q(`item:license:${SQL}`), 'q'],
    [q('item:planet'), 'q'],
    [q('actor:'), 'q'],
    [q('actor:not a person'), 'q'],
    [q('foo:bar'), 'q'],
    [q('action:nope_*'), 'q'],
    [q('group:aliens'), 'q'],
    [q(`action:${SCRIPT}`), 'q'],
    [q('x'.repeat(1001)), 'q'],
    ['q=a&q=b', 'q'],
  ];
  const filters = [
    { label: 'auditLog.list', path: '/api/v1/audit-log' },
    { label: 'auditLog.list (newest page)', path: '/api/v1/audit-log?limit=5&' },
  ];
  const cases: BadRequest[] = [];
  for (const { label, path } of filters) {
    for (const [query, field] of queries) {
      const sep = path.endsWith('&') ? '' : '?';
      cases.push({ label: `${label}: ?${decodeURIComponent(query).slice(0, 50)}`, method: 'GET', path: `${path}${sep}${query}`, field: `query.${field}` });
    }
  }
  // An export takes the same filter in its body: a bad one is refused before anything is queued.
  for (const [query, field] of queries.filter(([qs]) => /^(q|from|to)=/.test(qs) && !qs.includes('&'))) {
    const [key, value] = query.split('=') as [string, string];
    cases.push({
      label: `auditExports.create: filter.${decodeURIComponent(query).slice(0, 50)}`,
      method: 'POST',
      path: '/api/v1/audit-log/exports',
      body: { format: 'csv', filter: { [key]: decodeURIComponent(value) } },
      field: `filter.${field}`,
    });
  }
  return cases;
}

function transportCases(): BadRequest[] {
  const post = (label: string, body: string, headers: Record<string, string>, status: number[]): BadRequest => ({
    label,
    method: 'POST',
    path: '/api/v1/products',
    body,
    headers,
    status,
  });
  return [
    post('a 2 MB body', JSON.stringify({ name: 'x'.repeat(2_000_000), code: 'big' }), { 'content-type': 'application/json' }, [413]),
    post('a form body', 'name=x&code=y', { 'content-type': 'application/x-www-form-urlencoded' }, [415]),
    post('a text body', 'name=x', { 'content-type': 'text/plain' }, [400, 415]),
    post('an XML body', '<product><name>x</name></product>', { 'content-type': 'application/xml' }, [415]),
    post('JSON null', 'null', { 'content-type': 'application/json' }, [400]),
    post('a JSON string', '"products"', { 'content-type': 'application/json' }, [400]),
    post('a JSON number', '42', { 'content-type': 'application/json' }, [400]),
  ];
}

/** The account's items and log head, to prove nothing was written. */
async function snapshot() {
  const all = { query: { limit: 200 } };
  const lists = {
    products: typed.products.list(all),
    customers: typed.customers.list(all),
    orders: typed.orders.list(all),
    licenses: typed.licenses.list(all),
    devices: typed.devices.listForLicense({ params: { id: ids.license! } }),
    permissionTemplates: typed.permissionTemplates.list(all),
    notificationPolicies: typed.notificationPolicies.list(all),
    platformUsers: typed.platformUsers.list(all),
    apiKeys: typed.apiKeys.list(all),
    auditExports: typed.auditExports.list(all),
    logStreams: typed.logStreams.list(all),
  };
  const bodies = await Promise.all(Object.entries(lists).map(async ([name, call]) => [name, ok(await call, 200)] as const));
  const entries = ok(await typed.auditLog.list({ query: { limit: 1 } }), 200);
  return { seq: entries.items[0]!.seq, lists: Object.fromEntries(bodies) };
}

beforeAll(async () => {
  t = await startApp({ LOGIN_RATE_LIMIT: '100000' });
  api = new ApiClient(t.url);
  await api.signup();
  typed = typedClient(api);
  tag = randomUUID().slice(0, 8);
  f = new VendorFixtures(api);
  const order = await f.order();
  const withManager = ok(await typed.orders.addManager({ params: { id: order.id }, body: { email: `it-${tag}@buyer.test` } }), 201);
  const product = await f.product();
  let license = await f.license({ orderId: order.id, productId: product.id });
  license = ok(await typed.licenses.assignUser({ params: { id: license.id }, body: { email: `user-${tag}@buyer.test` } }), 201);
  license = ok(await typed.licenses.createCustomField({ params: { id: license.id }, body: { name: 'seat', value: '1' } }), 201);
  const device = await f.device(license.key);
  const template = ok(await typed.permissionTemplates.create({ body: { name: 'Desk', permissions: ['licenses:read'] } }), 201);
  const policy = ok(await typed.notificationPolicies.create({ body: { name: 'Expiry', event: 'license_expiring', recipients: ['sales@vendor.test'] } }), 201);
  const user = ok(await typed.platformUsers.create({ body: { email: `staff-${tag}@vendor.test`, name: 'Staff', password: 'staff-password-1', permissionTemplateId: template.id } }), 201);
  const apiKey = ok(await typed.apiKeys.create({ body: { name: 'Key', permissions: ['products:read'] } }), 201);
  const exported = ok(await typed.auditExports.create({ body: { format: 'csv', filter: {} } }), 202);
  // A public address literal (nothing to resolve); no worker runs here, so nothing is ever sent to it.
  const stream = ok(
    await typed.logStreams.create({
      body: { name: 'SIEM', destination: { type: 'webhook', url: 'https://93.184.215.14/hook', signingSecret: `whsec_${'A'.repeat(43)}=` }, filter: {}, startPoint: 'now' },
    }),
    201,
  );
  ids = {
    customer: order.customerId,
    order: order.id,
    manager: withManager.managers[0]!.id,
    product: product.id,
    license: license.id,
    licenseUser: license.users[0]!.id,
    field: license.customFields[0]!.id,
    device: device.id,
    template: template.id,
    policy: policy.id,
    user: user.id,
    apiKey: apiKey.id,
    export: exported.id,
    logStream: stream.id,
  };
}, 60_000);
afterAll(() => t.close());

/** Through the signed-in client, or raw (own media type, no JSON encoding) when the case sets headers. */
async function send(c: BadRequest): Promise<Res> {
  if (!c.headers) return api.request(c.method, c.path, c.body);
  const cookie = [...api.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const res = await fetch(t.url + c.path, {
    method: c.method,
    headers: { cookie, 'x-csrf-token': api.cookies.get('kl_csrf') ?? '', ...c.headers },
    body: c.body as string,
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body, headers: res.headers };
}

/** `body.email`, `body.filter.q`, or a search token's `query.q (foo:bar)` name the field `body.email`, `filter.q`, `query.q`. */
function namesField(path: string, field: string): boolean {
  const bare = path.replace(/ \(.*\)$/, '');
  return bare === field || bare.startsWith(`${field}.`) || bare.endsWith(`.${field}`);
}

function describeAnswer(c: BadRequest, res: Res) {
  const body = res.body as { message?: unknown; details?: Array<{ path: string; message: string }> } | string;
  const message = typeof body === 'object' && body ? body.message : undefined;
  const details = typeof body === 'object' && body ? body.details : undefined;
  const allowed = c.status ?? [400];
  return {
    label: c.label,
    ok:
      allowed.includes(res.status) &&
      typeof message === 'string' &&
      message.length > 0 &&
      // A validation error names the field in its details; other 4xx name the problem in the message.
      (!c.field || !details || details.some((d) => namesField(d.path, c.field!))),
    status: res.status,
    message,
    paths: details?.map((d) => d.path),
  };
}

describe('bad input, generated from the contract', () => {
  it('is refused with a 4xx naming the problem, never a 5xx, and writes nothing', async () => {
    const groups = { bodies: bodyCases(), ids: idCases(), lists: listCases(), auditFilters: auditFilterCases(), transport: transportCases() };
    const cases = Object.values(groups).flat();
    const before = await snapshot();

    const failures: unknown[] = [];
    const serverErrors: unknown[] = [];
    for (const c of cases) {
      const res = await send(c);
      const answer = describeAnswer(c, res);
      if (res.status >= 500) serverErrors.push(answer);
      if (!answer.ok) failures.push(answer);
    }
    const counts = Object.entries(groups).map(([k, v]) => `${k} ${v.length}`).join(', ');
    console.info(`bad-input: ${cases.length} bad requests tried (${counts}), ${failures.length} not refused as expected, ${serverErrors.length} 5xx`);

    expect(serverErrors).toEqual([]);
    expect(failures).toEqual([]);
    expect(cases.length).toBeGreaterThanOrEqual(100);
    expect(await snapshot()).toEqual(before);
  }, 180_000);
});
