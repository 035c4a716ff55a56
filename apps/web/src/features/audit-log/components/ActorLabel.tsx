import type { AuditActor } from '@keyledger/contract';

/** Actor types in words. */
export const ACTOR_TYPE_LABELS: Record<AuditActor['type'], string> = {
  platform_user: 'Platform user',
  api_key: 'API key',
  system: 'System',
};

export function actorName(actor: AuditActor): string {
  switch (actor.type) {
    case 'platform_user':
      return actor.name;
    case 'api_key':
      return `API key ${actor.name}`;
    case 'system':
      return 'System';
  }
}
