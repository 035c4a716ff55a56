/**
 * The first page of audit entries, asked for before the app's JavaScript has arrived.
 *
 * The build emits this module as its own tiny entry (`early-*.js`, loaded by index.html with
 * `async`, beside the app's first script: vite.config.ts), so on a first visit to the audit page the
 * request for its rows runs while the browser downloads, compiles and runs the app — instead of
 * after the app has run, checked the session and reached the route's loader. The app imports this
 * same module (same URL: one instance) and its API client takes the answer over (`takeEarlyAnswer`)
 * when it asks for exactly that URL, once.
 *
 * Only the page without filters is asked for early (`entry`, the open entry, is not a filter): the
 * landing page of admins. Any filter in the URL is left to the app, which parses and checks it (a
 * date range also depends on the viewer's Local/UTC choice, stored per user). The request is the one
 * the app would make: same URL, same credentials, no other header.
 *
 * Nothing is taken over after the app's first navigation has settled (`discardEarlyAnswer`): a
 * 401 (signed out) or 403 (no `audit_log:read`; the page explains and asks nothing) is then simply
 * dropped, and a later visit of the page, after signing in, asks again.
 *
 * No imports: this runs before anything else is loaded.
 */

/** The audit page's path, and the query the app sends for its first page without filters. */
export const AUDIT_PAGE_PATH = '/settings/audit-logs';
export const FIRST_AUDIT_PAGE_QUERY = 'limit=50';

/** What the API answered, read as the app's API client reads it (JSON, else text). */
export interface EarlyAnswer {
  status: number;
  body: unknown;
  headers: Headers;
}

let early: { url: string; answer: Promise<EarlyAnswer> } | null = null;

/** The request to make early for this page, or null (another page, or filters to parse first). */
export function earlyAuditPageUrl(location: { pathname: string; search: string }): string | null {
  const path = location.pathname.replace(/\/+$/, '');
  if (path !== AUDIT_PAGE_PATH) return null;
  for (const key of new URLSearchParams(location.search).keys()) {
    if (key !== 'entry') return null;
  }
  return `/api/v1/audit-log?${FIRST_AUDIT_PAGE_QUERY}`;
}

/** Start the early request for this location (once); no-op on other pages. */
export function startEarlyRequest(
  location: { pathname: string; search: string },
  fetchFn?: typeof fetch,
): void {
  if (early) return;
  const url = earlyAuditPageUrl(location);
  if (!url) return;
  const answer = (fetchFn ?? globalThis.fetch)(url, { method: 'GET', credentials: 'include' }).then(async (res) => {
    const type = res.headers.get('content-type') ?? '';
    const body: unknown = type.includes('json') ? await res.json() : await res.text();
    return { status: res.status, body, headers: res.headers };
  });
  // Unhandled until taken: a network error here is the app's to see (it asks again), not the console's.
  answer.catch(() => undefined);
  early = { url, answer };
}

/**
 * The early answer when `url` is what was asked for early (a path, or a full URL on this origin),
 * once; null otherwise. A failed early request (network) gives null: the caller asks itself.
 */
export function takeEarlyAnswer(url: string): Promise<EarlyAnswer | null> | null {
  if (!early) return null;
  const asked = new URL(early.url, 'http://origin.invalid');
  const wanted = new URL(url, 'http://origin.invalid');
  if (asked.pathname + asked.search !== wanted.pathname + wanted.search) return null;
  if (wanted.origin !== asked.origin && wanted.origin !== globalThis.location?.origin) return null;
  const { answer } = early;
  early = null;
  return answer.catch(() => null);
}

/** Forget the early request, taken or not (after the app's first navigation has settled). */
export function discardEarlyAnswer(): void {
  early = null;
}

// As its own script (index.html), start at once. In tests (jsdom at "/") this asks nothing.
if (typeof window !== 'undefined') startEarlyRequest(window.location);
