/**
 * The contract-driven fuzzer's cases: for a route, a valid request built from its zod schemas
 * (zod-arbitrary.ts) and real ids, then one or two mutations (bad strings, numbers at and past their
 * bounds, dates out of range, forged cursors, adversarial search strings, unknown and duplicate
 * fields, wrong content types, bad path parameters, odd headers). `expectationOf` decides from the
 * same schemas, and from the edge rules (no NUL or lone surrogate anywhere), whether the request
 * must be refused — and which field the refusal must name — or may be answered any way below 500.
 */
import fc from 'fast-check';
import { type AppRoute } from '@ts-rest/core';
import { type RouteMetadata, resolveAuditFilter, type AuditLogFilter } from '@keyledger/contract';
import { type ZodTypeAny, ZodArray, ZodObject, ZodNumber } from 'zod';
import { type ContractRoute, takesBody } from './contract-routes';
import { numberBounds, type RealIds, unwrap, validValue } from './zod-arbitrary';

export type Auth = 'session' | 'apiKey' | 'anonymous';
type Json = unknown;
type Query = Record<string, string | string[]>;

export interface FuzzRequest {
  name: string;
  route: AppRoute;
  params: Record<string, string>;
  query: Query;
  body?: Json;
  /** Sent verbatim instead of JSON.stringify(body). */
  rawBody?: string;
  /** The content-type header: default application/json when a body is sent; null sends none. */
  contentType?: string | null;
  headers: Record<string, string>;
  /** Appended to the query string verbatim (already percent-encoded). */
  rawQuery?: string;
  /** A path parameter sent verbatim (already percent-encoded). */
  rawParam?: { name: string; value: string };
  auth: Auth;
  mutations: string[];
  /** Set by a path-parameter mutation: the ids may no longer be the account's items. */
  paramsMutated?: boolean;
  /** Set by a cursor mutation: whether the cursor is well-formed for this route's list. */
  cursorValid?: boolean;
}

export interface Expectation {
  /** Must be refused (with one of `statuses`); otherwise any answer below 500. */
  reject: boolean;
  statuses: number[];
  /** The request fields at fault: a 400's details must name one of them. */
  fields: string[];
  why: string;
}

const meta = (r: AppRoute) => r.metadata as RouteMetadata;
export const isPublic = (r: AppRoute) => 'public' in meta(r);

/* ---------------------------------------------------------------- values */

const NUL = '\u0000';
const CONTROL = [...Array(32).keys()].filter((c) => c !== 0).map((c) => String.fromCharCode(c)).join('') + '\u007f\u0085';
const BIDI = '\u202e\u2066\u2067\u2068\u2069\u200f\u200e\u061c';
export const STAR_RUNS = [9, 20, 40, 200, 990].map((n) => `${'*'.repeat(n)}Z`);

/** Strings an attacker would send; some valid for some fields (bidi text in a name), most not. */
export const adversarialString = (base: string): fc.Arbitrary<string> =>
  fc.oneof(
    fc.nat({ max: base.length }).map((i) => base.slice(0, i) + NUL + base.slice(i)),
    fc.constantFrom('\ud800', '\udfff', 'a\ud83d', '\ude00b', '\udc00\ud800').map((s) => base + s),
    fc.constantFrom(CONTROL, BIDI, `${BIDI}${base}`, `\t${base}\r\n`),
    fc.constantFrom('x'.repeat(10_000), 'é'.repeat(10_000), '😀'.repeat(5_000), ' '.repeat(10_000)),
    fc.constantFrom(...STAR_RUNS, '%', '_', '\\', "'; DROP TABLE audit_entries; --", '<script>alert(1)</script>', '${7*7}', '{{7*7}}'),
    fc.constantFrom('', ' ', '\u00a0', '\ufeff', '\uffff', '\u{10ffff}'),
    fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 }).map((codes) => String.fromCharCode(...codes)),
  );

/** Dates from year 0 to 10000 and odd offsets; the few valid ones show the edge answers them. */
export const ADVERSARIAL_DATES = [
  '0000-01-01',
  '0000-01-01T00:00:00Z',
  '0001-01-01T00:00:00.000Z',
  '1969-12-31T23:59:59Z',
  '1970-01-01',
  '9999-12-31',
  '9999-12-31T23:59:59.999Z',
  '10000-01-01',
  '+010000-01-01T00:00:00.000Z',
  '-000001-01-01T00:00:00.000Z',
  '+275760-09-13T00:00:00.000Z',
  '2026-01-01T00:00:00+25:00',
  '2026-01-01T00:00:00-14:61',
  '2026-01-01T00:00:00+14:00',
  '2026-01-01T00:00:00-12:00',
  '2026-01-01T00:00:00+14:01',
  '2026-01-01T00:00:00+99:99',
  '2026-02-30',
  '2026-01-01T24:00:00Z',
  '2026-13-01',
  '2026-01-01T00:00:00',
  '1e10',
  '',
];

const numberEdges = (schema: ZodNumber): number[] => {
  const { min, max } = numberBounds(schema);
  const edges = [0, -1, 1.5, -0, 2 ** 31, 2 ** 53, 2 ** 53 + 2, 1e308, -1e308, Number.MAX_SAFE_INTEGER];
  if (min !== undefined) edges.push(min, min - 1);
  if (max !== undefined) edges.push(max, max + 1);
  return edges;
};
const QUERY_NUMBER_EDGES = ['NaN', 'Infinity', '1e999', '0x10', ' 5', '', '-0', '5abc', '00000000000000000000001'];

const SEARCH_KEYS = ['action', 'group', 'actor', 'item', 'created', 'Action', 'colour', ''];
const searchValue = fc.oneof(
  fc.constantFrom(...STAR_RUNS, '*', '**', '*_*_*', 'license_*,*_created,*', '*'.repeat(300) + 'a'.repeat(300)),
  fc.constantFrom('"', '"unbalanced', 'a"b"c"', ':', '::::', 'license:', 'license::', ',,,', '>=', '<<2026-01-01', '=>2026-01-01'),
  fc.constantFrom(...ADVERSARIAL_DATES).chain((d) => fc.constantFrom('', '>', '>=', '<', '<=', '=').map((op) => `${op}${d}`)),
  fc.constantFrom('licenses', 'nope', 'license_disabled', 'ann@acme.test', 'license', 'license:00000000-0000-0000-0000-000000000000'),
  adversarialString('x'),
);
export const adversarialSearch = fc
  .array(
    fc.oneof(
      fc.tuple(fc.constantFrom(...SEARCH_KEYS), searchValue).map(([k, v]) => (k ? `${k}:${v}` : v)),
      fc.constantFrom('"', '" "', '"""', 'refund', '""'),
    ),
    { minLength: 1, maxLength: 5 },
  )
  .map((tokens) => tokens.join(' '));

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const UUID0 = '00000000-0000-4000-8000-000000000000';
const ISO = '2026-01-01T00:00:00.000Z';
type CursorKind = 'seq' | 'created';
/** [cursor, which list it is well-formed for, if any]. */
export const FORGED_CURSORS: Array<[string, CursorKind | null]> = [
  [b64({ t: '1', id: UUID0 }), null],
  [b64({ t: '0000-01-01', id: UUID0 }), null],
  [b64({ t: '0000-01-01T00:00:00.000Z', id: UUID0 }), null],
  [b64({ t: '+275760-09-13T00:00:00.000Z', id: UUID0 }), null],
  [b64({ t: '2026-01-01', id: UUID0 }), null],
  [b64({ t: '2026-02-30T00:00:00.000Z', id: UUID0 }), null],
  [b64({ t: 2026, id: UUID0 }), null],
  [b64({ t: ISO, id: 12345 }), null],
  [b64({ t: ISO, id: 'x'.repeat(36) }), null],
  [b64({ t: ISO, id: UUID0, s: 1 }), null],
  [b64({ t: ISO, id: `${UUID0}\u0000` }), null],
  [b64({ t: ISO, id: UUID0 }), 'created'],
  [b64({ s: 5 }), 'seq'],
  [b64({ s: 0 }), null],
  [b64({ s: -1 }), null],
  [b64({ s: 1.5 }), null],
  [b64({ s: '5' }), null],
  [b64({ s: 2 ** 53 }), null],
  [b64({ s: 1e300 }), null],
  [b64({ s: 9007199254740991 }), 'seq'],
  [b64([]), null],
  [b64(null), null],
  [b64('"a string"'), null],
  [b64({ t: ISO, id: UUID0 }).slice(0, 20), null],
  [b64({ s: 5 }).slice(0, 5), null],
  ['not-a-cursor!', null],
  ['====', null],
  [b64({ t: ISO, id: UUID0 }) + '=', null],
];
const cursorKind = (name: string): CursorKind =>
  name === 'auditLog.list' || name.endsWith('.auditLog') || name === 'auditIntegrity.checkpoints' ? 'seq' : 'created';

const WRONG_TYPES: Json[] = [{ not: ['what', 'you', 'expected'] }, [1, 2], 42, true, null, '', [], {}];
const UNKNOWN_FIELDS = ['isAdmin', 'accountId', '__proto__', 'constructor', 'x'.repeat(100), 'a\u0000b', '\ud800'];
const BAD_PARAMS: Array<[string, boolean]> = [
  ['not-a-uuid', false],
  ['00000000-0000-0000-0000-000000000000', false],
  ['x'.repeat(10_000), false],
  [`${UUID0}\u0000`, false],
  ['../../etc/passwd', false],
  ["1' OR '1'='1", false],
  ['%ED%A0%80', true],
  ['%FF', true],
  ['%', true],
  ['%2e%2e', true],
];
const CONTENT_TYPES: Array<string | null> = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/xml',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  null,
];

/* ---------------------------------------------------------------- paths */

type Path = Array<string | number>;

/** Every field path a schema declares (objects' keys, arrays' first element), to aim mutations at. */
function schemaPaths(schema: ZodTypeAny, prefix: Path = [], depth = 0): Array<{ path: Path; schema: ZodTypeAny }> {
  const s = unwrap(schema);
  const out: Array<{ path: Path; schema: ZodTypeAny }> = prefix.length ? [{ path: prefix, schema: s }] : [];
  if (depth > 3) return out;
  if (s instanceof ZodObject) {
    for (const [k, v] of Object.entries(s.shape as Record<string, ZodTypeAny>)) out.push(...schemaPaths(v, [...prefix, k], depth + 1));
  } else if (s instanceof ZodArray) out.push(...schemaPaths(s.element, [...prefix, 0], depth + 1));
  return out;
}

function setAt(value: Json, path: Path, leaf: Json): Json {
  if (path.length === 0) return leaf;
  const [head, ...rest] = path;
  if (typeof head === 'number') {
    const arr = Array.isArray(value) ? [...(value as Json[])] : [];
    arr[head] = setAt(arr[head], rest, leaf);
    return arr;
  }
  const obj = value && typeof value === 'object' && !Array.isArray(value) ? { ...(value as Record<string, Json>) } : {};
  Object.defineProperty(obj, head!, { value: setAt(obj[head!], rest, leaf), enumerable: true, configurable: true, writable: true });
  return obj;
}

const getAt = (value: Json, path: Path): Json =>
  path.reduce<Json>((v, k) => (v && typeof v === 'object' ? (v as Record<string | number, Json>)[k] : undefined), value);

/** Query values as a URL carries them: strings, arrays for repeated keys. */
function toQuery(v: Json): Query {
  const out: Query = {};
  for (const [k, val] of Object.entries((v ?? {}) as Record<string, Json>)) {
    if (val === undefined) continue;
    out[k] = Array.isArray(val) ? val.map((x) => String(x)) : String(val);
  }
  return out;
}

/* ---------------------------------------------------------------- requests */

export interface FuzzContext {
  ids: RealIds;
  /** Real ids for each path parameter of a route. */
  paramsFor: (route: AppRoute) => Record<string, string>;
}

function baseRequest(cr: ContractRoute, ctx: FuzzContext): fc.Arbitrary<FuzzRequest> {
  const r = cr.route;
  const query = 'query' in r && r.query ? validValue(r.query as ZodTypeAny, ctx.ids).map(toQuery) : fc.constant({} as Query);
  const body = takesBody(r) ? validValue((r as { body: ZodTypeAny }).body, ctx.ids) : fc.constant(undefined);
  const auth: fc.Arbitrary<Auth> =
    isPublic(r) || cr.name.startsWith('auth.') ? fc.constant('anonymous') : fc.constantFrom<Auth>('session', 'session', 'session', 'apiKey');
  return fc.record({ query, body, auth }).map(({ query: q, body: b, auth: a }) => ({
    name: cr.name,
    route: r,
    params: ctx.paramsFor(r),
    query: q,
    body: b,
    headers: {},
    auth: a,
    mutations: [],
  }));
}

type Mutator = (req: FuzzRequest) => fc.Arbitrary<FuzzRequest> | null;
const tag = (req: FuzzRequest, label: string, patch: Partial<FuzzRequest>): FuzzRequest => ({
  ...req,
  ...patch,
  mutations: [...req.mutations, label],
});

const targets = (req: FuzzRequest) => {
  const r = req.route;
  const out: Array<{ part: 'query' | 'body'; path: Path; schema: ZodTypeAny }> = [];
  if ('query' in r && r.query) out.push(...schemaPaths(r.query as ZodTypeAny).map((t) => ({ part: 'query' as const, ...t })));
  if (takesBody(r)) out.push(...schemaPaths((r as { body: ZodTypeAny }).body).map((t) => ({ part: 'body' as const, ...t })));
  return out;
};

function setField(req: FuzzRequest, part: 'query' | 'body', path: Path, value: Json, label: string): FuzzRequest {
  if (part === 'query') {
    // Any cursor but a well-formed one from the forged list is not a cursor the list returned.
    const cursor = path[0] === 'cursor' ? { cursorValid: false } : {};
    return tag(req, label, { query: { ...req.query, [String(path[0])]: value as string | string[] }, ...cursor });
  }
  return tag(req, label, { body: setAt(req.body ?? {}, path, value) });
}

const MUTATORS: Record<string, Mutator> = {
  badString(req) {
    const ts = targets(req).filter((t) => t.part === 'body' || t.path.length === 1);
    if (!ts.length) return null;
    return fc.constantFrom(...ts).chain((t) => {
      const current = getAt(t.part === 'query' ? req.query : req.body, t.path);
      return adversarialString(typeof current === 'string' ? current : 'fuzz').map((s) =>
        setField(req, t.part, t.path, s, `${t.part}.${t.path.join('.')} = ${JSON.stringify(s.slice(0, 30))}${s.length > 30 ? `…(${s.length})` : ''}`),
      );
    });
  },
  badNumber(req) {
    const ts = targets(req).filter((t) => t.schema instanceof ZodNumber && (t.part === 'body' || t.path.length === 1));
    if (!ts.length) return null;
    return fc.constantFrom(...ts).chain((t) => {
      const edges: Json[] = numberEdges(t.schema as ZodNumber);
      const values = t.part === 'query' ? [...edges.map(String), ...QUERY_NUMBER_EDGES] : [...edges, ...edges.map(String)];
      return fc.constantFrom(...values).map((v) => setField(req, t.part, t.path, v, `${t.part}.${t.path.join('.')} = ${JSON.stringify(v)}`));
    });
  },
  badDate(req) {
    const ts = targets(req).filter((t) => /^(from|to|until|validUntil)$/.test(String(t.path[t.path.length - 1])));
    if (!ts.length) return null;
    return fc
      .tuple(fc.constantFrom(...ts), fc.constantFrom(...ADVERSARIAL_DATES))
      .map(([t, d]) => setField(req, t.part, t.path, d, `${t.part}.${t.path.join('.')} = ${d}`));
  },
  wrongType(req) {
    const ts = targets(req).filter((t) => t.part === 'body');
    if (!ts.length) return null;
    return fc
      .tuple(fc.constantFrom(...ts), fc.constantFrom(...WRONG_TYPES))
      .map(([t, v]) => setField(req, 'body', t.path, v, `body.${t.path.join('.')} = ${JSON.stringify(v)}`));
  },
  unknownField(req) {
    const parts: Array<'query' | 'body'> = [];
    if (req.route.method === 'GET') parts.push('query');
    if (takesBody(req.route)) parts.push('body');
    if (!parts.length) return null;
    return fc
      .tuple(fc.constantFrom(...parts), fc.constantFrom(...UNKNOWN_FIELDS))
      .map(([part, k]) => (part === 'query' ? setField(req, 'query', [k], '1', `query.${k} unknown`) : setField(req, 'body', [k], true, `body.${k} unknown`)));
  },
  duplicate(req) {
    const q = Object.keys(req.query);
    if (req.route.method === 'GET' && q.length) {
      return fc.constantFrom(...q).map((k) => tag(req, `query.${k} twice`, { rawQuery: `${encodeURIComponent(urlSafe(k))}=dup` }));
    }
    const b = req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? Object.keys(req.body) : [];
    if (!b.length || !takesBody(req.route)) return null;
    return fc.tuple(fc.constantFrom(...b), fc.constantFrom<Json>('dup', 1, null)).map(([k, v]) => {
      const json = JSON.stringify(req.body);
      return tag(req, `body.${k} twice`, { rawBody: `${json.slice(0, -1)}${json.length > 2 ? ',' : ''}${JSON.stringify(k)}:${JSON.stringify(v)}}` });
    });
  },
  cursor(req) {
    const r = req.route;
    if (!('query' in r) || !r.query || !('cursor' in ((unwrap(r.query as ZodTypeAny) as ZodObject<never>).shape ?? {}))) return null;
    const kind = cursorKind(req.name);
    return fc
      .constantFrom(...FORGED_CURSORS)
      .map(([c, validFor]) => tag(req, `cursor ${c.slice(0, 30)}`, { query: { ...req.query, cursor: c }, cursorValid: validFor === kind }));
  },
  search(req) {
    if (req.name === 'auditLog.list') return adversarialSearch.map((q) => setField(req, 'query', ['q'], q, `q = ${q.slice(0, 60)}`));
    if (req.name === 'auditExports.create') {
      return adversarialSearch.map((q) => setField(req, 'body', ['filter', 'q'], q, `filter.q = ${q.slice(0, 60)}`));
    }
    return null;
  },
  contentType(req) {
    if (!takesBody(req.route)) return null;
    return fc.constantFrom(...CONTENT_TYPES).map((ct) =>
      tag(req, `content-type ${ct}`, {
        contentType: ct,
        rawBody: ct?.startsWith('application/x-www') ? 'name=x&code=y' : ct === 'application/xml' ? '<a>x</a>' : JSON.stringify(req.body ?? {}),
      }),
    );
  },
  pathParam(req) {
    const names = [...req.route.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
    if (!names.length) return null;
    return fc.tuple(fc.constantFrom(...names), fc.constantFrom(...BAD_PARAMS)).map(([n, [v, raw]]) =>
      raw
        ? tag(req, `params.${n} raw ${v}`, { rawParam: { name: n, value: v } })
        : tag(req, `params.${n} = ${JSON.stringify(v.slice(0, 40))}`, { params: { ...req.params, [n]: v }, paramsMutated: true }),
    );
  },
  bodyShape(req) {
    if (!takesBody(req.route)) return null;
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const deepObject = '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000);
    return fc
      .constantFrom<[string, string]>(
        ['an array', JSON.stringify([req.body])],
        ['null', 'null'],
        ['a number', '42'],
        ['a string', '"body"'],
        ['empty', ''],
        ['malformed', '{"name": "unterminated'],
        ['100,000 nested arrays', deep],
        ['50,000 nested objects', deepObject],
        ['1.1 MB', JSON.stringify({ name: 'x'.repeat(1_100_000) })],
        ['BOM', `\ufeff${JSON.stringify(req.body ?? {})}`],
        ['NUL escape key', '{"\\u0000":1}'],
      )
      .map(([label, raw]) => tag(req, `body ${label}`, { rawBody: raw }));
  },
  header(req) {
    return fc
      .constantFrom<[string, Record<string, string>]>(
        ['user-agent latin1', { 'user-agent': 'ÿþ\u00a0Mozilla/5.0 \u00e9' }],
        ['user-agent 8 KB', { 'user-agent': 'a'.repeat(8_000) }],
        ['x-request-id odd', { 'x-request-id': "'; DROP TABLE x; --" }],
        ['bearer junk', { authorization: 'Bearer kl_live_' + 'A'.repeat(300) }],
        ['bearer empty', { authorization: 'Bearer ' }],
        ['basic auth', { authorization: 'Basic YTpi' }],
        ['accept odd', { accept: 'application/xml;q=2, */*;q=-1' }],
      )
      .map(([label, h]) => tag(req, `header ${label}`, { headers: { ...req.headers, ...h } }));
  },
};

/** Requests for `routes`: a valid one from the schemas with one or two mutations. */
export function fuzzRequests(routes: ContractRoute[], ctx: FuzzContext): fc.Arbitrary<FuzzRequest> {
  const mutate = (req: FuzzRequest): fc.Arbitrary<FuzzRequest> => {
    const applicable = Object.entries(MUTATORS)
      .map(([, m]) => m(req))
      .filter((a): a is fc.Arbitrary<FuzzRequest> => a !== null);
    return fc.oneof(...applicable);
  };
  return fc
    .constantFrom(...routes)
    .chain((cr) => baseRequest(cr, ctx))
    .chain(mutate)
    .chain((once) => fc.boolean().chain((twice) => (twice ? mutate(once) : fc.constant(once))));
}

/* ---------------------------------------------------------------- expectations */

// eslint-disable-next-line no-control-regex -- finding NUL is the point
const BAD_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function badTextPaths(value: Json, root: string, out: string[]): void {
  const stack: Array<[Json, string]> = [[value, root]];
  while (stack.length) {
    const [v, p] = stack.pop()!;
    if (typeof v === 'string') {
      if (BAD_TEXT.test(v) || v.length > 20_000) out.push(p);
    } else if (v && typeof v === 'object') {
      for (const [k, c] of Object.entries(v as Record<string, Json>)) {
        const key = JSON.stringify(k).slice(1, -1);
        if (BAD_TEXT.test(k)) out.push(`${p}.${key}`);
        stack.push([c, `${p}.${key}`]);
      }
    }
  }
}

function depthOf(v: Json): number {
  let max = 0;
  const stack: Array<[Json, number]> = [[v, 0]];
  while (stack.length) {
    const [x, d] = stack.pop()!;
    if (x && typeof x === 'object') {
      max = Math.max(max, d + 1);
      for (const c of Object.values(x as Record<string, Json>)) stack.push([c, d + 1]);
    }
  }
  return max;
}

const issuePaths = (prefix: string, issues: Array<{ path: Array<string | number> }>) =>
  issues.map((i) => [prefix, ...i.path].join('.'));

/** Lone surrogates cannot travel in a URL: they reach the server as U+FFFD. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
export const urlSafe = (s: string) => s.replace(LONE_SURROGATE, '\ufffd');

export function expectationOf(req: FuzzRequest): Expectation {
  const r = req.route;
  const body = takesBody(r);
  // A URL over Node's 16 KB header limit is refused by the HTTP parser (431) before anything else.
  const urlLength = JSON.stringify(req.query).length * 3 + JSON.stringify(req.params).length * 3 + (req.headers['user-agent']?.length ?? 0);
  const refuse = (statuses: number[], fields: string[], why: string): Expectation => ({
    reject: true,
    statuses: urlLength > 10_000 ? [...statuses, 431] : statuses,
    fields,
    why,
  });
  const anyAnswer = (why: string): Expectation => ({ reject: false, statuses: [], fields: [], why });
  const guarded = !isPublic(r);

  // In the order the server checks: the router, the content type, the body's size, its parsing, the
  // edge's text rules, the guard, the schemas, then the services (cursor, filter).
  const params = Object.fromEntries(Object.entries(req.params).map(([k, v]) => [k, urlSafe(v)]));
  const query: Query = Object.fromEntries(
    Object.entries(req.query).map(([k, v]) => [urlSafe(k), Array.isArray(v) ? v.map(urlSafe) : urlSafe(v)]),
  );
  if (req.rawQuery) {
    const [k, v] = req.rawQuery.split('=') as [string, string];
    const key = decodeURIComponent(k);
    const prev = query[key];
    query[key] = prev === undefined ? decodeURIComponent(v) : [...(Array.isArray(prev) ? prev : [prev]), decodeURIComponent(v)];
  }

  if (req.rawParam) {
    // Malformed percent-encoding is refused by the router; %2e%2e walks to another (or no) route.
    return req.rawParam.value === '%2e%2e' ? anyAnswer('path walked') : refuse([400], ['params'], 'malformed path');
  }
  const tooLong = Object.entries(req.params).filter(([, v]) => v.length > 100);
  if (tooLong.length) {
    // The router refuses it (400); a GET falls through to the web app's catch-all (404), where the
    // edge still checks the query's text.
    const inQuery: string[] = [];
    if (r.method === 'GET') badTextPaths(query, 'query', inQuery);
    return refuse(r.method === 'GET' ? [400, 404] : [400], ['params', ...inQuery], 'path parameter over 100 characters');
  }

  let parsedBody = req.body;
  if (body) {
    const raw = req.rawBody ?? JSON.stringify(req.body ?? {});
    const ct = req.contentType;
    if (ct === null) parsedBody = undefined; // no content type: the body is not read
    else if (ct === 'text/plain') parsedBody = raw; // Fastify reads text as a string
    else if (ct !== undefined && !ct.startsWith('application/json')) return refuse([415], [], 'not JSON');
    if (raw.length > 1024 * 1024) return refuse(ct === null ? [400, 401, 413] : [413], [], 'body over 1 MB');
    if (ct === undefined || (ct !== null && ct.startsWith('application/json'))) {
      // Fastify's parser drops a byte-order mark, then refuses a prototype key.
      try {
        parsedBody = JSON.parse(raw.replace(/^\ufeff/, ''));
      } catch {
        return refuse([400], [], 'malformed JSON');
      }
      if (raw.includes('"__proto__":')) return refuse([400], [], 'prototype poisoning');
      if (depthOf(parsedBody) > 32) return refuse([400], ['body'], 'nested deeper than 32');
    }
  }

  // The edge: no NUL, lone surrogate or over-long string in any text (400 before the guard).
  const bad: string[] = [];
  badTextPaths(params, 'params', bad);
  badTextPaths(query, 'query', bad);
  if (body) badTextPaths(parsedBody, 'body', bad);
  if (bad.length) return refuse([400], bad, 'NUL, lone surrogate or over 20,000 characters');

  if (req.headers.authorization !== undefined && guarded && req.auth !== 'anonymous') {
    // An Authorization header is an API key attempt: a junk one is refused before validation.
    return refuse([401], [], 'junk credentials');
  }

  const fields: string[] = [];
  const pp = 'pathParams' in r ? (r.pathParams as ZodTypeAny | undefined) : undefined;
  if (pp) {
    const res = pp.safeParse(params);
    if (!res.success) fields.push(...issuePaths('params', res.error.issues));
  }
  let parsedQuery: Record<string, unknown> | undefined;
  if ('query' in r && r.query) {
    const res = (r.query as ZodTypeAny).safeParse(query);
    if (!res.success) fields.push(...issuePaths('query', res.error.issues));
    else parsedQuery = res.data as Record<string, unknown>;
  }
  let parsedBodyValue: Record<string, unknown> | undefined;
  if (body) {
    const res = (r as { body: ZodTypeAny }).body.safeParse(parsedBody);
    if (!res.success) fields.push(...issuePaths('body', res.error.issues));
    else parsedBodyValue = res.data as Record<string, unknown>;
  }
  // Anonymous callers of a guarded route meet the guard (401) before validation.
  const statuses = guarded && req.auth === 'anonymous' ? [400, 401] : [400];
  if (fields.length) return refuse(statuses, fields, 'schema');

  // A service looks the item up (404 for an unknown id) before it reads the cursor or the filter.
  const late = req.paramsMutated ? [...statuses, 404] : statuses;
  if (query.cursor !== undefined && req.cursorValid !== true) return refuse(late, ['query.cursor'], 'forged cursor');
  if (req.name === 'auditLog.list' && parsedQuery) {
    const { limit: _l, cursor: _c, ...filter } = parsedQuery;
    const res = resolveAuditFilter(filter as AuditLogFilter);
    if (!res.ok) return refuse(late, issuePaths('query', res.issues.map((i) => ({ path: [i.path] }))), 'filter');
  }
  if (req.name === 'auditExports.create' && parsedBodyValue) {
    const res = resolveAuditFilter(parsedBodyValue.filter as AuditLogFilter);
    if (!res.ok) return refuse(late, issuePaths('body.filter', res.issues.map((i) => ({ path: [i.path] }))), 'export filter');
  }
  return anyAnswer('valid for the contract');
}

/** Whether a detail path (`query.q (foo:bar)`) names one of the fields (or a field within it, or its parent object). */
export function namesOneOf(detailPath: string, fields: string[]): boolean {
  const p = detailPath.replace(/ \(.*\)$/s, '');
  return fields.some((f0) => {
    const f = f0.replace(/ \(.*\)$/s, '');
    return p === f || f.startsWith(`${p}.`) || p.startsWith(`${f}.`);
  });
}
