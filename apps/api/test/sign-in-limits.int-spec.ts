import Redis from 'ioredis';
import { ApiClient, uniqueEmail } from './support/client';
import { startApp, type TestApp } from './support/app';
import { postFrom } from './support/from-address';
import { REDIS_URL } from './support/test-db';

// Sign-ins sent raw from chosen local addresses (postFrom binds 127.0.0.x): the typed client cannot pick its source address.
const LOGIN = '/api/v1/auth/login';

describe('sign-in limits per address and bounded password hashing', () => {
  let t: TestApp;

  beforeAll(async () => {
    // The defaults: 2 hashes at once per process, 16 waiting, so one address holds at most 4 places.
    t = await startApp({ LOGIN_RATE_LIMIT: '100000', LOGIN_RATE_LIMIT_PER_IP: '100000', PASSWORD_HASH_CONCURRENCY: '2', PASSWORD_HASH_QUEUE: '16' });
  });
  afterAll(() => t.close());

  it('refuses most of 40 parallel sign-ins with unknown emails from one address (429, Retry-After), and another address still signs in', async () => {
    const { user, password } = await new ApiClient(t.url).signup();
    const burst = Array.from({ length: 40 }, () =>
      postFrom('127.0.0.1', t.url, LOGIN, { email: uniqueEmail('ghost'), password: 'not-the-password-1' }),
    );
    const other = postFrom('127.0.0.2', t.url, LOGIN, { email: user.email, password });
    const [answers, mine] = await Promise.all([Promise.all(burst), other]);

    const refused = answers.filter((a) => a.status === 429);
    expect(refused.length).toBeGreaterThanOrEqual(30);
    expect(answers.filter((a) => a.status !== 429).every((a) => a.status === 401)).toBe(true);
    for (const a of refused) {
      expect(Number(a.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(a.body).toMatchObject({ statusCode: 429, message: expect.stringMatching(/try again/) });
    }
    expect(mine.status).toBe(200);
    expect(mine.body.user.email).toBe(user.email);
  });
});

describe('sign-in attempts counted per address, whatever the email', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ LOGIN_RATE_LIMIT: '100000', LOGIN_RATE_LIMIT_PER_IP: '4', REDIS_PREFIX: `kltest-ip-${Date.now()}` });
  });
  afterAll(async () => {
    await t.close();
    const redis = new Redis(REDIS_URL);
    for await (const keys of redis.scanStream({ match: `${t.env.REDIS_PREFIX}:*` }) as AsyncIterable<string[]>) {
      if (keys.length) await redis.del(...keys);
    }
    redis.disconnect();
  });

  it('limits failed sign-ins with ever new emails from one address; a success does not count; another address is not limited', async () => {
    const { user, password } = await new ApiClient(t.url).signup();
    const from1 = (email: string, pw = 'wrong-password-1') => postFrom('127.0.0.3', t.url, LOGIN, { email, password: pw });
    // Successful sign-ins give their count back: an office behind one address is not locked out by its own users.
    for (let i = 0; i < 6; i++) expect((await from1(user.email, password)).status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await from1(uniqueEmail('new'))).status);
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    const refused = await from1(uniqueEmail('new'));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(60);
    expect(refused.body.message).toMatch(/from this address/);
    // Proxy headers are not trusted: naming another client address does not escape the limit.
    const spoofs: Array<Record<string, string>> = [{ 'x-forwarded-for': '198.51.100.9' }, { 'x-real-ip': '198.51.100.10' }, { forwarded: 'for=198.51.100.11' }];
    for (const spoof of spoofs) {
      expect((await postFrom('127.0.0.3', t.url, LOGIN, { email: uniqueEmail('spoof'), password: 'wrong-password-1' }, spoof)).status).toBe(429);
    }
    // Even the right password is refused from that address until the window ends.
    expect((await from1(user.email, password)).status).toBe(429);
    // Another address is untouched.
    expect((await postFrom('127.0.0.4', t.url, LOGIN, { email: user.email, password })).status).toBe(200);
    // The counter lives under this deployment's prefix.
    const redis = new Redis(REDIS_URL);
    try {
      expect(Number(await redis.get(`${t.env.REDIS_PREFIX}:ratelimit:login-ip:127.0.0.3`))).toBeGreaterThan(4);
      expect(await redis.exists('ratelimit:login-ip:127.0.0.3')).toBe(0);
    } finally {
      redis.disconnect();
    }
  });
});
