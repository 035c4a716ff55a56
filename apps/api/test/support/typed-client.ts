import { initClient } from '@ts-rest/core';
import { contract, type ErrorBody } from '@keyledger/contract';
import { ApiClient } from './client';

/**
 * A client typed by the contract (ts-rest's initClient): `typed.products.create({ body })` answers
 * `{ status, body }` narrowed by status. It sends through `api`, so it keeps the session cookies and
 * echoes the CSRF cookie on mutations like the untyped ApiClient; `headers` go with every call (an
 * API key's `authorization`).
 */
export function typedClient(api: ApiClient, headers: Record<string, string> = {}) {
  return initClient(contract, {
    baseUrl: api.baseUrl,
    baseHeaders: {},
    validateResponse: false,
    api: async (args) => {
      const path = args.path.startsWith(api.baseUrl) ? args.path.slice(api.baseUrl.length) : args.path;
      const body = typeof args.body === 'string' ? args.body : undefined;
      const res = await api.request(args.method, path, body, { ...args.headers, ...headers });
      return { status: res.status, body: res.body, headers: res.headers };
    },
  });
}

export type TypedClient = ReturnType<typeof typedClient>;

/** The query the typed `auditLog.list` takes. */
export type AuditLogListQuery = NonNullable<NonNullable<Parameters<TypedClient['auditLog']['list']>[0]>['query']>;

type Answer = { status: number; body: unknown };
/** The 2xx answers of a typed call's answer union. */
export type Success<R> = Extract<R, { status: 200 | 201 | 202 | 204 }>;

function describeAnswer(res: Answer) {
  return `${res.status}: ${JSON.stringify(res.body)}`;
}

/** Fails unless the answer has `status`; narrows it (and so its body's type) to that status. */
export function expectStatus<R extends Answer, S extends R['status']>(res: R, status: S): asserts res is Extract<R, { status: S }> {
  if (res.status !== status) throw new Error(`expected ${status}, got ${describeAnswer(res)}`);
}

/** The body of a 2xx answer (of exactly `status` when given), typed by the contract; fails otherwise. */
export function ok<R extends Answer>(res: R): Success<R>['body'];
export function ok<R extends Answer, S extends Success<R>['status']>(res: R, status: S): Extract<R, { status: S }>['body'];
export function ok(res: Answer, status?: number): unknown {
  if (status === undefined ? res.status < 200 || res.status > 299 : res.status !== status) {
    throw new Error(`expected ${status ?? '2xx'}, got ${describeAnswer(res)}`);
  }
  return res.body;
}

/** The shared error body of a 4xx/5xx answer, or undefined for any other answer. */
export function errorBody(res: Answer): ErrorBody | undefined {
  return res.status >= 400 && typeof res.body === 'object' && res.body !== null ? (res.body as ErrorBody) : undefined;
}

/** The error message of a 4xx/5xx answer, or undefined (so `{ status, message }` compares in one step). */
export function errorMessage(res: Answer): string | undefined {
  return errorBody(res)?.message;
}

/** The fields an error answer names (`details[].path`), or undefined. */
export function errorPaths(res: Answer): string[] | undefined {
  return errorBody(res)?.details?.map((d) => d.path);
}

/** A typed client that sends only an API key (no cookie, no CSRF token). */
export function keyClient(baseUrl: string, secret: string): TypedClient {
  return typedClient(new ApiClient(baseUrl), { authorization: `Bearer ${secret}` });
}

/** A browser-like client of `baseUrl` signed in as `email` (fails unless the sign-in answers 200), and its typed view. */
export async function signedInTyped(baseUrl: string, email: string, password: string) {
  const client = new ApiClient(baseUrl);
  const api = typedClient(client);
  ok(await api.auth.login({ body: { email, password } }), 200);
  return { client, api };
}

/** A new account (see ApiClient.signup), signed in as its admin: the session, the client and its typed view. */
export async function signedUpTyped(baseUrl: string, overrides: Parameters<ApiClient['signup']>[0] = {}) {
  const client = new ApiClient(baseUrl);
  const session = await client.signup(overrides);
  return { session, client, api: typedClient(client) };
}
