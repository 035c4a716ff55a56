import { Button, Group } from '@mantine/core';

/** A row's Edit and Delete (or Remove) buttons, named after the row for screen readers. */
export function RowActions({
  name,
  onEdit,
  onDelete,
  deleteLabel = 'Delete',
  deleteDisabledReason,
}: {
  name: string;
  onEdit: () => void;
  onDelete: () => void;
  deleteLabel?: string;
  /** Why this row cannot be deleted (the button is disabled and says so). */
  deleteDisabledReason?: string;
}) {
  return (
    <Group gap={4} justify="flex-end" wrap="nowrap">
      <Button size="compact-sm" variant="subtle" aria-label={`Edit ${name}`} onClick={onEdit}>
        Edit
      </Button>
      <Button
        size="compact-sm"
        variant="subtle"
        color="red"
        aria-label={`${deleteLabel} ${name}`}
        onClick={onDelete}
        disabled={deleteDisabledReason !== undefined}
        title={deleteDisabledReason}
      >
        {deleteLabel}
      </Button>
    </Group>
  );
}
