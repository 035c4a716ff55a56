import type { PermissionTemplate } from '@keyledger/contract';
import { Button, Text } from '@mantine/core';
import { useState } from 'react';
import { ConfirmModal } from '../../../components/ConfirmModal';
import { EmptyList, type Column } from '../../../components/list/KeysetTable';
import { ListPage } from '../../../components/list/ListPage';
import { RowActions } from '../../../components/list/RowActions';
import { usePermissionTemplates, useRemoveTemplate } from '../hooks/usePermissionTemplates';
import { permissionLabel } from './PermissionCheckboxes';
import { PermissionTemplateFormModal } from './PermissionTemplateFormModal';

type Editing = { template?: PermissionTemplate } | null;

/** Settings > Permission templates: reusable sets of permissions for platform users. */
export function PermissionTemplatesPage() {
  const list = usePermissionTemplates();
  const [editing, setEditing] = useState<Editing>(null);
  const [removing, setRemoving] = useState<PermissionTemplate | null>(null);
  const remove = useRemoveTemplate(() => setRemoving(null));

  const columns: Column<PermissionTemplate>[] = [
    {
      header: 'Name',
      cell: (t) => (
        <>
          <Text fw={600} size="sm">
            {t.name}
          </Text>
          {t.description && (
            <Text size="xs" c="dimmed">
              {t.description}
            </Text>
          )}
        </>
      ),
    },
    {
      header: 'Permissions',
      cell: (t) => <Text size="sm">{t.permissions.map(permissionLabel).join(', ') || '—'}</Text>,
    },
    {
      header: 'Actions',
      hiddenHeader: true,
      cell: (t) => (
        <RowActions
          name={t.name}
          onEdit={() => setEditing({ template: t })}
          onDelete={() => setRemoving(t)}
        />
      ),
    },
  ];

  return (
    <ListPage
      title="Permission templates"
      description="Reusable sets of permissions to give platform users who are not admins."
      action={<Button onClick={() => setEditing({})}>New template</Button>}
      label="Permission templates"
      what="templates"
      columns={columns}
      rowKey={(t) => t.id}
      list={list}
      empty={<EmptyList title="No templates yet" />}
    >
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
    </ListPage>
  );
}
