import type { PermissionTemplate } from '@keyledger/contract';
import { Button, Center, Group, Loader, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useState } from 'react';
import { ConfirmModal } from '../../../components/ConfirmModal';
import { ListError } from '../../../components/DetailStates';
import { LoadMoreButton } from '../../../components/LoadMoreButton';
import { usePermissionTemplates, useRemoveTemplate } from '../hooks/usePermissionTemplates';
import { permissionLabel } from './PermissionCheckboxes';
import { PermissionTemplateFormModal } from './PermissionTemplateFormModal';

type Editing = { template?: PermissionTemplate } | null;

/** Settings > Permission templates: reusable sets of permissions for platform users. */
export function PermissionTemplatesPage() {
  const query = usePermissionTemplates();
  const [editing, setEditing] = useState<Editing>(null);
  const [removing, setRemoving] = useState<PermissionTemplate | null>(null);
  const remove = useRemoveTemplate(() => setRemoving(null));

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1} size="h2">
            Permission templates
          </Title>
          <Text c="dimmed" size="sm">
            Reusable sets of permissions to give platform users who are not admins.
          </Text>
        </div>
        <Button onClick={() => setEditing({})}>New template</Button>
      </Group>
      {query.isPending ? (
        <Center py="xl">
          <Loader aria-label="Loading templates" />
        </Center>
      ) : query.isError ? (
        <ListError what="templates" error={query.error} onRetry={() => void query.refetch()} />
      ) : query.templates.length === 0 ? (
        <Text c="dimmed">No templates yet.</Text>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table aria-label="Permission templates" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Permissions</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {query.templates.map((t) => (
                <Table.Tr key={t.id}>
                  <Table.Td>
                    <Text fw={600} size="sm">
                      {t.name}
                    </Text>
                    {t.description && (
                      <Text size="xs" c="dimmed">
                        {t.description}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{t.permissions.map(permissionLabel).join(', ') || '—'}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} justify="flex-end" wrap="nowrap">
                      <Button size="compact-sm" variant="subtle" aria-label={`Edit ${t.name}`} onClick={() => setEditing({ template: t })}>
                        Edit
                      </Button>
                      <Button size="compact-sm" variant="subtle" color="red" aria-label={`Delete ${t.name}`} onClick={() => setRemoving(t)}>
                        Delete
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <LoadMoreButton query={query} />
      <PermissionTemplateFormModal
        opened={editing !== null}
        template={editing?.template}
        onClose={() => setEditing(null)}
      />
      <ConfirmModal
        opened={removing !== null}
        onClose={() => setRemoving(null)}
        title="Delete this template?"
        confirmLabel="Delete template"
        loading={remove.isPending}
        onConfirm={() => removing && remove.mutate({ params: { id: removing.id } })}
      >
        “{removing?.name}” will be deleted. A template still given to users cannot be deleted.
      </ConfirmModal>
    </Stack>
  );
}
