import { errorBody, mockFetch } from '../test/fetchMock';
import { tsr } from '../api/tsr';
import { earlyAuditPageUrl, startEarlyRequest as start } from './earlyRequest';
import { discardEarlyAnswer, takeEarlyAnswer } from './takeEarlyAnswer';

/** As index.html's script does, with the test's fetch. */
const startEarlyRequest = (location: { pathname: string; search: string }, fetchFn: typeof fetch) =>
  start(location, globalThis as unknown as Record<string, unknown>, fetchFn);

const PAGE = { items: [], nextCursor: null };
const at = (pathname: string, search = '') => ({ pathname, search });

describe('the early request for the audit page’s first rows', () => {
  afterEach(() => discardEarlyAnswer());

  it('is made for the audit page without filters only', () => {
    expect(earlyAuditPageUrl(at('/settings/audit-logs'))).toBe('/api/v1/audit-log?limit=50');
    expect(earlyAuditPageUrl(at('/settings/audit-logs/'))).toBe('/api/v1/audit-log?limit=50');
    // The open entry is not a filter: the list is the same.
    expect(earlyAuditPageUrl(at('/settings/audit-logs', '?entry=x'))).toBe(
      '/api/v1/audit-log?limit=50',
    );
    // Any filter (even an invalid one, which the app drops) is left to the app.
    expect(earlyAuditPageUrl(at('/settings/audit-logs', '?itemType=license'))).toBeNull();
    expect(earlyAuditPageUrl(at('/settings/audit-logs', '?range=today'))).toBeNull();
    expect(earlyAuditPageUrl(at('/settings/audit-logs', '?spaceship=1'))).toBeNull();
    expect(earlyAuditPageUrl(at('/settings/audit-logs/exports'))).toBeNull();
    expect(earlyAuditPageUrl(at('/licenses'))).toBeNull();
    expect(earlyAuditPageUrl(at('/'))).toBeNull();
  });

  it('is taken over by the API client’s identical request, once: one request in all', async () => {
    const fetch = mockFetch(() => ({ status: 200, body: PAGE }));
    startEarlyRequest(at('/settings/audit-logs'), globalThis.fetch);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch.mock.calls[0]![1]).toMatchObject({ method: 'GET', credentials: 'include' });

    const first = await tsr.auditLog.list.query({ query: { limit: 50 } });
    expect(first).toMatchObject({ status: 200, body: PAGE });
    expect(fetch).toHaveBeenCalledTimes(1);

    // Taken once: the same request again (a refetch) goes to the API.
    await tsr.auditLog.list.query({ query: { limit: 50 } });
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('is not used for another request, and not after the first navigation has settled', async () => {
    const fetch = mockFetch(() => ({ status: 200, body: PAGE }));
    startEarlyRequest(at('/settings/audit-logs'), globalThis.fetch);
    await tsr.auditLog.list.query({ query: { limit: 50, itemType: 'license' } });
    expect(fetch.mock.calls.map(([url]) => String(url))).toEqual([
      '/api/v1/audit-log?limit=50',
      '/api/v1/audit-log?limit=50&itemType=license',
    ]);
    expect(takeEarlyAnswer('/api/v1/audit-log?limit=25')).toBeNull();

    discardEarlyAnswer();
    await tsr.auditLog.list.query({ query: { limit: 50 } });
    expect(fetch).toHaveBeenCalledTimes(3);
  });

  it('hands a refusal over as the API said it (a 401 leads to sign-in as usual)', async () => {
    mockFetch(() => ({ status: 401, body: errorBody(401, 'Not signed in') }));
    startEarlyRequest(at('/settings/audit-logs'), globalThis.fetch);
    const res = await tsr.auditLog.list.query({ query: { limit: 50 } });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ message: 'Not signed in', requestId: 'req-test' });
  });

  it('asks again when the early request failed on the network', async () => {
    let calls = 0;
    const fetch = mockFetch(() => {
      calls += 1;
      if (calls === 1) throw new TypeError('Failed to fetch');
      return { status: 200, body: PAGE };
    });
    startEarlyRequest(at('/settings/audit-logs'), globalThis.fetch);
    const res = await tsr.auditLog.list.query({ query: { limit: 50 } });
    expect(res).toMatchObject({ status: 200, body: PAGE });
    expect(fetch).toHaveBeenCalledTimes(2);
  });
});
