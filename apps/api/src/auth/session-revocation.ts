import { type EntityManager, IsNull, Not } from 'typeorm';
import { now } from '../common/request-context';
import { Session } from './session.entity';

/**
 * Ends a user's live sessions, but `except` (the caller's own, when they changed their own password),
 * in the caller's transaction: they stop working at the next request. Returns how many were ended.
 * The one place sessions are revoked for a changed password or a removed user.
 */
export async function revokeSessions(tx: EntityManager, userId: string, except?: string): Promise<number> {
  const result = await tx
    .getRepository(Session)
    .update({ userId, revokedAt: IsNull(), ...(except && { id: Not(except) }) }, { revokedAt: now() });
  return result.affected ?? 0;
}
