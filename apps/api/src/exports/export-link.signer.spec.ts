import { type Env, loadEnv } from '../config/env';
import { ExportLinkSigner } from './export-link.signer';

const env = { EXPORT_SIGNING_SECRET: 'x'.repeat(40), EXPORT_LINK_TTL: 3600, PUBLIC_URL: 'https://audit.example/', DATA_DIR: '/nonexistent' } as Env;
const EXPORT = '0195f0c2-7a1b-7c3d-8e4f-123456789abc';
const ACCOUNT = '0195f0c2-7a1b-7c3d-8e4f-aaaaaaaaaaaa';

describe(ExportLinkSigner.name, () => {
  const signer = new ExportLinkSigner(env);

  it('makes links from PUBLIC_URL that verify for their export and account until they expire', () => {
    const now = new Date('2026-11-25T10:00:00.500Z');
    const { url, expiresAt } = signer.link(EXPORT, ACCOUNT, now);
    expect(expiresAt.toISOString()).toBe('2026-11-25T11:00:00.000Z');
    expect(url.startsWith(`https://audit.example/api/v1/audit-log/exports/${EXPORT}/download?token=`)).toBe(true);
    const token = new URL(url).searchParams.get('token')!;
    expect(signer.verify(EXPORT, token)).toEqual({ ok: true, claims: { accountId: ACCOUNT, expiresAt } });
  });

  it('refuses a token for another export, another account, another expiry or another key', () => {
    const token = signer.sign(EXPORT, ACCOUNT, new Date('2030-01-01T00:00:00Z'));
    const [account, exp, sig] = token.split('.');
    expect(signer.verify('0195f0c2-7a1b-7c3d-8e4f-123456789abd', token).ok).toBe(false);
    expect(signer.verify(EXPORT, `0195f0c2-7a1b-7c3d-8e4f-aaaaaaaaaaab.${exp}.${sig}`).ok).toBe(false);
    expect(signer.verify(EXPORT, `${account}.${Number(exp) + 1}.${sig}`).ok).toBe(false);
    expect(new ExportLinkSigner({ ...env, EXPORT_SIGNING_SECRET: 'y'.repeat(40) }).verify(EXPORT, token).ok).toBe(false);
    for (const bad of ['', 'a.b', `${account}.${exp}`, `${account}.soon.${sig}`, `${token}.x`]) expect(signer.verify(EXPORT, bad).ok).toBe(false);
  });

  it('accepts only the canonical token: no uppercase id, no leading zeros, no other base64 spelling, in the token or the path', () => {
    const token = signer.sign(EXPORT, ACCOUNT, new Date('2030-01-01T00:00:00Z'));
    expect(signer.verify(EXPORT, token).ok).toBe(true);
    const [account, exp, sig] = token.split('.') as [string, string, string];
    // The signature's last character carries 2 unused bits: flipping them decodes to the same bytes.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(sig.at(-1)!);
    const respelled = sig.slice(0, -1) + alphabet[last ^ 1]!;
    expect(Buffer.from(respelled, 'base64url').equals(Buffer.from(sig, 'base64url'))).toBe(true);
    for (const variant of [
      `${account.toUpperCase()}.${exp}.${sig}`,
      `${account}.0${exp}.${sig}`,
      `${account}.${exp}.${respelled}`,
      `${account}.${exp}.${sig}=`,
      `${account}.+${exp}.${sig}`,
      ` ${token}`,
      `${token}\n`,
    ]) {
      expect({ variant, ok: signer.verify(EXPORT, variant).ok }).toEqual({ variant, ok: false });
    }
    expect(signer.verify(EXPORT.toUpperCase(), token).ok).toBe(false);
  });

  it('still verifies an expired token: expiry is answered with 410, not treated as forgery', () => {
    const token = signer.sign(EXPORT, ACCOUNT, new Date(Date.now() - 1000));
    const check = signer.verify(EXPORT, token);
    expect(check.ok && check.claims.expiresAt.getTime() < Date.now()).toBe(true);
  });
});

describe('EXPORT_LINK_TTL', () => {
  it.each([
    [undefined, 86_400],
    ['3600', 3600],
    ['90s', 90],
    ['15m', 900],
    ['24h', 86_400],
    ['7d', 604_800],
  ])('reads %j as %d seconds', (value, seconds) => {
    expect(loadEnv(value === undefined ? {} : { EXPORT_LINK_TTL: value }).EXPORT_LINK_TTL).toBe(seconds);
  });

  it('refuses what is not a duration', () => {
    expect(() => loadEnv({ EXPORT_LINK_TTL: 'tomorrow' })).toThrow(/EXPORT_LINK_TTL/);
    expect(() => loadEnv({ EXPORT_LINK_TTL: '0' })).toThrow(/EXPORT_LINK_TTL/);
  });

  it('puts exports and mail under DATA_DIR unless told otherwise', () => {
    expect(loadEnv({ DATA_DIR: '/srv/kl' })).toMatchObject({ EXPORTS_DIR: '/srv/kl/exports', MAIL_DIR: '/srv/kl/mail', QUEUE_PREFIX: 'keyledger' });
    expect(loadEnv({ DATA_DIR: '/srv/kl', EXPORTS_DIR: '/data/exports' }).EXPORTS_DIR).toBe('/data/exports');
  });
});
