import { type ApiError } from '../common/errors';
import { assertCanAssignTemplate, assertCanGrant, assertOutranks, notHeld } from './grants';

const held = new Set(['products:read', 'settings:templates'] as const);

function refusal(fn: () => void): { status: number; message: string; details: unknown } {
  try {
    fn();
  } catch (err) {
    const e = err as ApiError;
    return { status: e.getStatus(), message: e.message, details: e.details };
  }
  throw new Error('expected a refusal');
}

describe('grants', () => {
  it('finds what is not held, once each, in the order asked', () => {
    expect(notHeld(held, ['orders:write', 'products:read', 'orders:write', 'audit_log:read'])).toEqual(['orders:write', 'audit_log:read']);
    expect(notHeld(held, [])).toEqual([]);
  });

  it('lets a holder grant what they hold, and names what they do not', () => {
    expect(() => assertCanGrant(held, ['products:read'])).not.toThrow();
    expect(refusal(() => assertCanGrant(held, ['products:read', 'settings:api_keys']))).toEqual({
      status: 403,
      message: 'permissions: you do not hold settings:api_keys, so you cannot grant it',
      details: [{ path: 'permissions', message: 'you do not hold settings:api_keys, so you cannot grant it' }],
    });
    expect(refusal(() => assertCanGrant(held, ['settings:users', 'settings:api_keys'])).message).toBe(
      'permissions: you do not hold settings:users, settings:api_keys, so you cannot grant them',
    );
  });

  it('assigns only templates within what the holder holds', () => {
    expect(() => assertCanAssignTemplate(held, { name: 'Readers', permissions: ['products:read'] })).not.toThrow();
    expect(refusal(() => assertCanAssignTemplate(held, { name: 'Exporters', permissions: ['audit_log:export'] })).message).toBe(
      'permissionTemplateId: you do not hold audit_log:export, so you cannot give a user the template "Exporters", which grants it',
    );
  });

  it("keeps an admin's credentials for admins, and a member's for those holding at least as much", () => {
    const member = { isAdmin: false, permissions: held };
    const admin = { isAdmin: true, permissions: new Set(held) };
    const adminTarget = { isAdmin: true, name: 'Olga', permissions: new Set(held) };
    expect(refusal(() => assertOutranks(member, adminTarget, 'password')).message).toBe("password: only an admin can change an admin's password");
    expect(refusal(() => assertOutranks(member, adminTarget, 'remove')).message).toBe('id: only an admin can remove an admin');
    expect(() => assertOutranks(admin, adminTarget, 'email')).not.toThrow();
    const stronger = { isAdmin: false, name: 'Sam', permissions: new Set(['products:read', 'audit_log:export'] as const) };
    expect(refusal(() => assertOutranks(member, stronger, 'email')).message).toBe(
      'email: Sam holds audit_log:export, which you do not hold, so you cannot change their email',
    );
    expect(() => assertOutranks(admin, stronger, 'remove')).not.toThrow();
    expect(() => assertOutranks(member, { isAdmin: false, name: 'Wes', permissions: new Set(['products:read'] as const) }, 'password')).not.toThrow();
  });
});
