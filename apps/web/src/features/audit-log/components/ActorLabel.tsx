import type { AuditActor } from '@keyledger/contract';
import { Stack, Text } from '@mantine/core';

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

/** Who did it: a user's name and email, an API key, or the system. */
export function ActorLabel({ actor }: { actor: AuditActor }) {
  return (
    <Stack gap={0} style={{ minWidth: 0 }}>
      <Text size="sm" truncate="end" title={actorName(actor)}>
        {actorName(actor)}
      </Text>
      {actor.type === 'platform_user' && actor.email && (
        <Text size="xs" c="dimmed" truncate="end" title={actor.email}>
          {actor.email}
        </Text>
      )}
    </Stack>
  );
}
