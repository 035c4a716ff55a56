import type { ApiKey } from '@keyledger/contract';
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
      <Table.Td maw={320}>
        <Text size="sm">{apiKey.permissions.map(permissionLabel).join(', ')}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{formatDate(apiKey.createdAt)}</Text>
        <Text size="xs" c="dimmed">
          by {apiKey.createdBy.name}
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
            permissions it needs.
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
        <Table.ScrollContainer minWidth={720}>
          <Table aria-label="API keys" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Permissions</Table.Th>
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
