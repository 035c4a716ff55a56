import { loadEnv } from './env';

describe('loadEnv: the settings of bounded work', () => {
  it('has one Redis prefix, REDIS_PREFIX, with QUEUE_PREFIX as its older name', () => {
    expect(loadEnv({})).toMatchObject({ REDIS_PREFIX: 'keyledger', QUEUE_PREFIX: 'keyledger' });
    expect(loadEnv({ QUEUE_PREFIX: 'old' })).toMatchObject({ REDIS_PREFIX: 'old', QUEUE_PREFIX: 'old' });
    expect(loadEnv({ REDIS_PREFIX: 'new', QUEUE_PREFIX: 'old' })).toMatchObject({ REDIS_PREFIX: 'new', QUEUE_PREFIX: 'new' });
    for (const bad of ['', 'has space', 'a:b', 'x'.repeat(101)]) expect(() => loadEnv({ REDIS_PREFIX: bad })).toThrow(/REDIS_PREFIX/);
  });

  it('defaults and parses the limits', () => {
    expect(loadEnv({})).toMatchObject({
      EXPORT_MAX_ACTIVE_PER_ACCOUNT: 3,
      EXPORT_RETENTION: 7 * 86400,
      LOGIN_RATE_LIMIT_PER_IP: 30,
      PASSWORD_HASH_CONCURRENCY: 2,
      PASSWORD_HASH_QUEUE: 16,
      DATABASE_POOL_MAX: 20,
      DATABASE_READ_POOL_MAX: 10,
      DATABASE_POOL_WAIT_MS: 5000,
    });
    expect(() => loadEnv({ DATABASE_READ_POOL_MAX: '0' })).toThrow(/DATABASE_READ_POOL_MAX/);
    expect(loadEnv({ EXPORT_RETENTION: '36h' }).EXPORT_RETENTION).toBe(36 * 3600);
    expect(() => loadEnv({ EXPORT_MAX_ACTIVE_PER_ACCOUNT: '0' })).toThrow(/EXPORT_MAX_ACTIVE_PER_ACCOUNT/);
    expect(() => loadEnv({ PASSWORD_HASH_CONCURRENCY: '0' })).toThrow(/PASSWORD_HASH_CONCURRENCY/);
    expect(() => loadEnv({ EXPORT_RETENTION: 'forever' })).toThrow(/EXPORT_RETENTION/);
  });
});
