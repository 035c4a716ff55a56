import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { type TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { IsNull } from 'typeorm';
import { type CreatePlatformUserBody, type UpdatePlatformUserBody } from '@keyledger/contract';
import { SecurityEvents } from '../audit/security-events.service';
import { AuthService } from '../auth/auth.service';
import { Session } from '../auth/session.entity';
import { conflict, isUniqueViolation, notFound } from '../common/errors';
import { uuidv7 } from '../common/ids';
import { mapPage, newestFirstPage } from '../common/keyset';
import { currentAccountId, now, requirePrincipal } from '../common/request-context';
import { PermissionTemplatesService } from '../permission-templates/permission-templates.service';
import { PlatformUserEntity } from './platform-user.entity';
import { toPlatformUserDto } from './platform-users.mapper';

const EMAIL_TAKEN = 'email: a user with this email already exists';

@Injectable()
export class PlatformUsersService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly templates: PermissionTemplatesService,
    private readonly security: SecurityEvents,
  ) {}

  private get repo() {
    return this.txHost.tx.getRepository(PlatformUserEntity);
  }

  async list(query: { limit: number; cursor?: string }) {
    const qb = this.repo.createQueryBuilder('u').where('u.account_id = :a AND u.removed_at IS NULL', { a: currentAccountId() });
    return mapPage(await newestFirstPage(qb, query), toPlatformUserDto);
  }

  async get(id: string): Promise<PlatformUserEntity> {
    const user = await this.repo.findOne({ where: { id, accountId: currentAccountId(), removedAt: IsNull() } });
    if (!user) throw notFound('Platform user');
    return user;
  }

  async create(body: CreatePlatformUserBody): Promise<PlatformUserEntity> {
    await this.assertEmailFree(body.email);
    await this.assertTemplate(body.permissionTemplateId);
    const t = now();
    return this.save(
      this.repo.create({
        id: uuidv7(),
        accountId: currentAccountId(),
        email: body.email,
        name: body.name,
        passwordHash: await AuthService.hashPassword(body.password),
        isAdmin: body.isAdmin ?? false,
        permissionTemplateId: body.permissionTemplateId ?? null,
        createdAt: t,
        updatedAt: t,
        removedAt: null,
      }),
    );
  }

  async update(id: string, body: UpdatePlatformUserBody): Promise<PlatformUserEntity> {
    const user = await this.get(id);
    if (body.email !== undefined && body.email !== user.email) await this.assertEmailFree(body.email);
    if (body.permissionTemplateId !== undefined) await this.assertTemplate(body.permissionTemplateId);
    if (body.isAdmin === false && user.id === requirePrincipal().userId) {
      throw conflict('isAdmin: you cannot remove your own admin rights');
    }
    const { password, ...rest } = body;
    Object.assign(user, rest, { updatedAt: now() });
    if (password !== undefined) user.passwordHash = await AuthService.hashPassword(password);
    const saved = await this.save(user);
    if (password !== undefined) await this.security.passwordChanged(saved);
    return saved;
  }

  async remove(id: string): Promise<void> {
    const user = await this.get(id);
    if (user.id === requirePrincipal().userId) throw conflict('You cannot remove yourself');
    user.removedAt = now();
    await this.save(user);
    const ended = await this.txHost.tx.getRepository(Session).update({ userId: user.id, revokedAt: IsNull() }, { revokedAt: now() });
    await this.security.sessionsRevoked(user, ended.affected ?? 0, 'user removed');
  }

  /**
   * Emails are unique across accounts, but behind row-level security this sees only the caller's
   * account: another account's user with the email is caught by the unique index on save instead (409).
   */
  private async assertEmailFree(email: string) {
    if (await this.repo.exists({ where: { email, removedAt: IsNull() } })) throw conflict(EMAIL_TAKEN);
  }

  /** The template must exist in the account and not be deleted; its row stays locked until commit, so it cannot be deleted meanwhile. */
  private async assertTemplate(id: string | null | undefined) {
    if (id) await this.templates.getLive(id, 'pessimistic_read');
  }

  private async save(user: PlatformUserEntity) {
    try {
      return await this.repo.save(user);
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(EMAIL_TAKEN);
      throw err;
    }
  }
}
