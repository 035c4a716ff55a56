import { type EntitySubscriberInterface, EventSubscriber, type TransactionCommitEvent, type TransactionRollbackEvent } from 'typeorm';
import { entriesCommitted, takeRecorded } from '../audit/seal-signal';
import { noteCommitted } from '../common/request-context';

/**
 * Notes in the request's context that one of its transactions committed (TypeORM's own around a save,
 * or a txHost / @Audited one), so that an error after it is never answered with "nothing was changed"
 * (common/http-exception.filter.ts). A savepoint's release is not a commit. Hands the audit entries the
 * transaction recorded to the sealer (audit/seal-signal.ts); a rollback drops them.
 */
@EventSubscriber()
export class CommitWatcher implements EntitySubscriberInterface {
  afterTransactionCommit(event: TransactionCommitEvent): void {
    if (event.queryRunner.isTransactionActive) return;
    noteCommitted();
    entriesCommitted(takeRecorded(event.queryRunner));
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (!event.queryRunner.isTransactionActive) takeRecorded(event.queryRunner);
  }
}
