import { initContract } from '@ts-rest/core';
import { z } from 'zod';
import { AUDIT_ACTION_GROUPS, ZAuditAction, ZAuditActionGroup } from './audit-actions';
import { ZAuditLogFilter } from './audit-search';
import { ERROR_RESPONSES, ZIsoDateTime, ZItemType, ZPage, ZPageQuery, ZUuid } from './common';

const c = initContract();

export const ACTOR_TYPES = ['platform_user', 'api_key', 'system'] as const;
export const ZActorType = z.enum(ACTOR_TYPES);

export const ZAuditActor = z.object({
  type: ZActorType,
  id: z.string().nullable(),
  name: z.string(),
  email: z.string().nullable(),
});
export type AuditActor = z.infer<typeof ZAuditActor>;

export const ZItemRef = z.object({ type: ZItemType, id: ZUuid, label: z.string() });
export type ItemRef = z.infer<typeof ZItemRef>;

export const ZFieldChange = z.object({
  field: z.string(),
  before: z.unknown(),
  after: z.unknown(),
});
export type FieldChange = z.infer<typeof ZFieldChange>;

export const AUDIT_SOURCES = ['ui', 'api', 'system'] as const;
export const ZAuditContext = z.object({
  requestId: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  source: z.enum(AUDIT_SOURCES),
});
export type AuditContext = z.infer<typeof ZAuditContext>;

export const ZAuditEntry = z.object({
  id: ZUuid,
  seq: z
    .number()
    .int()
    .positive()
    .nullable()
    .describe('the entry\'s place in its account\'s chain (1, 2, …); null while the entry is sealing (committed, not yet chained: usually a few milliseconds)'),
  accountId: ZUuid,
  occurredAt: ZIsoDateTime,
  action: ZAuditAction,
  actor: ZAuditActor,
  target: ZItemRef,
  links: z.array(ZItemRef),
  changes: z.array(ZFieldChange),
  context: ZAuditContext,
  prevHash: z.string().nullable().describe('hash of the previous entry in the account (64 zeros before the first); null while sealing'),
  hash: z.string().nullable().describe('SHA-256 of the canonical entry followed by prevHash; null while sealing'),
});
export type AuditEntry = z.infer<typeof ZAuditEntry>;

export const ZAuditLogQuery = ZAuditLogFilter.merge(ZPageQuery).strict();
export type AuditLogQuery = z.infer<typeof ZAuditLogQuery>;

const ZBooleanString = z.preprocess(
  (v) => (v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : v),
  z.boolean(),
);

export const ZItemAuditLogQuery = ZPageQuery.extend({
  related: ZBooleanString.default(true).describe('include entries of related items (default true)'),
}).strict();
export type ItemAuditLogQuery = z.infer<typeof ZItemAuditLogQuery>;

export const ZAuditEntryPage = ZPage(ZAuditEntry);
export type AuditEntryPage = z.infer<typeof ZAuditEntryPage>;

export const ZAuditCatalog = z.object({
  groups: z.array(
    z.object({
      id: ZAuditActionGroup,
      label: z.string(),
      actions: z.array(z.object({ action: ZAuditAction, label: z.string() })),
    }),
  ),
});
export type AuditCatalog = z.infer<typeof ZAuditCatalog>;

export const AUDIT_GROUP_LABELS = Object.fromEntries(AUDIT_ACTION_GROUPS.map((g) => [g.id, g.label]));

/** The per-item history route, the same shape for products, licenses, orders and customers. */
export function itemAuditLogRoute(resource: string) {
  return {
    method: 'GET' as const,
    path: `/api/v1/${resource}/:id/audit-log`,
    pathParams: z.object({ id: ZUuid }),
    query: ZItemAuditLogQuery,
    responses: { 200: ZAuditEntryPage, ...ERROR_RESPONSES },
    metadata: { permission: 'audit_log:read' } as const,
    summary: `One item's history, with its related items' entries unless related=false`,
  };
}

export const auditLogContract = c.router({
  list: {
    method: 'GET',
    path: '/api/v1/audit-log',
    query: ZAuditLogQuery,
    responses: { 200: ZAuditEntryPage, ...ERROR_RESPONSES },
    metadata: { permission: 'audit_log:read' } as const,
    summary: 'The account audit log, newest first, keyset-paginated',
  },
  get: {
    method: 'GET',
    path: '/api/v1/audit-log/entries/:id',
    pathParams: z.object({ id: ZUuid }),
    responses: { 200: ZAuditEntry, ...ERROR_RESPONSES },
    metadata: { permission: 'audit_log:read' } as const,
    summary: 'One entry of the account log, by id (what an entry link opens)',
  },
  actions: {
    method: 'GET',
    path: '/api/v1/audit-log/actions',
    responses: { 200: ZAuditCatalog, ...ERROR_RESPONSES },
    metadata: { permission: 'audit_log:read' } as const,
    summary: 'The catalog of actions, grouped, with labels',
  },
});

export { ZIsoDateTime };
