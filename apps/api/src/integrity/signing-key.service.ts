import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { checkpointPayload } from '@keyledger/verify';
import { ENV, type Env } from '../config/env';

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
  keyId: string;
}

/** Loads the checkpoint signing key: AUDIT_SIGNING_KEY, else a key file made on first use (never in the database). */
export function loadSigningKey(env: Pick<Env, 'AUDIT_SIGNING_KEY' | 'DATA_DIR'>, log: (msg: string) => void = () => undefined): SigningKey {
  let pem: string;
  if (env.AUDIT_SIGNING_KEY) {
    const raw = env.AUDIT_SIGNING_KEY.trim();
    pem = raw.startsWith('-----BEGIN') ? raw : Buffer.from(raw, 'base64').toString('utf8');
  } else {
    const file = resolve(join(env.DATA_DIR, 'keys', 'audit-signing-ed25519.pem'));
    try {
      pem = readFileSync(file, 'utf8');
    } catch {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      const generated = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      try {
        writeFileSync(file, generated, { flag: 'wx', mode: 0o600 });
        log(`Generated a new audit checkpoint signing key at ${file}. Back it up: it is not stored in the database. Set AUDIT_SIGNING_KEY to manage it yourself.`);
      } catch {
        // Another process created it first: use theirs.
      }
      pem = readFileSync(file, 'utf8');
    }
  }
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('AUDIT_SIGNING_KEY must be an Ed25519 private key');
  const publicKey = createPublicKey(privateKey);
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return {
    privateKey,
    publicKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: createHash('sha256').update(der).digest('hex').slice(0, 16),
  };
}

@Injectable()
export class SigningKeyService {
  private readonly logger = new Logger(SigningKeyService.name);
  private key?: SigningKey;

  constructor(@Inject(ENV) private readonly env: Env) {}

  get(): SigningKey {
    return (this.key ??= loadSigningKey(this.env, (m) => this.logger.warn(m)));
  }

  sign(payload: { accountId: string; seq: number; hash: string; at: string }): string {
    return sign(null, checkpointPayload(payload), this.get().privateKey).toString('base64');
  }
}
