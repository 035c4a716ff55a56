/**
 * The one registry of item types: what each kind of item is called, which page shows it, who may
 * open that page, how to fetch one item (for its name) and how to fetch its history. Lists,
 * histories and the audit log read it instead of switching over item types each on their own.
 *
 * A new item type in the contract is a type error here until it is described.
 */
import type { AuditEntryPage, ItemRef, ItemType, Permission } from '@keyledger/contract';
import { tsr } from '../api/tsr';

/** Detail pages, by route id (TanStack Router's `to`). */
export type ItemRoute = '/products/$id' | '/licenses/$id' | '/orders/$id' | '/customers/$id';
/** List pages (for item types without a page of their own, where they are managed). */
export type ItemListRoute =
  | '/products'
  | '/licenses'
  | '/orders'
  | '/customers'
  | '/settings/users'
  | '/settings/permission-templates'
  | '/settings/notification-policies'
  | '/settings/api-keys'
  | '/settings/log-streams'
  | '/settings/audit-logs/exports'
  | '/settings/audit-logs/integrity';

export interface ItemHistoryArgs {
  id: string;
  related: boolean;
  cursor?: string;
  limit: number;
  signal?: AbortSignal;
}

/** What the item's fetch gives back: enough to name it. */
export interface FetchedItem {
  id: string;
  label: string;
}

export interface ItemTypeInfo {
  type: ItemType;
  /** "License" */
  label: string;
  /** "licenses" */
  plural: string;
  /** The item's own page, if it has one. */
  route: ItemRoute | null;
  /** The page that lists items of this type. */
  listRoute: ItemListRoute | null;
  /** What the viewer needs to open `route` (and `listRoute`); links are shown only to holders. */
  readPermission: Permission | null;
  /** One item by id, named as the app names it; null when it is gone or not readable. */
  fetch: ((id: string, signal?: AbortSignal) => Promise<FetchedItem | null>) | null;
  /** Items whose name (or key) contains `text`, for autocomplete; null when the type has no search. */
  search: ((text: string, signal?: AbortSignal) => Promise<FetchedItem[]>) | null;
  /** Its history: the item's own route when it has one, otherwise the account log filtered to it. */
  fetchHistory: (args: ItemHistoryArgs) => Promise<{ status: number; body: unknown }>;
}

const accountLogHistory =
  (type: ItemType) =>
  ({ id, cursor, limit, signal }: ItemHistoryArgs) =>
    tsr.auditLog.list.query({
      query: { itemType: type, itemId: id, cursor, limit },
      fetchOptions: { signal },
    });

function fetched<T>(
  res: { status: number; body: unknown },
  name: (item: T) => string,
): FetchedItem | null {
  if (res.status !== 200) return null;
  const item = res.body as T & { id: string };
  return { id: item.id, label: name(item) };
}

function listed<T>(
  res: { status: number; body: unknown },
  name: (item: T) => string,
): FetchedItem[] {
  if (res.status !== 200) return [];
  return (res.body as { items: (T & { id: string })[] }).items.map((i) => ({
    id: i.id,
    label: name(i),
  }));
}

export function customerName(c: {
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  email: string;
}): string {
  const person = [c.firstName, c.lastName].filter(Boolean).join(' ');
  return person || c.company || c.email;
}

export const ITEM_TYPE_REGISTRY: Record<ItemType, ItemTypeInfo> = {
  product: {
    type: 'product',
    label: 'Product',
    plural: 'products',
    route: '/products/$id',
    listRoute: '/products',
    readPermission: 'products:read',
    fetch: async (id, signal) =>
      fetched<{ name: string }>(
        await tsr.products.get.query({ params: { id }, fetchOptions: { signal } }),
        (p) => p.name,
      ),
    search: async (text, signal) =>
      listed<{ name: string }>(
        await tsr.products.list.query({
          query: { search: text, limit: 5 },
          fetchOptions: { signal },
        }),
        (p) => p.name,
      ),
    fetchHistory: ({ id, related, cursor, limit, signal }) =>
      tsr.products.auditLog.query({
        params: { id },
        query: { related, cursor, limit },
        fetchOptions: { signal },
      }),
  },
  customer: {
    type: 'customer',
    label: 'Customer',
    plural: 'customers',
    route: '/customers/$id',
    listRoute: '/customers',
    readPermission: 'customers:read',
    fetch: async (id, signal) =>
      fetched(
        await tsr.customers.get.query({ params: { id }, fetchOptions: { signal } }),
        customerName,
      ),
    search: async (text, signal) =>
      listed(
        await tsr.customers.list.query({
          query: { search: text, limit: 5 },
          fetchOptions: { signal },
        }),
        customerName,
      ),
    fetchHistory: ({ id, related, cursor, limit, signal }) =>
      tsr.customers.auditLog.query({
        params: { id },
        query: { related, cursor, limit },
        fetchOptions: { signal },
      }),
  },
  order: {
    type: 'order',
    label: 'Order',
    plural: 'orders',
    route: '/orders/$id',
    listRoute: '/orders',
    readPermission: 'orders:read',
    fetch: async (id, signal) =>
      fetched<{ reference: string }>(
        await tsr.orders.get.query({ params: { id }, fetchOptions: { signal } }),
        (o) => `Order ${o.reference}`,
      ),
    search: async (text, signal) =>
      listed<{ reference: string }>(
        await tsr.orders.list.query({
          query: { search: text, limit: 5 },
          fetchOptions: { signal },
        }),
        (o) => `Order ${o.reference}`,
      ),
    fetchHistory: ({ id, related, cursor, limit, signal }) =>
      tsr.orders.auditLog.query({
        params: { id },
        query: { related, cursor, limit },
        fetchOptions: { signal },
      }),
  },
  license: {
    type: 'license',
    label: 'License',
    plural: 'licenses',
    route: '/licenses/$id',
    listRoute: '/licenses',
    readPermission: 'licenses:read',
    // The masked key, as audit entries name licenses: the full key is not shown beside the log.
    fetch: async (id, signal) =>
      fetched<{ keyHint: string }>(
        await tsr.licenses.get.query({ params: { id }, fetchOptions: { signal } }),
        (l) => l.keyHint,
      ),
    // By key: a full key pasted from an email, part of one, or the masked form.
    search: async (text, signal) =>
      /^[A-Za-z0-9*-]{2,64}$/.test(text)
        ? listed<{ keyHint: string }>(
            await tsr.licenses.list.query({
              query: { key: text, limit: 5 },
              fetchOptions: { signal },
            }),
            (l) => l.keyHint,
          )
        : [],
    fetchHistory: ({ id, related, cursor, limit, signal }) =>
      tsr.licenses.auditLog.query({
        params: { id },
        query: { related, cursor, limit },
        fetchOptions: { signal },
      }),
  },
  platform_user: {
    type: 'platform_user',
    label: 'Platform user',
    plural: 'platform users',
    route: null,
    listRoute: '/settings/users',
    readPermission: 'settings:users',
    fetch: async (id, signal) =>
      fetched<{ name: string | null; email: string }>(
        await tsr.platformUsers.get.query({ params: { id }, fetchOptions: { signal } }),
        (u) => u.name || u.email,
      ),
    search: null,
    fetchHistory: accountLogHistory('platform_user'),
  },
  permission_template: {
    type: 'permission_template',
    label: 'Permission template',
    plural: 'permission templates',
    route: null,
    listRoute: '/settings/permission-templates',
    readPermission: 'settings:templates',
    fetch: null,
    search: null,
    fetchHistory: accountLogHistory('permission_template'),
  },
  notification_policy: {
    type: 'notification_policy',
    label: 'Notification policy',
    plural: 'notification policies',
    route: null,
    listRoute: '/settings/notification-policies',
    readPermission: 'settings:notifications',
    fetch: null,
    search: null,
    fetchHistory: accountLogHistory('notification_policy'),
  },
  device: {
    type: 'device',
    label: 'Device',
    plural: 'devices',
    route: null,
    listRoute: null,
    readPermission: 'licenses:read',
    fetch: null,
    search: null,
    fetchHistory: accountLogHistory('device'),
  },
  api_key: {
    type: 'api_key',
    label: 'API key',
    plural: 'API keys',
    route: null,
    listRoute: '/settings/api-keys',
    readPermission: 'settings:api_keys',
    fetch: null,
    search: null,
    fetchHistory: accountLogHistory('api_key'),
  },
  audit_export: {
    type: 'audit_export',
    label: 'Audit log export',
    plural: 'audit log exports',
    route: null,
    listRoute: '/settings/audit-logs/exports',
    readPermission: 'audit_log:export',
    fetch: null,
    search: null,
    fetchHistory: accountLogHistory('audit_export'),
  },
  audit_verification: {
    type: 'audit_verification',
    label: 'Audit log integrity check',
    plural: 'audit log integrity checks',
    route: null,
    listRoute: '/settings/audit-logs/integrity',
    readPermission: 'audit_log:read',
    fetch: null,
    search: null,
    fetchHistory: accountLogHistory('audit_verification'),
  },
  log_stream: {
    type: 'log_stream',
    label: 'Log stream',
    plural: 'log streams',
    route: null,
    listRoute: '/settings/log-streams',
    readPermission: 'settings:log_streams',
    fetch: null,
    search: null,
    fetchHistory: accountLogHistory('log_stream'),
  },
};

export function itemTypeInfo(type: ItemType): ItemTypeInfo {
  return ITEM_TYPE_REGISTRY[type];
}

export function itemTypeLabel(type: ItemType): string {
  return ITEM_TYPE_REGISTRY[type].label;
}

/** Item types with a page of their own. */
export const LINKABLE_ITEM_TYPES = (Object.keys(ITEM_TYPE_REGISTRY) as ItemType[]).filter(
  (t) => ITEM_TYPE_REGISTRY[t].route !== null,
);

/** Where an item's link goes, or null when it has no page or the viewer may not open it. */
export function itemLink(
  ref: Pick<ItemRef, 'type' | 'id'>,
  can: (p: Permission) => boolean = () => true,
): { to: ItemRoute; params: { id: string } } | null {
  const info = ITEM_TYPE_REGISTRY[ref.type];
  if (!info.route) return null;
  if (info.readPermission && !can(info.readPermission)) return null;
  return { to: info.route, params: { id: ref.id } };
}

/** The history page of one item, typed for the audit-log hooks. */
export async function fetchItemHistory(
  type: ItemType,
  args: ItemHistoryArgs,
): Promise<AuditEntryPage> {
  const res = await ITEM_TYPE_REGISTRY[type].fetchHistory(args);
  if (res.status !== 200) throw res;
  return res.body as AuditEntryPage;
}

export function itemRefKey(ref: Pick<ItemRef, 'type' | 'id'>): string {
  return `${ref.type}:${ref.id}`;
}
