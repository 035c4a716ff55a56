import { Injectable, InternalServerErrorException } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { type TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsService } from 'nestjs-cls';
import { type AuditAction, type AuditActor, type AuditContext, type ItemRef, type ItemType } from '@keyledger/contract';
import { type RequestStore, requirePrincipal } from '../common/request-context';
import { type AuditedOptions } from './audited.decorator';
import { AuditService, type UnlabelledParent } from './audit.service';
import { auditableClassForType, auditableOf } from './auditable';
import { ChangeRecorder } from './change-recorder';
import { withRecorder } from './recorder-context';

/** Who an entry is by: the principal's account, actor and source; the request's address unless given. */
export interface EntryAuthor {
  accountId: string;
  actor: AuditActor;
  source: AuditContext['source'];
  ip?: string | null;
  userAgent?: string | null;
}

const principalAuthor = (): EntryAuthor => {
  const p = requirePrincipal();
  return { accountId: p.accountId, actor: p.actor, source: p.source };
};

/**
 * Runs one audited unit of work: a transaction around the work and its entry. The work's changes
 * are captured by the ChangeRecorder; the entry's target, links and changes are derived from them.
 * Used by the @Audited interceptor for HTTP, directly by code that acts without a request (the seed),
 * and through runAs by work that creates the principal it acts as (sign-up).
 */
@Injectable()
export class AuditedExecutor {
  constructor(
    private readonly cls: ClsService<RequestStore>,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly audit: AuditService,
  ) {}

  /** The work as the request's principal. */
  run<T>(action: AuditAction, options: AuditedOptions, params: Record<string, string>, work: () => Promise<T>): Promise<T> {
    return this.execute(action, options, params, work, principalAuthor);
  }

  /**
   * The work as an author known only once it is done: sign-up creates the account and the user the
   * entry is by. Same transaction, same derived target and changes as `run`.
   */
  runAs<T>(action: AuditAction, options: AuditedOptions, author: (result: T) => EntryAuthor, work: () => Promise<T>): Promise<T> {
    return this.execute(action, options, {}, work, author);
  }

  private execute<T>(
    action: AuditAction,
    options: AuditedOptions,
    params: Record<string, string>,
    work: () => Promise<T>,
    author: (result: T) => EntryAuthor,
  ): Promise<T> {
    const recorder = new ChangeRecorder();
    return withRecorder(recorder, () =>
      this.txHost.withTransaction(async () => {
        const result = await work();
        await this.writeEntry(action, options, recorder, params, author(result));
        return result;
      }),
    );
  }

  private async writeEntry(action: AuditAction, options: AuditedOptions, recorder: ChangeRecorder, params: Record<string, string>, by: EntryAuthor) {
    const wanted = typeof options.target === 'function' ? options.target({ params }) : { type: options.target, id: params.id };
    const found = recorder.find(wanted.type, wanted.id);
    if (!found) {
      throw new InternalServerErrorException(`@Audited('${action}'): the handler neither loaded nor wrote the ${wanted.type} it acts on`);
    }
    const target: ItemRef = { type: wanted.type, id: String(found.entity.id), label: found.options.label(found.entity) };
    const parents = (found.options.parents?.(found.entity) ?? []).map((p) => this.parentOf(recorder, p.type, p.id));
    await this.audit.record({
      accountId: by.accountId,
      action,
      actor: by.actor,
      target,
      parents,
      changes: recorder.changes(target),
      context: { ip: by.ip ?? this.cls.get('ip') ?? null, userAgent: by.userAgent ?? this.cls.get('userAgent') ?? null, source: by.source },
    });
  }

  /**
   * A parent with its label from what the work loaded; else one whose row AuditService.record reads
   * (with every other such parent in one statement, same transaction, same role) and whose label
   * is made from it as TypeORM would have loaded it. No such row visible: the type as label.
   */
  private parentOf(recorder: ChangeRecorder, type: ItemType, id: string): ItemRef | UnlabelledParent {
    const found = recorder.find(type, id);
    if (found) return { type, id, label: found.options.label(found.entity) };
    const cls = auditableClassForType(type);
    const options = cls && auditableOf(cls);
    if (!cls || !options) return { type, id, label: type };
    const dataSource = this.txHost.tx.connection;
    const metadata = dataSource.getMetadata(cls);
    return {
      type,
      id,
      row: { table: metadata.tablePath, id },
      label: (row) => {
        if (!row) return type;
        const entity = metadata.create() as Record<string, unknown>;
        for (const col of metadata.columns) {
          if (col.databaseName in row) col.setEntityValue(entity, dataSource.driver.prepareHydratedValue(row[col.databaseName], col));
        }
        return options.label(entity);
      },
    };
  }
}
