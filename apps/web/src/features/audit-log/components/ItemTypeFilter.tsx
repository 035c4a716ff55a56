import { ITEM_TYPES, type ItemType } from '@keyledger/contract';
import { Select } from '@mantine/core';
import { itemTypeLabel } from '../../../app/itemTypes';

const OPTIONS = ITEM_TYPES.map((t) => ({ value: t, label: itemTypeLabel(t) }));

export function ItemTypeFilter({
  value,
  onChange,
}: {
  value: ItemType | undefined;
  onChange: (v: ItemType | undefined) => void;
}) {
  return (
    <Select
      label="Item type"
      placeholder="Any item"
      data={OPTIONS}
      value={value ?? null}
      onChange={(v) => onChange((v as ItemType | null) ?? undefined)}
      clearable
      allowDeselect
      style={{ flex: '1 1 10rem', maxWidth: '14rem' }}
    />
  );
}
