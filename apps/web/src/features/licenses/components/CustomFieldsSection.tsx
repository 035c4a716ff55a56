import type { License, LicenseCustomField } from '@keyledger/contract';
import { Button, Group, Paper, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { ConfirmButton } from '../../../components/ConfirmButton';
import { useCan } from '../../auth/hooks/usePermissions';
import { useLicenseActions } from '../hooks/useLicenseMutations';
import { CustomFieldModal } from './CustomFieldModal';

type Editing = { field?: LicenseCustomField } | null;

/** Free name/value pairs on the license: add, edit, delete. */
export function CustomFieldsSection({ license }: { license: License }) {
  const [editing, setEditing] = useState<Editing>(null);
  const { deleteCustomField } = useLicenseActions(license.id);
  const deleted = license.deletedAt !== null;
  const canWrite = useCan('licenses:write');
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="license-custom-fields">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h5" id="license-custom-fields">
          Custom fields
        </Title>
        {canWrite && (
          <Button
            size="compact-sm"
            variant="light"
            onClick={() => setEditing({})}
            disabled={deleted}
          >
            Add field
          </Button>
        )}
      </Group>
      {license.customFields.length === 0 ? (
        <Text size="sm" c="dimmed">
          No custom fields.
        </Text>
      ) : (
        <Table aria-label="Custom fields">
          <Table.Tbody>
            {license.customFields.map((f) => (
              <Table.Tr key={f.id}>
                <Table.Th w="35%">{f.name}</Table.Th>
                <Table.Td style={{ wordBreak: 'break-word' }}>{f.value || '—'}</Table.Td>
                {canWrite && (
                  <Table.Td>
                    <Group gap={4} justify="flex-end" wrap="nowrap">
                      <Button
                        size="compact-sm"
                        variant="subtle"
                        aria-label={`Edit ${f.name}`}
                        disabled={deleted}
                        onClick={() => setEditing({ field: f })}
                      >
                        Edit
                      </Button>
                      <ConfirmButton
                        label="Delete"
                        aria-label={`Delete ${f.name}`}
                        size="compact-sm"
                        variant="subtle"
                        color="red"
                        disabled={deleted}
                        title="Delete this custom field?"
                        confirmLabel="Delete field"
                        loading={deleteCustomField.isPending}
                        onConfirm={(close) =>
                          deleteCustomField.mutate(
                            { params: { id: license.id, fieldId: f.id } },
                            { onSettled: close },
                          )
                        }
                      >
                        “{f.name}” will be removed from this license.
                      </ConfirmButton>
                    </Group>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <CustomFieldModal
        opened={editing !== null}
        licenseId={license.id}
        field={editing?.field}
        onClose={() => setEditing(null)}
      />
    </Paper>
  );
}
