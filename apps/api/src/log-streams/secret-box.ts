import { Inject, Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ENV, type Env } from '../config/env';
import { readOrCreateKeyFile } from '../exports/export-link.signer';

const VERSION = 'v1';

/** 32 bytes from LOG_STREAM_SECRETS_KEY (64 hex characters or base64). */
export function parseSecretsKey(value: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(value)
    ? Buffer.from(value, 'hex')
    : Buffer.from(value, 'base64');
  if (key.length !== 32) throw new Error('LOG_STREAM_SECRETS_KEY must be 32 bytes');
  return key;
}

/** AES-256-GCM: `v1.<iv>.<tag>.<ciphertext>` (base64url), bound to `context` (the stream id) as associated data. */
export function sealSecrets(key: Buffer, context: string, secrets: Record<string, string>): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const data = Buffer.concat([cipher.update(JSON.stringify(secrets), 'utf8'), cipher.final()]);
  return [
    VERSION,
    iv.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
    data.toString('base64url'),
  ].join('.');
}

export function openSecrets(key: Buffer, context: string, sealed: string): Record<string, string> {
  const [version, iv, tag, data] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || data === undefined)
    throw new Error('unknown secrets format');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  const plain = Buffer.concat([
    decipher.update(Buffer.from(data, 'base64url')),
    decipher.final(),
  ]).toString('utf8');
  return JSON.parse(plain) as Record<string, string>;
}

/**
 * Log streams' secrets at rest: sealed with LOG_STREAM_SECRETS_KEY, or a key generated under DATA_DIR
 * on first use (API and workers must then share DATA_DIR). Secrets are opened only to deliver.
 */
@Injectable()
export class LogStreamSecretBox {
  private key?: Buffer;

  constructor(@Inject(ENV) private readonly env: Env) {}

  private secretKey(): Buffer {
    this.key ??= this.env.LOG_STREAM_SECRETS_KEY
      ? parseSecretsKey(this.env.LOG_STREAM_SECRETS_KEY)
      : readOrCreateKeyFile(join(this.env.DATA_DIR, 'secrets', 'log-stream-secrets.key'));
    return this.key;
  }

  seal(streamId: string, secrets: Record<string, string>): string {
    return sealSecrets(this.secretKey(), streamId, secrets);
  }

  open(streamId: string, sealed: string): Record<string, string> {
    return openSecrets(this.secretKey(), streamId, sealed);
  }
}
