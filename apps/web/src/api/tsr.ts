import { contract } from '@keyledger/contract';
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

/** The one API client: typed hooks for every route of the contract. */
export const tsr = initTsrReactQuery(contract, {
  baseUrl: '',
  credentials: 'include',
  api: keyledgerFetchApi,
});
