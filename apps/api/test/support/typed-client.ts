import { initClient } from '@ts-rest/core';
import { contract } from '@keyledger/contract';
import { type ApiClient } from './client';

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
