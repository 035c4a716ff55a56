import type { ApiKey, Permission } from '@keyledger/contract';
import {
  Badge,
  Button,
  Center,
  Group,
  Loader,
  Stack,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import dayjs from 'dayjs';
import { ConfirmButton } from '../../../components/ConfirmButton';
import { ListError } from '../../../components/DetailStates';
import { LoadMoreButton } from '../../../components/LoadMoreButton';
import { permissionLabel } from '../../permission-templates/components/PermissionCheckboxes';
import { useApiKeys, useRevokeApiKey } from '../hooks/useApiKeys';
import { CreateApiKeyModal } from './CreateApiKeyModal';

const formatDate = (at: string) => dayjs(at).format('YYYY-MM-DD HH:mm');

const labels = (permissions: readonly Permission[]) => permissions.map(permissionLabel).join(', ');

/**
 * What the key may use now: a key acts for its creator, so it keeps only the permissions its creator
 * still holds, and nothing once its creator is removed.
 */
function EffectivePermissions({ apiKey }: { apiKey: ApiKey }) {
  if (apiKey.revokedAt)
    return (
      <Text size="sm" c="dimmed">
        None (revoked)
      </Text>
    );
  if (apiKey.createdBy.removed)
    return (
      <Text size="sm" c="red.8">
        None: its creator was removed, so the key no longer works
      </Text>
    );
  const lost = apiKey.permissions.filter((p) => !apiKey.effectivePermissions.includes(p));
  return (
    <>
      <Text size="sm">
        {apiKey.effectivePermissions.length ? labels(apiKey.effectivePermissions) : 'None'}
      </Text>
      {lost.length > 0 && (
        <Text size="xs" c="orange.8">
          Fewer than its own: {apiKey.createdBy.name} no longer holds {labels(lost)}
        </Text>
      )}
    </>
  );
}

function ApiKeyRow({ apiKey }: { apiKey: ApiKey }) {
  const revoke = useRevokeApiKey();
  return (
    <Table.Tr>
      <Table.Td>
        <Text size="sm" fw={600}>
          {apiKey.name}
        </Text>
        <Text size="xs" c="dimmed" ff="monospace">
          {apiKey.hint}
        </Text>
      </Table.Td>
      <Table.Td maw={280}>
        <Text size="sm">{apiKey.permissions.map(permissionLabel).join(', ')}</Text>
      </Table.Td>
      <Table.Td maw={280}>
        <EffectivePermissions apiKey={apiKey} />
      </Table.Td>
      <Table.Td>
        <Text size="sm">{formatDate(apiKey.createdAt)}</Text>
        <Text size="xs" c="dimmed">
          by {apiKey.createdBy.name}
          {apiKey.createdBy.removed && ' (removed)'}
        </Text>
      </Table.Td>
      <Table.Td>
        {apiKey.revokedAt ? (
          <Badge color="gray" variant="light" title={`Revoked ${formatDate(apiKey.revokedAt)}`}>
            Revoked {dayjs(apiKey.revokedAt).format('YYYY-MM-DD')}
          </Badge>
        ) : (
          <Badge color="green" variant="light">
            Active
          </Badge>
        )}
      </Table.Td>
      <Table.Td ta="right">
        {!apiKey.revokedAt && (
          <ConfirmButton
            label="Revoke"
            aria-label={`Revoke ${apiKey.name}`}
            size="compact-sm"
            variant="subtle"
            color="red"
            title="Revoke this API key?"
            confirmLabel="Revoke key"
            loading={revoke.isPending}
            onConfirm={(close) =>
              revoke.mutate({ params: { id: apiKey.id } }, { onSettled: close })
            }
          >
            “{apiKey.name}” ({apiKey.hint}) stops working at once. Whatever uses it will be refused;
            this cannot be undone.
          </ConfirmButton>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

/** Settings > API keys: keys for scripts and integrations to call the management API. */
export function ApiKeysPage() {
  const query = useApiKeys();
  const [creating, { open, close }] = useDisclosure(false);

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1} size="h2">
            API keys
          </Title>
          <Text c="dimmed" size="sm">
            Keys for scripts and integrations to call the management API, each with only the
            permissions it needs. A key acts for the user who created it: it can use only what that
            user still holds, and stops working when they are removed.
          </Text>
        </div>
        <Button onClick={open}>Create API key</Button>
      </Group>
      {query.isPending ? (
        <Center py="xl">
          <Loader aria-label="Loading API keys" />
        </Center>
      ) : query.isError ? (
        <ListError what="API keys" error={query.error} onRetry={() => void query.refetch()} />
      ) : query.keys.length === 0 ? (
        <Center py="xl">
          <Stack align="center" gap="xs">
            <Text fw={600}>No API keys yet</Text>
            <Button variant="light" onClick={open}>
              Create your first API key
            </Button>
          </Stack>
        </Center>
      ) : (
        <Table.ScrollContainer minWidth={880}>
          <Table aria-label="API keys" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Permissions</Table.Th>
                <Table.Th>Can use now</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {query.keys.map((k) => (
                <ApiKeyRow key={k.id} apiKey={k} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <LoadMoreButton query={query} />
      <CreateApiKeyModal opened={creating} onClose={close} />
    </Stack>
  );
}
