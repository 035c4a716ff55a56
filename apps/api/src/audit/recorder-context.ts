/**
 * The audit change recorder of the unit of work in progress, kept in the request's (or job's) CLS
 * store beside the principal: AuditedExecutor sets it around the work, the entity subscriber feeds it.
 */
import { ClsServiceManager, type ClsStore } from 'nestjs-cls';
import { type ChangeRecorder } from './change-recorder';

interface RecorderStore extends ClsStore {
  auditRecorder?: ChangeRecorder;
}

function cls() {
  return ClsServiceManager.getClsService<RecorderStore>();
}

/** The recorder of the audited work in progress, if any. */
export function currentRecorder(): ChangeRecorder | undefined {
  const c = cls();
  return c.isActive() ? c.get('auditRecorder') : undefined;
}

/** Runs `work` with `recorder` as the current recorder, then puts back the one before (nested work). */
export async function withRecorder<T>(recorder: ChangeRecorder, work: () => Promise<T>): Promise<T> {
  const c = cls();
  const previous = c.get('auditRecorder');
  c.set('auditRecorder', recorder);
  try {
    return await work();
  } finally {
    c.set('auditRecorder', previous);
  }
}
