import type { ApiKey, Permission } from '@keyledger/contract';
import { Badge, Button, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import dayjs from 'dayjs';
import { ConfirmButton } from '../../../components/ConfirmButton';
import { EmptyList, type Column } from '../../../components/list/KeysetTable';
import { ListPage } from '../../../components/list/ListPage';
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

function RevokeButton({ apiKey }: { apiKey: ApiKey }) {
  const revoke = useRevokeApiKey();
  if (apiKey.revokedAt) return null;
  return (
    <ConfirmButton
      label="Revoke"
      aria-label={`Revoke ${apiKey.name}`}
      size="compact-sm"
      variant="subtle"
      color="red"
      title="Revoke this API key?"
      confirmLabel="Revoke key"
      loading={revoke.isPending}
      onConfirm={(close) => revoke.mutate({ params: { id: apiKey.id } }, { onSettled: close })}
    >
      “{apiKey.name}” ({apiKey.hint}) stops working at once. Whatever uses it will be refused; this
      cannot be undone.
    </ConfirmButton>
  );
}

const COLUMNS: Column<ApiKey>[] = [
  {
    header: 'Name',
    cell: (k) => (
      <>
        <Text size="sm" fw={600}>
          {k.name}
        </Text>
        <Text size="xs" c="dimmed" ff="monospace">
          {k.hint}
        </Text>
      </>
    ),
  },
  {
    header: 'Permissions',
    maw: 280,
    cell: (k) => <Text size="sm">{k.permissions.map(permissionLabel).join(', ')}</Text>,
  },
  { header: 'Can use now', maw: 280, cell: (k) => <EffectivePermissions apiKey={k} /> },
  {
    header: 'Created',
    cell: (k) => (
      <>
        <Text size="sm">{formatDate(k.createdAt)}</Text>
        <Text size="xs" c="dimmed">
          by {k.createdBy.name}
          {k.createdBy.removed && ' (removed)'}
        </Text>
      </>
    ),
  },
  {
    header: 'Status',
    cell: (k) =>
      k.revokedAt ? (
        <Badge color="gray" variant="light" title={`Revoked ${formatDate(k.revokedAt)}`}>
          Revoked {dayjs(k.revokedAt).format('YYYY-MM-DD')}
        </Badge>
      ) : (
        <Badge color="green" variant="light">
          Active
        </Badge>
      ),
  },
  { header: 'Actions', hiddenHeader: true, ta: 'right', cell: (k) => <RevokeButton apiKey={k} /> },
];

/** Settings > API keys: keys for scripts and integrations to call the management API. */
export function ApiKeysPage() {
  const list = useApiKeys();
  const [creating, { open, close }] = useDisclosure(false);

  return (
    <ListPage
      title="API keys"
      description="Keys for scripts and integrations to call the management API, each with only the permissions it needs. A key acts for the user who created it: it can use only what that user still holds, and stops working when they are removed."
      action={<Button onClick={open}>Create API key</Button>}
      label="API keys"
      what="API keys"
      columns={COLUMNS}
      rowKey={(k) => k.id}
      list={list}
      minWidth={880}
      empty={
        <EmptyList title="No API keys yet">
          <Button variant="light" onClick={open}>
            Create your first API key
          </Button>
        </EmptyList>
      }
    >
      <CreateApiKeyModal opened={creating} onClose={close} />
    </ListPage>
  );
}
