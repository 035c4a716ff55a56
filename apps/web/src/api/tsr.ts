import { contractRoutes } from '@keyledger/contract/routes';
import { tsRestFetchApi, type ApiFetcher } from '@ts-rest/core';
import { initTsrReactQuery } from '@ts-rest/react-query/v5';
import { CSRF_HEADER, csrfToken } from './csrf';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The default fetcher, with the session cookie sent and the CSRF header on every unsafe request. */
export const keyledgerFetchApi: ApiFetcher = (args) => {
  const token = SAFE_METHODS.has(args.method.toUpperCase()) ? null : csrfToken();
  return tsRestFetchApi({
    ...args,
    headers: token ? { ...args.headers, [CSRF_HEADER]: token } : args.headers,
    fetchOptions: { ...args.fetchOptions, credentials: 'include' },
  });
};

/**
 * The one API client: typed hooks for every route of the contract. Built from the contract's route
 * table (method, path, statuses: no zod schemas) rather than the contract itself, which would put
 * every route's schemas into the first script of every page; responses are not validated here.
 */
export const tsr = initTsrReactQuery(contractRoutes, {
  baseUrl: '',
  credentials: 'include',
  api: keyledgerFetchApi,
});
