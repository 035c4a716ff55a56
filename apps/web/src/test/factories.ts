import type { AuditEntry, Session } from '@keyledger/contract';

export const ACCOUNT_ID = '0b9f4f43-8d5e-4e0f-9d5e-6a4c1b2c3d4e';

export function makeSession(overrides: Partial<Session['user']> = {}): Session {
  return {
    user: {
      id: '3f0c8a5e-2b1d-4c3e-8f7a-9b6c5d4e3f2a',
      accountId: ACCOUNT_ID,
      email: 'ann@acme.test',
      name: 'Ann Admin',
      isAdmin: true,
      permissionTemplateId: null,
      permissions: [],
      createdAt: '2026-01-01T00:00:00.000Z',
      ...overrides,
    },
    account: { id: ACCOUNT_ID, name: 'Acme', slug: 'acme', createdAt: '2026-01-01T00:00:00.000Z' },
    csrfToken: 'csrf-token',
  };
}

export function makeAuditEntry(overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id: '01936b7e-1c2d-7e3f-8a9b-0c1d2e3f4a5b',
    seq: 42,
    accountId: ACCOUNT_ID,
    occurredAt: '2026-03-15T12:34:56.000Z',
    action: 'license_disabled',
    actor: {
      type: 'platform_user',
      id: '3f0c8a5e-2b1d-4c3e-8f7a-9b6c5d4e3f2a',
      name: 'Ann Admin',
      email: 'ann@acme.test',
    },
    target: { type: 'license', id: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', label: 'LIC-0001' },
    links: [
      { type: 'license', id: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', label: 'LIC-0001' },
      { type: 'order', id: '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9', label: 'Order #1001' },
    ],
    changes: [{ field: 'enabled', before: true, after: false }],
    context: {
      requestId: 'req-123',
      ip: '203.0.113.7',
      userAgent: 'Mozilla/5.0 (test)',
      source: 'ui',
    },
    prevHash: '0'.repeat(64),
    hash: 'a'.repeat(64),
    ...overrides,
  };
}
