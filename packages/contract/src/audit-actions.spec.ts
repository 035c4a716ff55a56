import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AUDIT_ACTION_CATALOG, AUDIT_ACTION_GROUPS, AUDIT_ACTIONS, ZAuditAction } from './audit-actions';

/** The seed page's "Actions Recorded" section: group headings, each followed by bulleted actions. */
function actionsOnThePage(): Array<{ group: string; actions: string[] }> {
  const text = readFileSync(join(__dirname, '__fixtures__', 'audit-log-page.txt'), 'utf8');
  const section = text.slice(text.indexOf('Actions Recorded'), text.indexOf('Data Retention Period'));
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

describe('AUDIT_ACTIONS', () => {
  const page = actionsOnThePage();

  it('has exactly the 42 actions of the seed page, spelled and ordered as there', () => {
    expect(AUDIT_ACTIONS).toHaveLength(42);
    expect(AUDIT_ACTIONS).toEqual(page.flatMap((g) => g.actions));
  });

  it('groups them in the page’s 8 groups', () => {
    expect(page.map((g) => g.group)).toEqual(AUDIT_ACTION_GROUPS.map((g) => g.label));
    for (const [i, g] of page.entries()) {
      const groupId = AUDIT_ACTION_GROUPS[i]!.id;
      expect(g.actions).toEqual(AUDIT_ACTIONS.filter((a) => AUDIT_ACTION_CATALOG[a].group === groupId));
    }
  });

  it('gives every action a human label', () => {
    expect(AUDIT_ACTION_CATALOG.license_disabled.label).toBe('License disabled');
    for (const a of AUDIT_ACTIONS) expect(AUDIT_ACTION_CATALOG[a].label).toMatch(/^[A-Z][a-z ]+$/);
  });

  it('rejects an action that is not on the page', () => {
    expect(ZAuditAction.safeParse('license_exploded').success).toBe(false);
  });
});
