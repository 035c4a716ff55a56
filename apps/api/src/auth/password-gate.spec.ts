import { ApiError } from '../common/errors';
import { PasswordGate } from './password-gate';

/** Work that finishes only when the test says so. */
function held() {
  const releases: Array<() => void> = [];
  const work = () => new Promise<void>((resolve) => releases.push(resolve));
  return { work, releases };
}

const settled = <T>(p: Promise<T>) => p.then(() => 'ok' as const, (e: unknown) => e);

describe(PasswordGate.name, () => {
  it('runs at most `concurrency` at once and queues at most `queue` more', async () => {
    const gate = new PasswordGate(2, 3, 100);
    const { work, releases } = held();
    const runs = Array.from({ length: 5 }, (_, i) => gate.run(`10.0.0.${i}`, work));
    await Promise.resolve();
    expect(gate.load).toEqual({ running: 2, waiting: 3, addresses: 5 });
    const refused = await settled(gate.run('10.0.0.99', work));
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).getStatus()).toBe(429);
    expect((refused as ApiError).retryAfterSeconds).toBe(1);
    while (releases.length) {
      releases.shift()!();
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(runs);
    expect(gate.load).toEqual({ running: 0, waiting: 0, addresses: 0 });
  });

  it('gives one address at most its share, so another address still gets a place', async () => {
    const gate = new PasswordGate(2, 16);
    expect(gate.perAddress).toBe(4);
    const { work, releases } = held();
    const burst = Array.from({ length: 40 }, () => settled(gate.run('203.0.113.7', work)));
    const other = gate.run('198.51.100.1', async () => 'verified');
    await new Promise((r) => setImmediate(r));
    while (releases.length) {
      releases.shift()!();
      await new Promise((r) => setImmediate(r));
    }
    const outcomes = await Promise.all(burst);
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(4);
    expect(outcomes.filter((o) => o instanceof ApiError && o.getStatus() === 429)).toHaveLength(36);
    await expect(other).resolves.toBe('verified');
  });

  it('frees the place of work that throws', async () => {
    const gate = new PasswordGate(1, 0, 1);
    await expect(gate.run('a', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(gate.run('a', async () => 1)).resolves.toBe(1);
    expect(gate.load).toEqual({ running: 0, waiting: 0, addresses: 0 });
  });
});
