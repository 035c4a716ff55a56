import { Global, Inject, Injectable, Module } from '@nestjs/common';
import * as argon2 from 'argon2';
import { ClsService } from 'nestjs-cls';
import { ENV, type Env } from '../config/env';
import { type RequestStore } from '../common/request-context';
import { PasswordGate } from './password-gate';

/**
 * Every argon2id hash and verification a request causes, through one PasswordGate per process: sign-in,
 * sign-up, a user changing their password, and an admin creating a user or setting their password.
 * The gate's per-address share is taken under the caller's address (the request's, unless given).
 */
@Injectable()
export class PasswordHasher {
  readonly gate: PasswordGate;

  constructor(
    @Inject(ENV) env: Env,
    private readonly cls: ClsService<RequestStore>,
  ) {
    this.gate = new PasswordGate(env.PASSWORD_HASH_CONCURRENCY, env.PASSWORD_HASH_QUEUE);
  }

  hash(password: string, address = this.address()): Promise<string> {
    return this.gate.run(address, () => argon2.hash(password, { type: argon2.argon2id }));
  }

  /** False for a wrong password or an unreadable hash. */
  verify(hash: string, password: string, address = this.address()): Promise<boolean> {
    return this.gate.run(address, () => argon2.verify(hash, password).catch(() => false));
  }

  private address(): string {
    return (this.cls.isActive() ? this.cls.get('ip') : undefined) ?? '';
  }
}

/** PasswordHasher for every module (one gate per process). */
@Global()
@Module({ providers: [PasswordHasher], exports: [PasswordHasher] })
export class PasswordModule {}
