import type { AuditEntryPage, ItemType } from '@keyledger/contract';
import { tsr } from '../../../api/tsr';
import { fetchItemHistory } from '../../../app/itemTypes';
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

/** One page of entries; a non-200 answer is thrown as is, like the ts-rest hooks do. */
export async function fetchAuditPage(
  scope: AuditLogScope,
  args: PageArgs,
): Promise<AuditEntryPage> {
  if (scope.kind === 'item') {
    return fetchItemHistory(scope.itemType, { id: scope.itemId, related: scope.related, ...args });
  }
  const res = await tsr.auditLog.list.query({
    query: { ...scope.filter, cursor: args.cursor, limit: args.limit },
    fetchOptions: { signal: args.signal },
  });
  if (res.status !== 200) throw res;
  return res.body;
}
