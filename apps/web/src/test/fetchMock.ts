/**
 * A fake `fetch` for component tests: each call goes to `handler`, which answers with a status and
 * a JSON body. The real ts-rest client runs on top, so URLs, query strings and headers are real.
 */
export interface FakeResponse {
  status: number;
  body?: unknown;
}

export type FetchHandler = (url: URL, init: RequestInit) => FakeResponse | Promise<FakeResponse>;

export function mockFetch(handler: FetchHandler) {
  const fn = jest.fn(async (input: string, init: RequestInit = {}) => {
    const url = new URL(input, 'http://localhost');
    const res = await handler(url, init);
    // Like the API: a 204 (or any answer without a body) has no JSON content type to parse.
    const body = res.body === undefined || res.status === 204 ? null : JSON.stringify(res.body);
    return new Response(body, {
      status: res.status,
      headers: body === null ? {} : { 'content-type': 'application/json' },
    });
  });
  globalThis.fetch = fn as unknown as typeof fetch;
  return fn;
}

export function errorBody(
  statusCode: number,
  message: string,
  details?: { path: string; message: string }[],
) {
  return { statusCode, error: 'Error', message, details, requestId: 'req-test' };
}
