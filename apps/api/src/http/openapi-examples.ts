/** Examples of the main resources for the OpenAPI document (the linter checks each against its schema). */
import { type AppRoute } from '@ts-rest/core';
import { contract } from '@keyledger/contract';

const ACCOUNT = '3f1d2a8e-6c4b-4f7e-9a21-0c5b7d9e1f42';
const USER = '7a2c9e14-5b3d-4c8f-a1e6-2d9f0b4c7e55';
const KEY = 'c4e8a1f2-9b7d-4e3a-8c5f-1a2b3c4d5e6f';
const PRODUCT = '1e5a7c92-3d4f-4b6a-8e1c-9f0a2b3c4d5e';
const CUSTOMER = '5b9d3e71-2a4c-4f8e-b6d1-7c0e9f1a2b3c';
const ORDER = '9c1e5a3d-7b2f-4d6e-a8c4-3e5f7a9b1c2d';
const LICENSE = 'e2f4a6c8-1b3d-4e5f-9a7c-5d6e8f0a1b2c';
const EXPORT = '0d2f4b6a-8c1e-4a3b-9d5f-7e9a1c3b5d7f';
const AT = '2026-12-01T09:30:00.000Z';

const product = {
  id: PRODUCT,
  name: 'Acme Studio',
  code: 'acme-studio',
  features: ['export-pdf', 'cloud-sync'],
  status: 'active',
  archived: false,
  deletedAt: null,
  createdAt: AT,
  updatedAt: AT,
};

const customer = {
  id: CUSTOMER,
  email: 'buyer@globex.test',
  firstName: 'Hank',
  lastName: 'Scorpio',
  company: 'Globex',
  phone: null,
  reference: 'CRM-1042',
  deletedAt: null,
  createdAt: AT,
  updatedAt: AT,
};

const order = {
  id: ORDER,
  reference: 'PO-2026-0117',
  customerId: CUSTOMER,
  isTrial: false,
  notes: null,
  managers: [],
  deletedAt: null,
  createdAt: AT,
  updatedAt: AT,
};

const license = {
  id: LICENSE,
  key: 'ACME-7Q4K-9XHD-2MPL',
  keyHint: '…2MPL',
  orderId: ORDER,
  productId: PRODUCT,
  customerId: CUSTOMER,
  type: 'perpetual',
  enabled: true,
  maxActivations: 3,
  validUntil: null,
  maxConsumptions: null,
  consumptions: 0,
  features: ['export-pdf'],
  users: [],
  customFields: [],
  deletedAt: null,
  createdAt: AT,
  updatedAt: AT,
};

const entry = {
  id: '01938f4e-7a2b-7c3d-8e4f-5a6b7c8d9e0f',
  seq: 1842,
  accountId: ACCOUNT,
  occurredAt: AT,
  action: 'license_disabled',
  actor: { type: 'api_key', id: KEY, name: 'billing-sync', email: null },
  target: { type: 'license', id: LICENSE, label: '…2MPL' },
  links: [
    { type: 'license', id: LICENSE, label: '…2MPL' },
    { type: 'order', id: ORDER, label: 'PO-2026-0117' },
    { type: 'customer', id: CUSTOMER, label: 'buyer@globex.test' },
    { type: 'product', id: PRODUCT, label: 'Acme Studio' },
  ],
  changes: [{ field: 'enabled', before: true, after: false }],
  context: {
    requestId: '0b9f6c52-8d4e-4f4a-9a43-5d7f5d8e2c11',
    ip: '203.0.113.7',
    userAgent: 'billing-sync/2.3',
    source: 'api',
  },
  prevHash: '4b1f9c0e8d7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c',
  hash: '9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d',
};

const exportStatus = {
  id: EXPORT,
  status: 'completed',
  format: 'csv',
  filter: { group: 'licenses', from: '2026-11-01' },
  filterDescription: 'Licenses actions, from 2026-11-01',
  order: 'seq_asc',
  requestedBy: { id: USER, name: 'Ann Admin', email: 'ann@acme.test' },
  rowsWritten: 1240,
  rowsTotalEstimate: 1240,
  percent: 100,
  createdAt: AT,
  startedAt: '2026-12-01T09:30:01.000Z',
  finishedAt: '2026-12-01T09:30:03.000Z',
  firstSeq: 17,
  lastSeq: 1842,
  sizeBytes: 482133,
  sha256: '3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b',
  fileName: 'audit-log-2026-12-01.csv',
  downloadUrl: `https://keyledger.example.com/api/v1/audit-log/exports/${EXPORT}/download?token=eyJpZCI6IjBkMmYifQ.c2lnbmF0dXJl`,
  downloadExpiresAt: '2026-12-02T09:30:03.000Z',
};

const apiKey = {
  id: KEY,
  name: 'billing-sync',
  hint: 'kl_live_…x7Qa',
  permissions: ['licenses:read', 'licenses:write', 'audit_log:read'],
  effectivePermissions: ['licenses:read', 'licenses:write', 'audit_log:read'],
  createdBy: { id: USER, name: 'Ann Admin', removed: false },
  revokedAt: null,
  createdAt: AT,
};

const one = (summary: string, value: unknown) => ({ example: { summary, value } });
const page = (summary: string, item: unknown) =>
  one(summary, { items: [item], nextCursor: 'eyJzZXEiOjE4NDF9' });

export const OPENAPI_EXAMPLES = new Map<
  AppRoute,
  Record<string, { summary: string; value: unknown }>
>([
  [contract.products.list, page('A page of products', product)],
  [contract.products.get, one('A product', product)],
  [contract.products.create, one('The created product', product)],
  [contract.customers.list, page('A page of customers', customer)],
  [contract.customers.get, one('A customer', customer)],
  [contract.customers.create, one('The created customer', customer)],
  [contract.orders.get, one('An order', order)],
  [contract.orders.create, one('The created order', order)],
  [contract.licenses.list, page('A page of licenses', license)],
  [contract.licenses.get, one('A license', license)],
  [contract.licenses.create, one('The issued license', license)],
  [contract.licenses.disable, one('The disabled license', { ...license, enabled: false })],
  [contract.auditLog.list, page('A page of the audit log, newest first', entry)],
  [contract.licenses.auditLog, page("A license's history", entry)],
  [contract.auditExports.create, one('The queued export', { id: EXPORT, status: 'queued' })],
  [contract.auditExports.get, one('A completed export', exportStatus)],
  [
    contract.apiKeys.create,
    one('The created key; its secret is shown only here', {
      ...apiKey,
      secret: 'kl_live_3q2-7wZ9pYbJfK1mX0cV8nR4tL6hD5sA2eG7uI9oP1x7Qa',
    }),
  ],
  [contract.apiKeys.list, page('A page of API keys', apiKey)],
]);
