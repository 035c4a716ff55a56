import type { AuditEntryPage, ItemType } from '@keyledger/contract';
import { tsr } from '../../../api/tsr';
import type { AuditLogListFilter } from '../utils/auditLogSearch';

/** Which entries a table shows: the whole account (filtered), or one item's history. */
export type AuditLogScope =
  | { kind: 'account'; filter: AuditLogListFilter }
  | { kind: 'item'; itemType: ItemType; itemId: string; related: boolean };

export const auditLogKeys = {
  all: ['audit-log'] as const,
  list: (scope: AuditLogScope) => ['audit-log', scope] as const,
  head: (scope: AuditLogScope, topSeq: number) => ['audit-log', scope, 'head', topSeq] as const,
  /** Every table showing this item's history (with or without related items). */
  item: (itemType: ItemType, itemId: string) =>
    ['audit-log', { kind: 'item', itemType, itemId }] as const,
};

interface PageArgs {
  cursor?: string;
  limit: number;
  signal?: AbortSignal;
}

async function fetchItemPage(
  scope: Extract<AuditLogScope, { kind: 'item' }>,
  { cursor, limit, signal }: PageArgs,
) {
  const args = {
    params: { id: scope.itemId },
    query: { related: scope.related, cursor, limit },
    fetchOptions: { signal },
  };
  switch (scope.itemType) {
    case 'product':
      return tsr.products.auditLog.query(args);
    case 'license':
      return tsr.licenses.auditLog.query(args);
    case 'order':
      return tsr.orders.auditLog.query(args);
    case 'customer':
      return tsr.customers.auditLog.query(args);
    case 'platform_user':
    case 'permission_template':
    case 'notification_policy':
    case 'device':
    case 'api_key':
    case 'audit_export':
    case 'audit_verification':
      // No per-item route: the item's own entries only.
      return tsr.auditLog.list.query({
        query: { itemType: scope.itemType, itemId: scope.itemId, cursor, limit },
        fetchOptions: { signal },
      });
  }
}

/** One page of entries; a non-200 answer is thrown as is, like the ts-rest hooks do. */
export async function fetchAuditPage(
  scope: AuditLogScope,
  args: PageArgs,
): Promise<AuditEntryPage> {
  const res =
    scope.kind === 'account'
      ? await tsr.auditLog.list.query({
          query: { ...scope.filter, cursor: args.cursor, limit: args.limit },
          fetchOptions: { signal: args.signal },
        })
      : await fetchItemPage(scope, args);
  if (res.status !== 200) throw res;
  return res.body;
}
