import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { type TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import {
  type CreateNotificationPolicyBody,
  type NotificationPolicy,
  type UpdateNotificationPolicyBody,
} from '@keyledger/contract';
import { conflict, notFound } from '../common/errors';
import { uuidv7 } from '../common/ids';
import { mapPage, newestFirstPage, type Page } from '../common/keyset';
import { currentAccountId, now } from '../common/request-context';
import { NotificationPolicyEntity } from './notification-policy.entity';

export function toNotificationPolicyDto(p: NotificationPolicyEntity): NotificationPolicy {
  return {
    id: p.id,
    name: p.name,
    event: p.event,
    recipients: p.recipients,
    enabled: p.enabled,
    deletedAt: p.deletedAt?.toISOString() ?? null,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

/** Settings > Email notifications: who is emailed about which event. */
@Injectable()
export class NotificationPoliciesService {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  private get repo() {
    return this.txHost.tx.getRepository(NotificationPolicyEntity);
  }

  async list(query: { limit: number; cursor?: string }): Promise<Page<NotificationPolicy>> {
    const qb = this.repo.createQueryBuilder('n').where('n.account_id = :a AND n.deleted_at IS NULL', { a: currentAccountId() });
    return mapPage(await newestFirstPage(qb, query), toNotificationPolicyDto);
  }

  async get(id: string): Promise<NotificationPolicyEntity> {
    const policy = await this.repo.findOne({ where: { id, accountId: currentAccountId() } });
    if (!policy) throw notFound('Notification policy');
    return policy;
  }

  async create(body: CreateNotificationPolicyBody): Promise<NotificationPolicyEntity> {
    const t = now();
    return this.repo.save(
      this.repo.create({ id: uuidv7(), accountId: currentAccountId(), ...body, createdAt: t, updatedAt: t, deletedAt: null }),
    );
  }

  async update(id: string, body: UpdateNotificationPolicyBody): Promise<NotificationPolicyEntity> {
    const policy = await this.getLive(id);
    Object.assign(policy, body, { updatedAt: now() });
    return this.repo.save(policy);
  }

  async remove(id: string): Promise<void> {
    const policy = await this.getLive(id);
    policy.deletedAt = now();
    await this.repo.save(policy);
  }

  private async getLive(id: string): Promise<NotificationPolicyEntity> {
    const policy = await this.get(id);
    if (policy.deletedAt) throw conflict('This notification policy is deleted');
    return policy;
  }
}
