import { assertPublicDestination, DestinationRefused, isPrivateAddress } from './destination-guard';
import { batchId, retryDelayMs } from './log-stream-delivery.service';
import { openSecrets, sealSecrets } from './secret-box';
import { randomBytes } from 'node:crypto';
import dns from 'node:dns';

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    '::',
    'fe80::1',
    'fd00::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '224.0.0.1',
    '::127.0.0.1',
    '::ffff:0:7f00:1',
    '2002:7f00:1::',
    '192.88.99.1',
    '2001:0:4136:e378::1',
    '64:ff9b:1::a00:1',
  ])('refuses %s', (a) => expect(isPrivateAddress(a)).toBe(true));
  it.each(['93.184.215.14', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    'allows %s',
    (a) => expect(isPrivateAddress(a)).toBe(false),
  );
  it('refuses what is not an address', () => expect(isPrivateAddress('localhost')).toBe(true));
});

describe(assertPublicDestination.name, () => {
  it('does not tell which private address a name resolves to', async () => {
    // An internal name, as a tenant might probe one (resolved here by a stand-in for the resolver).
    const lookup = jest.spyOn(dns, 'lookup').mockImplementation(((_h: string, _o: unknown, cb: (e: null, a: dns.LookupAddress[]) => void) =>
      cb(null, [{ address: '10.1.2.3', family: 4 }])) as never);
    const refusal = assertPublicDestination('https://billing.internal/hook', false);
    await expect(refusal).rejects.toThrow('billing.internal resolves to a private, loopback or link-local address');
    await expect(refusal).rejects.not.toThrow(/10\.1\.2\.3/);
    lookup.mockRestore();
  });
  it('names a private address the URL itself gives', async () => {
    await expect(assertPublicDestination('https://10.0.0.5/hook', false)).rejects.toThrow('10.0.0.5 is a private, loopback or link-local address');
  });

  it.each([
    'https://127.0.0.1/x',
    'https://[::1]:8443/',
    'https://169.254.169.254/latest/meta-data',
    'https://localhost/',
    'https://10.0.0.5/',
  ])('refuses %s', async (url) => {
    await expect(assertPublicDestination(url, false)).rejects.toBeInstanceOf(DestinationRefused);
  });
  it('allows a public address, and anything when private networks are allowed', async () => {
    await expect(
      assertPublicDestination('https://93.184.215.14/hook', false),
    ).resolves.toBeUndefined();
    await expect(assertPublicDestination('https://127.0.0.1/hook', true)).resolves.toBeUndefined();
  });
});

describe('delivery helpers', () => {
  it('names a batch by its stream and range only', () => {
    expect(batchId('s', 1, 10)).toBe(batchId('s', 1, 10));
    expect(batchId('s', 1, 10)).not.toBe(batchId('s', 1, 11));
    expect(batchId('s', 1, 10)).not.toBe(batchId('t', 1, 10));
  });
  it('backs off exponentially with jitter, capped', () => {
    expect(retryDelayMs(0, 1000, 60_000, 1)).toBe(1000);
    expect(retryDelayMs(3, 1000, 60_000, 1)).toBe(8000);
    expect(retryDelayMs(3, 1000, 60_000, 0)).toBe(4000);
    expect(retryDelayMs(20, 1000, 60_000, 1)).toBe(60_000);
  });
});

describe('secrets at rest', () => {
  const key = randomBytes(32);
  it('seal and open round-trip, bound to the stream, under the key', () => {
    const sealed = sealSecrets(key, 'stream-1', { signingSecret: 'whsec_abc' });
    expect(sealed).not.toContain('whsec_abc');
    expect(openSecrets(key, 'stream-1', sealed)).toEqual({ signingSecret: 'whsec_abc' });
    expect(() => openSecrets(key, 'stream-2', sealed)).toThrow();
    expect(() => openSecrets(randomBytes(32), 'stream-1', sealed)).toThrow();
  });
});
