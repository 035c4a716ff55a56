/**
 * Privilege boundaries: nobody hands out more than they hold. Pure checks, called by the services
 * that set permissions (templates, users, API keys) before they write anything; each refusal is a
 * 403 in the shared error body, naming the field and the permissions the caller lacks.
 */
import { HttpStatus } from '@nestjs/common';
import { type Permission } from '@keyledger/contract';
import { ApiError } from '../common/errors';

/** A 403 about one field of the body: `field: message`, with the field in `details`. */
export function refused(field: string, message: string): ApiError {
  return new ApiError(HttpStatus.FORBIDDEN, `${field}: ${message}`, [{ path: field, message }]);
}

/** The wanted permissions the holder does not hold, in the order given, without repeats. */
export function notHeld(held: ReadonlySet<Permission>, wanted: Iterable<Permission>): Permission[] {
  return [...new Set(wanted)].filter((p) => !held.has(p));
}

const list = (ps: readonly Permission[]) => ps.join(', ');
const them = (ps: readonly Permission[]) => (ps.length === 1 ? 'it' : 'them');

/** Refuses to give any of `wanted` the holder does not hold ("…you do not hold X, so you cannot grant it"). */
export function assertCanGrant(held: ReadonlySet<Permission>, wanted: Iterable<Permission>, field = 'permissions'): void {
  const missing = notHeld(held, wanted);
  if (missing.length) throw refused(field, `you do not hold ${list(missing)}, so you cannot grant ${them(missing)}`);
}

/** Refuses to assign a template that grants anything the holder does not hold. */
export function assertCanAssignTemplate(held: ReadonlySet<Permission>, template: { name: string; permissions: readonly Permission[] }): void {
  const missing = notHeld(held, template.permissions);
  if (missing.length) {
    throw refused(
      'permissionTemplateId',
      `you do not hold ${list(missing)}, so you cannot give a user the template "${template.name}", which grants ${them(missing)}`,
    );
  }
}

/** What a caller does to another user's credentials or existence. */
export type UserAct = 'email' | 'password' | 'template' | 'remove';

const ON_ADMIN: Record<UserAct, string> = {
  email: "change an admin's email",
  password: "change an admin's password",
  template: "change an admin's permission template",
  remove: 'remove an admin',
};
const ON_MEMBER: Record<UserAct, string> = {
  email: 'change their email',
  password: 'change their password',
  template: 'change their permission template',
  remove: 'remove them',
};

/**
 * Refuses to act on the credentials (email, password) or the existence of a user who holds more than
 * the caller: an admin's only an admin may change, and a member's only someone holding at least what
 * they hold. Otherwise a user manager could take over, or lock out, a stronger account. The template
 * too: else a manager would first give a stronger user a smaller one, then change their password.
 */
export function assertOutranks(
  caller: { isAdmin: boolean; permissions: ReadonlySet<Permission> },
  target: { isAdmin: boolean; name: string; permissions: ReadonlySet<Permission> },
  act: UserAct,
): void {
  const field = act === 'remove' ? 'id' : act === 'template' ? 'permissionTemplateId' : act;
  if (target.isAdmin) {
    if (!caller.isAdmin) throw refused(field, `only an admin can ${ON_ADMIN[act]}`);
    return;
  }
  if (caller.isAdmin) return;
  const missing = notHeld(caller.permissions, target.permissions);
  if (missing.length) {
    throw refused(field, `${target.name} holds ${list(missing)}, which you do not hold, so you cannot ${ON_MEMBER[act]}`);
  }
}
