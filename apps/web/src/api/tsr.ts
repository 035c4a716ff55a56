import { contractRoutes } from '@keyledger/contract/routes';
import { tsRestFetchApi, type ApiFetcher } from '@ts-rest/core';
import { initTsrReactQuery } from '@ts-rest/react-query/v5';
import { takeEarlyAnswer } from '../early/takeEarlyAnswer';
import { CSRF_HEADER, csrfToken } from './csrf';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The default fetcher, with the session cookie sent and the CSRF header on every unsafe request.
 * A GET that index.html's early script already made (the audit page's first rows) takes its
 * answer over instead of asking again (src/early/).
 */
export const keyledgerFetchApi: ApiFetcher = async (args) => {
  const early = args.method.toUpperCase() === 'GET' ? takeEarlyAnswer(args.path) : null;
  const answer = early && (await early);
  if (answer) return answer;
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
