/**
 * The first page of audit entries, asked for before the app's JavaScript has arrived.
 *
 * The build emits this file as its own tiny classic script (`early-*.js`, a few hundred bytes,
 * imports nothing: vite.config.ts), the first thing in index.html's head: it runs as soon as it
 * arrives, before the app's scripts have even downloaded. On the audit page it requests the first
 * page of entries at once, so the answer comes while the browser downloads, compiles and runs the
 * app — instead of after the app has run, checked the session and reached the route's loader. It
 * leaves the pending answer on `window`; the app's API client takes it over when it asks for exactly
 * that URL, once (takeEarlyAnswer.ts).
 *
 * Only the page without filters is asked for early (`entry`, the open entry, is not a filter): the
 * landing page of admins. Any filter in the URL is left to the app, which parses and checks it (a
 * date range also depends on the viewer's Local/UTC choice, stored per user). The request is the one
 * the app would make: same URL, same credentials, no other header.
 */

/** Where the pending answer waits for the app (takeEarlyAnswer.ts reads the same name). */
export const EARLY_SLOT = '__keyledgerEarlyRequest';

/** The audit page's path, and the query the app sends for its first page without filters. */
export const AUDIT_PAGE_PATH = '/settings/audit-logs';
export const FIRST_AUDIT_PAGE_QUERY = 'limit=50';

/** What the API answered, read as the app's API client reads it (JSON, else text). */
export interface EarlyAnswer {
  status: number;
  body: unknown;
  headers: Headers;
}

export interface EarlyRequest {
  url: string;
  answer: Promise<EarlyAnswer>;
}

/** The request to make early for this page, or null (another page, or filters to parse first). */
export function earlyAuditPageUrl(location: { pathname: string; search: string }): string | null {
  const path = location.pathname.replace(/\/+$/, '');
  if (path !== AUDIT_PAGE_PATH) return null;
  for (const key of new URLSearchParams(location.search).keys()) {
    if (key !== 'entry') return null;
  }
  return `/api/v1/audit-log?${FIRST_AUDIT_PAGE_QUERY}`;
}

/** Start the early request for this location (once), left in `slot`; no-op on other pages. */
export function startEarlyRequest(
  location: { pathname: string; search: string },
  slot: Record<string, unknown>,
  fetchFn: typeof fetch,
): void {
  if (slot[EARLY_SLOT]) return;
  const url = earlyAuditPageUrl(location);
  if (!url) return;
  const answer = fetchFn(url, { method: 'GET', credentials: 'include' }).then(
    async (res): Promise<EarlyAnswer> => {
      const type = res.headers.get('content-type') ?? '';
      const body: unknown = type.includes('json') ? await res.json() : await res.text();
      return { status: res.status, body, headers: res.headers };
    },
  );
  // Unhandled until taken: a network error here is the app's to see (it asks again), not the console's.
  answer.catch(() => undefined);
  const request: EarlyRequest = { url, answer };
  slot[EARLY_SLOT] = request;
}

// As index.html's script, start at once (the build leaves out this module's exports).
if (typeof window !== 'undefined' && typeof document !== 'undefined' && document.currentScript) {
  startEarlyRequest(
    window.location,
    window as unknown as Record<string, unknown>,
    window.fetch.bind(window),
  );
}
