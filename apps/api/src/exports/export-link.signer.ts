import { Inject, Injectable } from '@nestjs/common';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ENV, type Env } from '../config/env';

/** The canonical (lowercase) text of a uuid: the only form a link carries. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Unix seconds without leading zeros. */
const EXPIRY = /^[1-9][0-9]{0,11}$/;

export interface LinkClaims {
  accountId: string;
  expiresAt: Date;
}

export type TokenCheck = { ok: true; claims: LinkClaims } | { ok: false };

/** Read the key file under DATA_DIR, or make it: created once, atomically, readable only by its owner. */
export function readOrCreateKeyFile(file: string): Buffer {
  try {
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(resolve(file, '..'), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(tmp, file); // fails if another process made it first: then theirs is the key
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
}

/**
 * Signed, expiring download links for exports: `token = <accountId>.<expiry, unix seconds>.<HMAC>`,
 * the HMAC-SHA256 over the export id, the account and the expiry, keyed by EXPORT_SIGNING_SECRET
 * (or a key generated under DATA_DIR on first use; API and workers must then share DATA_DIR).
 */
@Injectable()
export class ExportLinkSigner {
  private key?: Buffer;

  constructor(@Inject(ENV) private readonly env: Env) {}

  private secret(): Buffer {
    this.key ??= this.env.EXPORT_SIGNING_SECRET
      ? Buffer.from(this.env.EXPORT_SIGNING_SECRET, 'utf8')
      : readOrCreateKeyFile(join(this.env.DATA_DIR, 'secrets', 'export-links.key'));
    return this.key;
  }

  private mac(exportId: string, accountId: string, exp: number): Buffer {
    return createHmac('sha256', this.secret()).update(`keyledger-export-link:v1:${exportId.toLowerCase()}:${accountId.toLowerCase()}:${exp}`).digest();
  }

  sign(exportId: string, accountId: string, expiresAt: Date): string {
    const exp = Math.floor(expiresAt.getTime() / 1000);
    return `${accountId}.${exp}.${this.mac(exportId, accountId, exp).toString('base64url')}`;
  }

  /** A fresh link, valid for EXPORT_LINK_TTL from `now`. */
  link(exportId: string, accountId: string, now = new Date()): { url: string; expiresAt: Date } {
    const expiresAt = new Date(Math.floor(now.getTime() / 1000) * 1000 + this.env.EXPORT_LINK_TTL * 1000);
    const token = this.sign(exportId, accountId, expiresAt);
    const base = this.env.PUBLIC_URL.replace(/\/+$/, '');
    return { url: `${base}/api/v1/audit-log/exports/${exportId}/download?token=${encodeURIComponent(token)}`, expiresAt };
  }

  /**
   * Whether the token is exactly the one made here for this export: the canonical token for its
   * claims is rebuilt and the two strings compared in constant time, so no variant is accepted — no
   * uppercase id (in the token or the path), no leading zeros in the expiry, no other base64 spelling
   * of the signature. Expiry is the caller's to check (410, not 403).
   */
  verify(exportId: string, token: string): TokenCheck {
    if (!UUID.test(exportId)) return { ok: false };
    const parts = token.split('.');
    if (parts.length !== 3) return { ok: false };
    const [accountId, expText] = parts as [string, string, string];
    if (!UUID.test(accountId) || !EXPIRY.test(expText)) return { ok: false };
    const expiresAt = new Date(Number(expText) * 1000);
    const given = Buffer.from(token, 'utf8');
    const expected = Buffer.from(this.sign(exportId, accountId, expiresAt), 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false };
    return { ok: true, claims: { accountId, expiresAt } };
  }
}
