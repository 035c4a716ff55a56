import { type EntitySubscriberInterface, EventSubscriber, type TransactionCommitEvent } from 'typeorm';
import { noteCommitted } from '../common/request-context';

/**
 * Notes in the request's context that one of its transactions committed (TypeORM's own around a save,
 * or a txHost / @Audited one), so that an error after it is never answered with "nothing was changed"
 * (common/http-exception.filter.ts). A savepoint's release is not a commit.
 */
@EventSubscriber()
export class CommitWatcher implements EntitySubscriberInterface {
  afterTransactionCommit(event: TransactionCommitEvent): void {
    if (!event.queryRunner.isTransactionActive) noteCommitted();
  }
}
