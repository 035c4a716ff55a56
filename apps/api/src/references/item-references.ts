import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { type TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { currentAccountId } from '../common/request-context';

/**
 * "Does anything still point here?" for the delete guards of items that others refer to: a customer
 * with live orders, an order with live licenses, a permission template held by users. One small
 * read-only query per reference, in the caller's transaction and account, below every domain module:
 * the module of the item being deleted asks here instead of importing the module that refers to it,
 * so the domain modules form a DAG (customers ← orders ← licenses ← devices; permission-templates ←
 * platform-users) with no forwardRef. It reads the referring column only; the tables stay their
 * modules' own for everything else.
 */
@Injectable()
export class ItemReferences {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  private async count(sql: string, id: string): Promise<number> {
    const rows: Array<{ n: number }> = await this.txHost.tx.query(sql, [currentAccountId(), id]);
    return rows[0]?.n ?? 0;
  }

  /** Orders of the customer not deleted. */
  liveOrdersOfCustomer(customerId: string): Promise<number> {
    return this.count('SELECT count(*)::int AS n FROM orders WHERE account_id = $1 AND customer_id = $2 AND deleted_at IS NULL', customerId);
  }

  /** Licenses of the order not deleted. */
  liveLicensesOfOrder(orderId: string): Promise<number> {
    return this.count('SELECT count(*)::int AS n FROM licenses WHERE account_id = $1 AND order_id = $2 AND deleted_at IS NULL', orderId);
  }

  /** Users (admins included) not removed who hold the template. */
  usersWithTemplate(templateId: string): Promise<number> {
    return this.count(
      'SELECT count(*)::int AS n FROM platform_users WHERE account_id = $1 AND permission_template_id = $2 AND removed_at IS NULL',
      templateId,
    );
  }

  /** The live non-admin users the template grants its permissions to (admins hold everything anyway). */
  membersWithTemplate(templateId: string): Promise<number> {
    return this.count(
      'SELECT count(*)::int AS n FROM platform_users WHERE account_id = $1 AND permission_template_id = $2 AND removed_at IS NULL AND NOT is_admin',
      templateId,
    );
  }
}
