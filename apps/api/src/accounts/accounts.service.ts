import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { type TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { randomBytes } from 'node:crypto';
import { type Account as AccountDto } from '@keyledger/contract';
import { GENESIS_HASH } from '@keyledger/verify';
import { AuditStore } from '../audit/audit.store';
import { uuidv7 } from '../common/ids';
import { Account } from './account.entity';

function slugify(name: string): string {
  return (
    name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'account'
  );
}

export function toAccountDto(a: Account): AccountDto {
  return { id: a.id, name: a.name, slug: a.slug, createdAt: a.createdAt.toISOString() };
}

@Injectable()
export class AccountsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly store: AuditStore,
  ) {}

  /** A new tenant with an empty audit chain. Call inside a transaction. */
  async create(name: string): Promise<Account> {
    const repo = this.txHost.tx.getRepository(Account);
    let slug = slugify(name);
    if (await repo.exists({ where: { slug } })) slug = `${slug}-${randomBytes(3).toString('hex')}`;
    const account = await repo.save(repo.create({ id: uuidv7(), name, slug }));
    await this.store.createHead(account.id, GENESIS_HASH);
    return account;
  }

  async get(id: string): Promise<Account | null> {
    return this.txHost.tx.getRepository(Account).findOne({ where: { id } });
  }

  async findBySlug(slug: string): Promise<Account | null> {
    return this.txHost.tx.getRepository(Account).findOne({ where: { slug } });
  }
}
