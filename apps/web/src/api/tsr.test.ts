import { errorBody, mockFetch } from '../test/fetchMock';
import { readCookie } from './csrf';
import { apiErrorLines, apiErrorMessage, apiFieldErrors, apiErrorStatus } from './errors';
import { tsr } from './tsr';

const ID = '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

describe('API client', () => {
  beforeEach(() => {
    document.cookie = 'kl_csrf=token%20from%20cookie; path=/';
  });

  it('sends the session cookie, and the CSRF cookie’s value on unsafe requests only', async () => {
    const fetch = mockFetch(() => ({ status: 200, body: {} }));
    await tsr.products.activate.mutate({ params: { id: ID } });
    await tsr.products.get.query({ params: { id: ID } });

    const [post, get] = fetch.mock.calls.map(([, init]) => init);
    expect(post).toMatchObject({ method: 'POST', credentials: 'include' });
    expect(post?.headers).toMatchObject({ 'x-csrf-token': 'token from cookie' });
    expect(get).toMatchObject({ method: 'GET', credentials: 'include' });
    expect(get?.headers).not.toHaveProperty('x-csrf-token');
  });

  it('reads one cookie among several', () => {
    expect(readCookie('kl_csrf', 'a=1; kl_csrf=x%3Dy; b=2')).toBe('x=y');
    expect(readCookie('kl_csrf', 'a=1')).toBeNull();
  });
});

describe('API errors', () => {
  it('reads the error body of a failed response', () => {
    const failure = {
      status: 409,
      body: errorBody(409, 'The product is already archived', [
        { path: 'body.code', message: 'taken' },
      ]),
    };
    expect(apiErrorMessage(failure)).toBe('The product is already archived (request id req-test)');
    expect(apiErrorLines(failure)).toEqual(['body.code: taken (request id req-test)']);
    expect(apiErrorStatus(failure)).toBe(409);
    expect(apiFieldErrors(failure)).toEqual({ code: 'taken' });
  });

  it('says so when the server cannot be reached', () => {
    expect(apiErrorMessage(new TypeError('Failed to fetch'))).toMatch(/Could not reach the server/);
    expect(apiErrorStatus(new TypeError('Failed to fetch'))).toBeNull();
  });

  it('copes with a body that is not the error shape', () => {
    expect(apiErrorMessage({ status: 502, body: '<html>Bad gateway</html>' })).toBe(
      'The server answered with status 502.',
    );
    const headers = new Headers({ 'x-request-id': 'req-502' });
    expect(apiErrorMessage({ status: 502, body: '<html>Bad gateway</html>', headers })).toBe(
      'The server answered with status 502. (request id req-502)',
    );
  });
});
