import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { type TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { createHash, randomBytes } from 'node:crypto';
import {
  API_KEY_PREFIX,
  API_KEYS_CANNOT_MANAGE_KEYS,
  type ApiKey,
  type ApiKeyCreated,
  type CreateApiKeyBody,
  type Permission,
} from '@keyledger/contract';
import { assertCanGrant } from '../auth/grants';
import { conflict, forbidden, notFound } from '../common/errors';
import { uuidv7 } from '../common/ids';
import { mapPage, newestFirstPage, type Page } from '../common/keyset';
import { now, type Principal, requirePrincipal } from '../common/request-context';
import { PlatformUsersService } from '../platform-users/platform-users.service';
import { SecurityEvents } from '../audit/security-events.service';
import { ApiKeyEntity } from './api-key.entity';

const hashToken = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** A key's permissions that its creator still holds: none once revoked or when the creator is gone. */
export function effectivePermissions(k: ApiKeyEntity, creatorHolds: ReadonlySet<Permission> | undefined): Permission[] {
  if (k.revokedAt || !creatorHolds) return [];
  return k.permissions.filter((p) => creatorHolds.has(p));
}

/** `creatorHolds`: what the key's creator holds now, undefined when they were removed (or are not a user). */
export function toApiKeyDto(k: ApiKeyEntity, creatorHolds: ReadonlySet<Permission> | undefined): ApiKey {
  return {
    id: k.id,
    name: k.name,
    hint: k.hint,
    permissions: k.permissions,
    effectivePermissions: effectivePermissions(k, creatorHolds),
    createdBy: { id: k.createdById, name: k.createdByName, removed: !creatorHolds },
    revokedAt: k.revokedAt?.toISOString() ?? null,
    createdAt: k.createdAt.toISOString(),
  };
}

/** A live key and what it may do now; `effective` is null when its creator was removed. */
export interface ResolvedApiKey {
  key: ApiKeyEntity;
  effective: ReadonlySet<Permission> | null;
}

/** Keys are managed by signed-in users only: a key cannot mint or revoke keys (it could outlive its creator's rights). */
function assertSignedInUser(principal: Principal): asserts principal is Principal & { userId: string } {
  if (principal.actor.type !== 'platform_user' || !principal.userId) throw forbidden(API_KEYS_CANNOT_MANAGE_KEYS);
}

@Injectable()
export class ApiKeysService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly users: PlatformUsersService,
    private readonly security: SecurityEvents,
  ) {}

  private get repo() {
    return this.txHost.tx.getRepository(ApiKeyEntity);
  }

  async list(query: { limit: number; cursor?: string }): Promise<Page<ApiKey>> {
    const { accountId } = requirePrincipal();
    const qb = this.repo.createQueryBuilder('k').where('k.account_id = :a', { a: accountId });
    const page = await newestFirstPage(qb, query);
    const creators = await this.users.currentPermissions(
      accountId,
      page.items.flatMap((k) => (k.createdById ? [k.createdById] : [])),
    );
    return mapPage(page, (k) => toApiKeyDto(k, k.createdById ? creators.get(k.createdById) : undefined));
  }

  /** A new key holding some of the caller's own permissions (nobody hands out more than they hold). */
  async create(body: CreateApiKeyBody): Promise<ApiKeyCreated> {
    const principal = requirePrincipal();
    assertSignedInUser(principal);
    assertCanGrant(principal.permissions, body.permissions);
    const secret = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const key = this.repo.create({
      id: uuidv7(),
      accountId: principal.accountId,
      name: body.name,
      tokenHash: hashToken(secret),
      hint: `${API_KEY_PREFIX}…${secret.slice(-4)}`,
      permissions: body.permissions,
      createdById: principal.userId,
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
    return { ...toApiKeyDto(key, principal.permissions), secret };
  }

  async revoke(id: string): Promise<void> {
    assertSignedInUser(requirePrincipal());
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
   * The live key behind a bearer secret and what it may do now, or null (unknown or revoked). A key
   * acts for its creator: its effective permissions are its own that its creator holds at this
   * moment, computed on every request; a creator who was removed, or who is not a platform user of the
   * account (keys once made by other keys), leaves it nothing (`effective: null`). For the auth guard
   * (no principal yet): looked up by its hash across accounts, as the owner, outside row-level security.
   */
  /**
   * What an actor recorded earlier (an export's requester, say) may do in the account now: a user's
   * current permissions, a live key's effective ones; null for a removed user, a revoked key, a key
   * whose creator is gone, or the system. As the owner, like resolve: the account is given.
   */
  async heldNow(accountId: string, actor: { type: string; id: string | null }): Promise<ReadonlySet<Permission> | null> {
    if (!actor.id) return null;
    if (actor.type === 'platform_user') return (await this.users.currentPermissions(accountId, [actor.id])).get(actor.id) ?? null;
    if (actor.type !== 'api_key') return null;
    const key = await this.repo.findOne({ where: { id: actor.id, accountId } });
    if (!key || key.revokedAt || !key.createdById) return null;
    const creator = (await this.users.currentPermissions(accountId, [key.createdById])).get(key.createdById);
    return creator ? new Set(effectivePermissions(key, creator)) : null;
  }

  async resolve(secret: string): Promise<ResolvedApiKey | null> {
    if (!secret.startsWith(API_KEY_PREFIX) || secret.length > 200) return null;
    const key = await this.repo.findOne({ where: { tokenHash: hashToken(secret) } });
    if (!key || key.revokedAt) return null;
    const creator = key.createdById ? (await this.users.currentPermissions(key.accountId, [key.createdById])).get(key.createdById) : undefined;
    return { key, effective: creator ? new Set(effectivePermissions(key, creator)) : null };
  }
}
