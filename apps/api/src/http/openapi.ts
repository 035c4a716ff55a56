/**
 * The OpenAPI 3.1 document of the API, generated from the contract (@ts-rest/open-api) and completed
 * here from the contract's own data: each route's summary and metadata (who may call it: public, a
 * browser session, an API key, which permission), the shared error body for every error answer, the
 * Idempotency-Key header of the Management API's POSTs, the rate-limit headers, examples.
 *
 * @ts-rest/open-api writes OpenAPI 3.0-flavoured schemas (`nullable`, a numeric `exclusiveMinimum`);
 * `toJsonSchema` turns them into the JSON Schema 2020-12 that OpenAPI 3.1 uses.
 */
import { type AppRoute, isAppRoute, type AppRouter } from '@ts-rest/core';
import { generateOpenApi } from '@ts-rest/open-api';
import {
  acceptsIdempotencyKey,
  contract,
  IDEMPOTENCY_TTL_HOURS,
  type RouteMetadata,
} from '@keyledger/contract';
import { OPENAPI_EXAMPLES } from './openapi-examples';

type Json = Record<string, any>;

const ERROR_REF = { $ref: '#/components/schemas/ErrorBody' };

/** The error answers, as reusable responses; each operation refers to the ones it can give. */
const ERRORS: Record<string, { name: string; description: string }> = {
  '400': {
    name: 'BadRequest',
    description:
      'The request is invalid: `details` names each field at fault. Nothing was written.',
  },
  '401': {
    name: 'Unauthorized',
    description: 'No valid session or API key (unknown, revoked, or its creator removed).',
  },
  '403': {
    name: 'Forbidden',
    description:
      'Signed in, but not allowed: a missing permission (named in `message`), a missing or wrong CSRF header, or a privilege boundary.',
  },
  '404': { name: 'NotFound', description: 'No such item in your account.' },
  '409': {
    name: 'Conflict',
    description:
      'The request conflicts with the current state (already done, still in use, a duplicate) or with a request in flight with the same Idempotency-Key.',
  },
  '410': {
    name: 'Gone',
    description: 'The item existed but is no longer available (e.g. an expired export file).',
  },
  '413': { name: 'PayloadTooLarge', description: 'The body is larger than 1 MiB.' },
  '415': { name: 'UnsupportedMediaType', description: 'The body is not `application/json`.' },
  '422': {
    name: 'IdempotencyKeyReused',
    description:
      'The Idempotency-Key was already used with a different request (method, path or body).',
  },
  '429': {
    name: 'TooManyRequests',
    description: 'A rate limit or quota was reached: retry after the seconds in `Retry-After`.',
  },
  '500': {
    name: 'InternalError',
    description:
      'An unexpected error. Nothing was written; the `requestId` identifies it in the logs.',
  },
  '503': {
    name: 'Unavailable',
    description:
      'A service the request needs (PostgreSQL, Redis) is unavailable: no connection could be had (nothing was written), or the database connection was lost during the request (the message says so: a change and its audit entry are saved together or not at all). Retry after the seconds in `Retry-After` when given.',
  },
};

const SUCCESS_DESCRIPTIONS: Record<string, string> = {
  '200': 'OK',
  '201': 'Created',
  '202': 'Accepted: the work continues in the background',
  '204': 'Done; no content',
};

/** Routes answering a file rather than JSON. */
const FILE_RESPONSES = new Map<AppRoute, Json>([
  [
    contract.auditExports.download,
    {
      'text/csv': { schema: { type: 'string' } },
      'application/x-ndjson': { schema: { type: 'string' } },
    },
  ],
]);

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

function metadataOf(route: AppRoute): RouteMetadata {
  const meta = route.metadata as RouteMetadata | undefined;
  if (!meta) throw new Error(`${route.method} ${route.path} declares no metadata`);
  return meta;
}

/** Who may call the route, as OpenAPI security requirements (alternatives), plus a sentence for people. */
function securityOf(route: AppRoute): { security: Json[]; words: string; apiKey: boolean } {
  const meta = metadataOf(route);
  const csrf = SAFE.has(route.method) ? {} : { csrfHeader: [] };
  if ('public' in meta)
    return { security: [], words: 'Public: no session or API key needed.', apiKey: false };
  if ('authenticated' in meta) {
    return {
      security: [{ sessionCookie: [], ...csrf }],
      words: `Any signed-in user (browser session${SAFE.has(route.method) ? '' : ' with the `x-csrf-token` header'}).`,
      apiKey: false,
    };
  }
  const roles = [meta.permission];
  const session = { sessionCookie: roles, ...csrf };
  if (meta.sessionOnly) {
    return {
      security: [session],
      words: `Needs the \`${meta.permission}\` permission, signed in (browser session${SAFE.has(route.method) ? '' : ' with the `x-csrf-token` header'}); an API key gets 403.`,
      apiKey: false,
    };
  }
  return {
    security: [{ apiKey: roles }, session],
    words: `Needs the \`${meta.permission}\` permission: an API key holding it (and whose creator still does), or a signed-in user holding it.`,
    apiKey: true,
  };
}

/** The error statuses an operation can answer: the contract's own, plus those every route of its kind can. */
function errorStatuses(route: AppRoute, declared: string[]): string[] {
  const meta = metadataOf(route);
  const set = new Set(declared.filter((s) => Number(s) >= 400));
  set.add('400');
  set.add('500');
  set.add('503');
  if (!('public' in meta)) ['401', '403', '429'].forEach((s) => set.add(s));
  if (!SAFE.has(route.method)) ['413', '415'].forEach((s) => set.add(s));
  if (acceptsIdempotencyKey(route)) ['409', '422'].forEach((s) => set.add(s));
  return [...set].sort();
}

/** OpenAPI 3.0-style schema (as @ts-rest/open-api writes it) → JSON Schema 2020-12 (OpenAPI 3.1). */
export function toJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Json = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'properties' || k === 'patternProperties' || k === '$defs') {
      out[k] = Object.fromEntries(Object.entries(v as Json).map(([p, s]) => [p, toJsonSchema(s)]));
    } else if (['items', 'additionalProperties', 'not', 'anyOf', 'oneOf', 'allOf'].includes(k)) {
      out[k] = toJsonSchema(v);
    } else if (k !== 'nullable' && k !== 'example') {
      out[k] = v;
    }
  }
  const s = schema as Json;
  if (s.example !== undefined) out.examples = [s.example];
  if (s.exclusiveMinimum === true) {
    out.exclusiveMinimum = s.minimum;
    delete out.minimum;
  } else if (
    typeof s.exclusiveMinimum === 'number' &&
    s.minimum !== undefined &&
    s.minimum <= s.exclusiveMinimum
  ) {
    delete out.minimum;
  }
  if (s.exclusiveMaximum === true) {
    out.exclusiveMaximum = s.maximum;
    delete out.maximum;
  } else if (
    typeof s.exclusiveMaximum === 'number' &&
    s.maximum !== undefined &&
    s.maximum >= s.exclusiveMaximum
  ) {
    delete out.maximum;
  }
  if (s.nullable === true && s.type !== undefined) {
    out.type = Array.isArray(s.type) ? [...new Set([...s.type, 'null'])] : [s.type, 'null'];
    if (Array.isArray(s.enum) && !s.enum.includes(null)) out.enum = [...s.enum, null];
  }
  return out;
}

function routesOf(router: AppRouter): AppRoute[] {
  return Object.values(router).flatMap((r) => (isAppRoute(r) ? [r] : routesOf(r)));
}

function mapOperation(operation: Json, route: AppRoute): Json {
  if (!route.summary)
    throw new Error(`${route.method} ${route.path} has no summary in the contract`);
  const { security, words, apiKey } = securityOf(route);
  const meta = metadataOf(route);
  const idempotent = acceptsIdempotencyKey(route);
  const paragraphs = [route.description ?? `${route.summary}.`, `**Authorization.** ${words}`];
  if (idempotent) {
    paragraphs.push(
      `**Safe retries.** Send an \`Idempotency-Key\` (any 1–255 visible ASCII characters, e.g. a UUID) to retry safely: ` +
        `for ${IDEMPOTENCY_TTL_HOURS} h the same key with the same request answers the first response again (with ` +
        `\`Idempotent-Replayed: true\`) without acting twice; with a different request it answers 422; while the first ` +
        `is still running a duplicate waits for it, and answers 409 if it does not finish within a few seconds.`,
    );
  }
  if (apiKey)
    paragraphs.push(
      '**Rate limit.** Requests made with an API key count against its limit; see the `RateLimit-*` headers.',
    );

  const parameters: Json[] = (operation.parameters ?? []).map((p: Json) => ({
    ...p,
    schema: toJsonSchema(p.schema),
  }));
  if (idempotent) parameters.push({ $ref: '#/components/parameters/IdempotencyKey' });

  const responses: Json = {};
  const declared = Object.keys(operation.responses ?? {});
  for (const status of declared.filter((s) => Number(s) < 400)) {
    const generated = operation.responses[status] as Json;
    const response: Json = { description: SUCCESS_DESCRIPTIONS[status] ?? status };
    const file = FILE_RESPONSES.get(route);
    if (file) response.content = file;
    else if (generated.content) {
      const media = generated.content['application/json'] as Json;
      const example = OPENAPI_EXAMPLES.get(route);
      response.content = {
        'application/json': {
          schema: toJsonSchema(media.schema),
          ...(example ? { examples: example } : {}),
        },
      };
    }
    if (apiKey || idempotent) {
      response.headers = {
        ...(apiKey ? RATE_LIMIT_HEADER_REFS : {}),
        ...(idempotent
          ? { 'Idempotent-Replayed': { $ref: '#/components/headers/IdempotentReplayed' } }
          : {}),
      };
    }
    responses[status] = response;
  }
  for (const status of errorStatuses(route, declared)) {
    const error = ERRORS[status];
    if (!error)
      throw new Error(`${route.method} ${route.path}: no description for error status ${status}`);
    // A route answering an error status with a body of its own (the health check's 503) keeps it.
    const own = (operation.responses?.[status] as Json | undefined)?.content?.['application/json']
      ?.schema;
    if (
      own !== undefined &&
      JSON.stringify(toJsonSchema(own)) !== JSON.stringify(ERROR_BODY_SCHEMA())
    ) {
      responses[status] = {
        description: error.description,
        content: { 'application/json': { schema: toJsonSchema(own) } },
      };
    } else {
      responses[status] = { $ref: `#/components/responses/${error.name}` };
    }
  }

  const out: Json = {
    ...operation,
    summary: route.summary,
    description: paragraphs.join('\n\n'),
    parameters,
    responses,
    security,
  };
  if ('permission' in meta) out['x-permission'] = meta.permission;
  if (operation.requestBody) {
    const content = operation.requestBody.content as Json;
    out.requestBody = {
      required: true,
      content: Object.fromEntries(
        Object.entries(content).map(([type, media]) => [
          type,
          { schema: toJsonSchema((media as Json).schema) },
        ]),
      ),
    };
  }
  return out;
}

const RATE_LIMIT_HEADER_REFS = {
  'RateLimit-Limit': { $ref: '#/components/headers/RateLimitLimit' },
  'RateLimit-Remaining': { $ref: '#/components/headers/RateLimitRemaining' },
  'RateLimit-Reset': { $ref: '#/components/headers/RateLimitReset' },
  'RateLimit-Policy': { $ref: '#/components/headers/RateLimitPolicy' },
};

function components(errorBody: unknown): Json {
  const intHeader = (description: string) => ({
    description,
    schema: { type: 'integer', minimum: 0 },
  });
  return {
    securitySchemes: {
      apiKey: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'kl_live_…',
        description:
          'A Management API key, `Authorization: Bearer kl_live_…`. Created by a signed-in user (Settings > API keys or ' +
          '`POST /api/v1/api-keys`) with some of their permissions; it may use those its creator still holds. The scopes ' +
          'listed on an operation are the permission it needs.',
      },
      sessionCookie: {
        type: 'apiKey',
        in: 'cookie',
        name: 'kl_session',
        description:
          'A browser session, opened by `POST /api/v1/auth/login` (httpOnly cookie). The scopes listed on an operation are the permission it needs.',
      },
      csrfHeader: {
        type: 'apiKey',
        in: 'header',
        name: 'x-csrf-token',
        description:
          'With a browser session, every request but GET/HEAD/OPTIONS echoes the `kl_csrf` cookie in this header.',
      },
    },
    schemas: { ErrorBody: errorBody },
    parameters: {
      IdempotencyKey: {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description:
          `Makes the request safe to retry. Keys are scoped to your account and your credential (the API key, or the ` +
          `signed-in user) and remembered for ${IDEMPOTENCY_TTL_HOURS} h.`,
        schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
        example: '5f0c1e9a-2b7d-4a57-9d0e-2f4c1b8a6e31',
      },
    },
    headers: {
      RateLimitLimit: intHeader("The API key's request quota in the current window."),
      RateLimitRemaining: intHeader('Requests left in the current window.'),
      RateLimitReset: intHeader('Seconds until the window resets.'),
      RateLimitPolicy: {
        description: 'The quota and window, e.g. `600;w=60`.',
        schema: { type: 'string' },
      },
      RetryAfter: intHeader('Seconds to wait before retrying.'),
      IdempotentReplayed: {
        description:
          'Present (`true`) when this answer is the stored answer of an earlier request with the same Idempotency-Key.',
        schema: { type: 'string', enum: ['true'] },
      },
    },
    responses: Object.fromEntries(
      Object.entries(ERRORS).map(([status, { name, description }]) => [
        name,
        {
          description,
          ...(status === '429' || status === '503'
            ? {
                headers: {
                  'Retry-After': { $ref: '#/components/headers/RetryAfter' },
                  ...(status === '429' ? RATE_LIMIT_HEADER_REFS : {}),
                },
              }
            : {}),
          content: {
            'application/json': {
              schema: ERROR_REF,
              example: errorExample(Number(status), description),
            },
          },
        },
      ]),
    ),
  };
}

function errorExample(statusCode: number, message: string) {
  const names: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    409: 'Conflict',
    410: 'Gone',
    413: 'Payload Too Large',
    415: 'Unsupported Media Type',
    422: 'Unprocessable Entity',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    503: 'Service Unavailable',
  };
  return {
    statusCode,
    error: names[statusCode] ?? 'Error',
    message: statusCode === 400 ? 'name: String must contain at least 1 character(s)' : message,
    ...(statusCode === 400
      ? { details: [{ path: 'name', message: 'String must contain at least 1 character(s)' }] }
      : {}),
    requestId: '0b9f6c52-8d4e-4f4a-9a43-5d7f5d8e2c11',
  };
}

/** The document served at /api/docs/openapi.json; `publicUrl` is the server clients reach. */
export function openApiDocument(publicUrl: string): Json {
  const generated = generateOpenApi(
    contract,
    { info: { title: 'Keyledger API', version: '1' } },
    {
      setOperationId: 'concatenated-path',
      operationMapper: (op, route) => mapOperation(op as Json, route) as typeof op,
    },
  ) as Json;
  return {
    openapi: '3.1.0',
    info: {
      title: 'Keyledger API',
      version: '1',
      summary: 'The audit log of a software-licensing vendor platform, and the platform it records',
      description:
        'The Management API: products, customers, orders, licenses, devices, platform users, permission templates, ' +
        'notification policies, API keys, and the audit log with its exports and integrity proofs. Machines call it ' +
        'with an API key (`Authorization: Bearer kl_live_…`); the web app with a browser session. Every error answers ' +
        'the same body (`ErrorBody`) and every response carries `x-request-id`. POSTs that create or change take an ' +
        '`Idempotency-Key`; answers to API-key requests carry `RateLimit-*` headers.',
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    servers: [{ url: publicUrl, description: 'This Keyledger deployment' }],
    tags: tagsOf(generated),
    paths: withoutInlineDiscriminators(generated.paths),
    components: components(ERROR_BODY_SCHEMA()),
  };
}

/**
 * The generator writes a zod discriminated union (a log stream's destination, by `type`) as `oneOf` of
 * inline schemas with a `discriminator`, which can only select named (`$ref`) schemas. Each branch pins
 * `type` to one value, so the `oneOf` alone is unambiguous: the keyword is dropped.
 */
function withoutInlineDiscriminators(node: unknown): Json {
  if (Array.isArray(node)) return node.map(withoutInlineDiscriminators) as Json;
  if (node === null || typeof node !== 'object') return node as Json;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    if (k === 'discriminator' && Array.isArray((node as Json).oneOf)) continue;
    out[k] = withoutInlineDiscriminators(v);
  }
  return out;
}

function tagsOf(generated: Json): Json[] {
  const names = new Set<string>();
  for (const ops of Object.values(generated.paths as Json))
    for (const op of Object.values(ops as Json))
      for (const t of (op as Json).tags ?? []) names.add(t);
  return [...names].map((name) => ({ name, description: TAG_DESCRIPTIONS[name] ?? name }));
}

const TAG_DESCRIPTIONS: Record<string, string> = {
  health: 'Whether the API reaches its services',
  auth: 'Sign-up, sign-in and the browser session',
  auditLog: "The account's audit log and each item's history",
  auditExports: 'Exports of the audit log (CSV, NDJSON), built in the background',
  auditIntegrity: 'Tamper evidence: the hash chain, signed checkpoints and the public key',
  platformUsers: 'The staff of the vendor account',
  permissionTemplates: 'Sets of permissions given to platform users',
  notificationPolicies: 'Who is notified of which event',
  products: 'Products the vendor licenses',
  customers: "The vendor's customers",
  orders: "Customers' orders",
  licenses: 'Licenses issued in orders',
  devices: 'Devices activated on licenses',
  licenseApi: 'Used by licensed software on end users’ machines (authorised by the license key)',
  apiKeys: 'Management API keys',
};

let errorBody: unknown;
/** The shared error body's schema (JSON Schema), made once. */
const ERROR_BODY_SCHEMA = (): unknown => (errorBody ??= toJsonSchema(errorBodySchema()));

/** The shared error body's schema, as the generator writes it for any route's 404. */
function errorBodySchema(): unknown {
  const doc = generateOpenApi({ probe: { ...contract.products.get } } as AppRouter, {
    info: { title: '', version: '' },
  }) as Json;
  const schema =
    doc.paths['/api/v1/products/{id}'].get.responses['404'].content['application/json'].schema;
  return schema;
}

/** Every route of the contract (for tests walking the document). */
export const contractRoutes = () => routesOf(contract);
