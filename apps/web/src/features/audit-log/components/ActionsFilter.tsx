import {
  AUDIT_ACTION_GROUPS,
  auditActionLabel,
  auditActionsInGroup,
  type AuditAction,
} from '@keyledger/contract';
import { MultiSelect } from '@mantine/core';

const ACTION_OPTIONS = AUDIT_ACTION_GROUPS.map((g) => ({
  group: g.label,
  items: auditActionsInGroup(g.id).map((a) => ({ value: a, label: auditActionLabel(a) })),
}));

/** Actions, grouped as on the catalog page; any of the chosen ones match. Enter picks the first match. */
export function ActionsFilter({
  value,
  onChange,
}: {
  value: AuditAction[] | undefined;
  onChange: (v: AuditAction[]) => void;
}) {
  return (
    <MultiSelect
      label="Actions"
      placeholder={value?.length ? undefined : 'Any action'}
      data={ACTION_OPTIONS}
      value={value ?? []}
      onChange={(v) => onChange(v as AuditAction[])}
      searchable
      clearable
      hidePickedOptions
      selectFirstOptionOnChange
      maxDropdownHeight={320}
      nothingFoundMessage="No action matches"
      comboboxProps={{ withinPortal: true }}
      style={{ flex: '2 1 18rem', minWidth: 0 }}
    />
  );
}
