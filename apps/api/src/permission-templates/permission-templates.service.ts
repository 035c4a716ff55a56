import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { type TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { IsNull } from 'typeorm';
import {
  type CreatePermissionTemplateBody,
  type Permission,
  type PermissionTemplate,
  type UpdatePermissionTemplateBody,
} from '@keyledger/contract';
import { conflict, isUniqueViolation, notFound } from '../common/errors';
import { uuidv7 } from '../common/ids';
import { mapPage, newestFirstPage, type Page } from '../common/keyset';
import { assertCanGrant, notHeld, refused } from '../auth/grants';
import { currentAccountId, now, requirePrincipal } from '../common/request-context';
import { PermissionTemplateEntity } from './permission-template.entity';
import { ItemReferences } from '../references/item-references';

export function toPermissionTemplateDto(t: PermissionTemplateEntity): PermissionTemplate {
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    permissions: t.permissions,
    deletedAt: t.deletedAt?.toISOString() ?? null,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}

const nameTaken = (name: string) => conflict(`name: another permission template is already called "${name}"`);

/** Row locks that order a template's deletion against users being given it. */
type Lock = 'pessimistic_read' | 'pessimistic_write';

@Injectable()
export class PermissionTemplatesService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly references: ItemReferences,
  ) {}

  private get repo() {
    return this.txHost.tx.getRepository(PermissionTemplateEntity);
  }

  async list(query: { limit: number; cursor?: string }): Promise<Page<PermissionTemplate>> {
    const qb = this.repo.createQueryBuilder('t').where('t.account_id = :a AND t.deleted_at IS NULL', { a: currentAccountId() });
    return mapPage(await newestFirstPage(qb, query), toPermissionTemplateDto);
  }

  /** The template, deleted or not; 404 when it is not in the caller's account. */
  async get(id: string, lock?: Lock): Promise<PermissionTemplateEntity> {
    const template = await this.repo.findOne({ where: { id, accountId: currentAccountId() }, ...(lock && { lock: { mode: lock } }) });
    if (!template) throw notFound('Permission template');
    return template;
  }

  /** A template that can still be changed or given to users (locked when asked, inside a transaction). */
  async getLive(id: string, lock?: Lock): Promise<PermissionTemplateEntity> {
    const template = await this.get(id, lock);
    if (template.deletedAt) throw conflict('This permission template is deleted');
    return template;
  }

  /** What a user with this template may do: nothing when it is gone. For the auth guard (no principal yet). */
  async permissionsGranted(templateId: string, accountId: string): Promise<Permission[]> {
    const template = await this.repo.findOne({ where: { id: templateId, accountId, deletedAt: IsNull() } });
    return template?.permissions ?? [];
  }

  /** A new template may grant only permissions the caller holds. */
  async create(body: CreatePermissionTemplateBody): Promise<PermissionTemplateEntity> {
    assertCanGrant(requirePrincipal().permissions, body.permissions);
    await this.assertNameFree(body.name);
    const t = now();
    return this.save(
      this.repo.create({
        id: uuidv7(),
        accountId: currentAccountId(),
        name: body.name,
        description: body.description ?? null,
        permissions: body.permissions,
        createdAt: t,
        updatedAt: t,
        deletedAt: null,
      }),
    );
  }

  async update(id: string, body: UpdatePermissionTemplateBody): Promise<PermissionTemplateEntity> {
    const template = await this.getLive(id);
    if (body.name !== undefined && body.name.toLowerCase() !== template.name.toLowerCase()) await this.assertNameFree(body.name);
    Object.assign(template, body, { updatedAt: now() });
    return this.save(template);
  }

  /**
   * The caller may add only permissions they hold; those the template already grants may stay, and
   * any may be taken away, but those the caller does not hold only while no user holds them through it. So nobody raises their own permissions through their own template either:
   * a non-admin holds exactly their template's. The row is locked until COMMIT, so two concurrent
   * changes compare against each other's result.
   */
  async setPermissions(id: string, permissions: Permission[]): Promise<PermissionTemplateEntity> {
    const template = await this.getLive(id, 'pessimistic_write');
    const held = requirePrincipal().permissions;
    assertCanGrant(
      held,
      permissions.filter((p) => !template.permissions.includes(p)),
    );
    // Taking away what the caller does not hold, from users who hold it through this template, would make
    // them weaker than the caller: the way to then change their password (or remove them) anyway.
    const takenBeyond = notHeld(held, template.permissions.filter((p) => !permissions.includes(p)));
    if (takenBeyond.length) {
      const users = await this.references.membersWithTemplate(id);
      if (users > 0) {
        throw refused(
          'permissions',
          `${users} user${users === 1 ? '' : 's'} hold${users === 1 ? 's' : ''} ${takenBeyond.join(', ')} through this template, which you do not hold, so you cannot take ${takenBeyond.length === 1 ? 'it' : 'them'} away`,
        );
      }
    }
    template.permissions = permissions;
    template.updatedAt = now();
    return this.save(template);
  }

  async remove(id: string): Promise<void> {
    const template = await this.getLive(id, 'pessimistic_write');
    const users = await this.references.usersWithTemplate(id);
    if (users > 0) {
      throw conflict(`${users} platform user${users === 1 ? '' : 's'} still use${users === 1 ? 's' : ''} this template: give them another one first`);
    }
    template.deletedAt = now();
    await this.save(template);
  }

  private async assertNameFree(name: string) {
    const taken = await this.repo
      .createQueryBuilder('t')
      .where('t.account_id = :a AND lower(t.name) = lower(:name) AND t.deleted_at IS NULL', { a: currentAccountId(), name })
      .getExists();
    if (taken) throw nameTaken(name);
  }

  private async save(template: PermissionTemplateEntity): Promise<PermissionTemplateEntity> {
    try {
      return await this.repo.save(template);
    } catch (err) {
      if (isUniqueViolation(err)) throw nameTaken(template.name);
      throw err;
    }
  }
}
