import { SetMetadata } from '@nestjs/common';
import { type AuditAction, type ItemType } from '@keyledger/contract';

export interface AuditTargetContext {
  params: Record<string, string>;
}

export interface AuditedOptions {
  /**
   * What the action is done to. An item type: the entity of that type whose id is the route's `:id`
   * (or, on create, the one the handler inserted). Or a function naming the type and the route
   * parameter holding its id, for routes whose `:id` is another item.
   */
  target: ItemType | ((ctx: AuditTargetContext) => { type: ItemType; id: string });
  /**
   * The request body field holding a new password the handler will hash. The hash is computed before
   * the transaction opens (argon2 takes tens of milliseconds, longer when the password gate queues it),
   * so no pooled connection waits on it; the handler's `PasswordHasher.hash` of the same password
   * then returns it at once.
   */
  hashesPassword?: string;
}

export const AUDITED_KEY = 'keyledger:audited';

export interface AuditedMetadata {
  action: AuditAction;
  options: AuditedOptions;
}

/**
 * Record one audit entry for every successful call of this handler, in the same transaction as
 * everything the handler changes. The entry's actor, target, links and field changes are derived.
 */
export const Audited = (action: AuditAction, options: AuditedOptions) =>
  SetMetadata(AUDITED_KEY, { action, options } satisfies AuditedMetadata);
