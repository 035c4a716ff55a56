/**
 * Per-API-key rate limits over HTTP on two API processes sharing Redis: every answer to a key carries
 * RateLimit-Limit / -Remaining / -Reset / -Policy, the budget is shared by the processes, beyond it
 * 429 with Retry-After, each key has its own budget, and the counter lives under REDIS_PREFIX.
 */
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { type ApiKeyCreated } from '@keyledger/contract';
import { startApp, type TestApp } from './support/app';
import { ApiClient } from './support/client';
import { REDIS_URL } from './support/test-db';
import { expectOk } from './support/vendor';

const prefix = `kltest-rl-${randomUUID().slice(0, 8)}`;
let one: TestApp;
let two: TestApp;
let admin: ApiClient;

function keyClient(app: TestApp, key: string) {
  const client = new ApiClient(app.url);
  const request = client.request.bind(client);
  client.request = (method, path, body, headers = {}) =>
    request(method, path, body, { authorization: `Bearer ${key}`, ...headers });
  return client;
}

async function newKey(name: string) {
  return expectOk<ApiKeyCreated>(
    admin.post('/api/v1/api-keys', { name, permissions: ['products:read'] }),
    [201],
  );
}

beforeAll(async () => {
  const settings = { REDIS_PREFIX: prefix, API_KEY_RATE_LIMIT: '5', API_KEY_RATE_WINDOW: '1h' };
  [one, two] = await Promise.all([startApp(settings), startApp(settings)]);
  admin = new ApiClient(one.url);
  await admin.signup();
}, 60_000);
afterAll(async () => {
  await Promise.all([one.close(), two.close()]);
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

describe('API key rate limits', () => {
  it('counts a key across both processes, says what is left, and answers 429 with Retry-After beyond the limit', async () => {
    const key = await newKey('busy script');
    const clients = [one, two, one, two, one].map((app) => keyClient(app, key.secret));
    const remaining: string[] = [];
    for (const client of clients) {
      const res = await client.get('/api/v1/products');
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-limit')).toBe('5');
      expect(res.headers.get('ratelimit-policy')).toBe('5;w=3600');
      const reset = Number(res.headers.get('ratelimit-reset'));
      expect(reset).toBeGreaterThan(0);
      expect(reset).toBeLessThanOrEqual(3600);
      remaining.push(res.headers.get('ratelimit-remaining')!);
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);

    const refused = await keyClient(two, key.secret).get('/api/v1/products');
    expect(refused.status).toBe(429);
    expect(refused.body.message).toMatch(/more than 5 requests in 3600 seconds/);
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(String(retryAfter)).toBe(refused.headers.get('ratelimit-reset'));

    // Another key has its own budget; a signed-in user is not counted against any key.
    const other = await newKey('quiet script');
    const fresh = await keyClient(one, other.secret).get('/api/v1/products');
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('ratelimit-remaining')).toBe('4');
    const bySession = await admin.get('/api/v1/products');
    expect(bySession.status).toBe(200);
    expect(bySession.headers.get('ratelimit-limit')).toBeNull();

    // The counter is in Redis under this deployment's prefix.
    const redis = new Redis(REDIS_URL);
    try {
      expect(await redis.get(`${prefix}:ratelimit:api-key:${key.id}`)).toBe('6');
      expect(await redis.pttl(`${prefix}:ratelimit:api-key:${key.id}`)).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }
  });

  it('counts unknown keys nowhere: they get 401 without rate-limit headers', async () => {
    const res = await keyClient(one, 'kl_live_nope').get('/api/v1/products');
    expect(res.status).toBe(401);
    expect(res.headers.get('ratelimit-limit')).toBeNull();
  });
});
