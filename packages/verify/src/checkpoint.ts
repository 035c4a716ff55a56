import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from './canonical';

/** A signed statement of an account's chain head. */
export interface Checkpoint {
  accountId: string;
  seq: number;
  hash: string;
  at: string;
  keyId: string;
  /** Ed25519 over checkpointPayload(), base64. */
  signature: string;
}

export function checkpointPayload(c: Pick<Checkpoint, 'accountId' | 'seq' | 'hash' | 'at'>): Buffer {
  return Buffer.from(canonicalJson({ accountId: c.accountId, seq: c.seq, hash: c.hash, at: c.at }));
}

export function loadPublicKey(pem: string | KeyObject): KeyObject {
  const key = typeof pem === 'string' ? createPublicKey(pem) : pem;
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('the public key is not an Ed25519 key');
  return key;
}

export function verifyCheckpoint(c: Checkpoint, publicKey: KeyObject): boolean {
  try {
    return verify(null, checkpointPayload(c), publicKey, Buffer.from(c.signature, 'base64'));
  } catch {
    return false;
  }
}
