import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AUDIT_ACTION_CATALOG,
  AUDIT_ACTION_GROUPS,
  AUDIT_ACTIONS,
  SEED_ACTION_GROUP_COUNT,
  ZAuditAction,
  auditActionsInGroup,
} from './audit-actions';
import { resolveAuditFilter } from './audit-search';

/** The seed page's "Actions Recorded" section: group headings, each followed by bulleted actions. */
function actionsOnThePage(): Array<{ group: string; actions: string[] }> {
  const text = readFileSync(join(__dirname, '__fixtures__', 'audit-log-page.txt'), 'utf8');
  const section = text.slice(
    text.indexOf('Actions Recorded'),
    text.indexOf('Data Retention Period'),
  );
  const groups: Array<{ group: string; actions: string[] }> = [];
  for (const raw of section.split('\n').slice(1)) {
    const line = raw.trim();
    if (!line || line.startsWith('Here is a list')) continue;
    const bullet = /^•\s*([a-z_]+)$/.exec(line);
    if (bullet) groups[groups.length - 1]!.actions.push(bullet[1]!);
    else groups.push({ group: line, actions: [] });
  }
  return groups;
}

const SEED_GROUPS = AUDIT_ACTION_GROUPS.slice(0, SEED_ACTION_GROUP_COUNT);
const seedActions = () => SEED_GROUPS.flatMap((g) => auditActionsInGroup(g.id));

describe('AUDIT_ACTIONS', () => {
  const page = actionsOnThePage();

  it('has exactly the 42 actions of the seed page in its eight groups, spelled and ordered as there', () => {
    expect(seedActions()).toHaveLength(42);
    expect(seedActions()).toEqual(page.flatMap((g) => g.actions));
    expect(AUDIT_ACTIONS.slice(0, 42)).toEqual(seedActions());
  });

  it('groups them in the page’s 8 groups', () => {
    expect(page.map((g) => g.group)).toEqual(SEED_GROUPS.map((g) => g.label));
    for (const [i, g] of page.entries()) {
      const groupId = AUDIT_ACTION_GROUPS[i]!.id;
      expect(g.actions).toEqual(
        AUDIT_ACTIONS.filter((a) => AUDIT_ACTION_CATALOG[a].group === groupId),
      );
    }
  });

  it('gives every action a human label', () => {
    expect(AUDIT_ACTION_CATALOG.license_disabled.label).toBe('License disabled');
    for (const a of seedActions()) expect(AUDIT_ACTION_CATALOG[a].label).toMatch(/^[A-Z][a-z ]+$/);
    for (const a of AUDIT_ACTIONS)
      expect(AUDIT_ACTION_CATALOG[a].label).toMatch(/^[A-Z][A-Za-z -]+$/);
    expect(new Set(AUDIT_ACTIONS.map((a) => AUDIT_ACTION_CATALOG[a].label)).size).toBe(
      AUDIT_ACTIONS.length,
    );
  });

  it('adds a ninth group, Access and security, with the security events after the seed’s 42', () => {
    expect(AUDIT_ACTION_GROUPS.map((g) => g.id)).toHaveLength(9);
    expect(AUDIT_ACTION_GROUPS[8]).toEqual({ id: 'access_security', label: 'Access and Security' });
    const security = auditActionsInGroup('access_security');
    expect(security).toEqual([
      'user_signed_in',
      'user_sign_in_failed',
      'user_signed_out',
      'user_password_changed',
      'user_sessions_revoked',
      'api_key_created',
      'api_key_revoked',
      'audit_log_export_requested',
      'audit_log_export_downloaded',
      'permission_denied',
      'audit_log_integrity_broken',
      'log_stream_created',
      'log_stream_updated',
      'log_stream_paused',
      'log_stream_resumed',
      'log_stream_deleted',
      'log_stream_backfilled',
    ]);
    expect(AUDIT_ACTIONS).toEqual([...seedActions(), ...security]);
    for (const a of security) expect(a).toMatch(/^[a-z]+(_[a-z]+)+$/);
  });

  it('finds the new group with the search syntax: group:access_security and action:user_*', () => {
    const byGroup = resolveAuditFilter({ q: 'group:access_security' });
    expect(byGroup.ok && byGroup.value.actions).toEqual(auditActionsInGroup('access_security'));
    const byPrefix = resolveAuditFilter({ q: 'action:user_sign*' });
    expect(byPrefix.ok && byPrefix.value.actions).toEqual([
      'user_signed_in',
      'user_sign_in_failed',
      'user_signed_out',
    ]);
    const keys = resolveAuditFilter({ q: 'group:access_security action:api_key_*' });
    expect(keys.ok && keys.value.actions).toEqual(['api_key_created', 'api_key_revoked']);
    const item = resolveAuditFilter({ q: 'item:api_key:0190c7d2-0000-7000-8000-000000000001' });
    expect(item.ok && item.value).toMatchObject({
      itemType: 'api_key',
      itemId: '0190c7d2-0000-7000-8000-000000000001',
    });
  });

  it('rejects an action that is not on the page', () => {
    expect(ZAuditAction.safeParse('license_exploded').success).toBe(false);
  });
});
