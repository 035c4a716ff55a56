import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { type TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { API_KEY_PREFIX, type ApiKey, type ApiKeyCreated, type CreateApiKeyBody } from '@keyledger/contract';
import { conflict, forbidden, notFound } from '../common/errors';
import { uuidv7 } from '../common/ids';
import { mapPage, newestFirstPage, type Page } from '../common/keyset';
import { now, requirePrincipal } from '../common/request-context';
import { SecurityEvents } from '../audit/security-events.service';
import { ApiKeyEntity } from './api-key.entity';

const hashToken = (secret: string) => createHash('sha256').update(secret).digest('hex');

export function toApiKeyDto(k: ApiKeyEntity): ApiKey {
  return {
    id: k.id,
    name: k.name,
    hint: k.hint,
    permissions: k.permissions,
    createdBy: { id: k.createdById, name: k.createdByName },
    revokedAt: k.revokedAt?.toISOString() ?? null,
    createdAt: k.createdAt.toISOString(),
  };
}

@Injectable()
export class ApiKeysService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly security: SecurityEvents,
  ) {}

  private get repo() {
    return this.txHost.tx.getRepository(ApiKeyEntity);
  }

  async list(query: { limit: number; cursor?: string }): Promise<Page<ApiKey>> {
    const qb = this.repo.createQueryBuilder('k').where('k.account_id = :a', { a: requirePrincipal().accountId });
    return mapPage(await newestFirstPage(qb, query), toApiKeyDto);
  }

  /** A new key holding some of the caller's own permissions (nobody hands out more than they hold). */
  async create(body: CreateApiKeyBody): Promise<ApiKeyCreated> {
    const principal = requirePrincipal();
    const beyond = body.permissions.filter((p) => !principal.permissions.has(p));
    if (beyond.length) throw forbidden(`permissions: you cannot give a key permissions you do not hold (${beyond.join(', ')})`);
    const secret = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const key = this.repo.create({
      id: uuidv7(),
      accountId: principal.accountId,
      name: body.name,
      tokenHash: hashToken(secret),
      hint: `${API_KEY_PREFIX}…${secret.slice(-4)}`,
      permissions: body.permissions,
      createdById: principal.actor.id,
      createdByName: principal.actor.name,
      createdAt: now(),
      revokedAt: null,
    });
    // In a transaction of its own, like every write of a signed-in caller: behind row-level security;
    // its audit entry (name, permissions, hint; never the secret) in the same transaction.
    await this.txHost.withTransaction(async () => {
      await this.repo.insert(key);
      await this.security.apiKeyCreated(key);
    });
    return { ...toApiKeyDto(key), secret };
  }

  async revoke(id: string): Promise<void> {
    await this.txHost.withTransaction(async () => {
      const key = await this.repo.findOne({ where: { id, accountId: requirePrincipal().accountId } });
      if (!key) throw notFound('API key');
      if (key.revokedAt) throw conflict('This API key is already revoked');
      const revokedAt = now();
      await this.repo.update({ id: key.id }, { revokedAt });
      await this.security.apiKeyRevoked(key, revokedAt);
    });
  }

  /**
   * The live key behind a bearer secret, or null (unknown or revoked). For the auth guard (no principal
   * yet): looked up by its hash across accounts, as the owner, outside row-level security.
   */
  async resolve(secret: string): Promise<ApiKeyEntity | null> {
    if (!secret.startsWith(API_KEY_PREFIX) || secret.length > 200) return null;
    const key = await this.repo.findOne({ where: { tokenHash: hashToken(secret) } });
    return key && !key.revokedAt ? key : null;
  }
}
