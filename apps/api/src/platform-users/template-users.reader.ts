import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { type TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { IsNull } from 'typeorm';
import { currentAccountId } from '../common/request-context';
import { type TemplateUsers } from '../permission-templates/template-users.port';
import { PlatformUserEntity } from './platform-user.entity';

/** Answers TEMPLATE_USERS for the permission templates module. */
@Injectable()
export class TemplateUsersReader implements TemplateUsers {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  countWithTemplate(templateId: string): Promise<number> {
    return this.txHost.tx
      .getRepository(PlatformUserEntity)
      .count({ where: { accountId: currentAccountId(), permissionTemplateId: templateId, removedAt: IsNull() } });
  }

  countMembersWithTemplate(templateId: string): Promise<number> {
    return this.txHost.tx
      .getRepository(PlatformUserEntity)
      .count({ where: { accountId: currentAccountId(), permissionTemplateId: templateId, removedAt: IsNull(), isAdmin: false } });
  }
}
