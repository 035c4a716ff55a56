import type { ItemRef } from '@keyledger/contract';
import { Text } from '@mantine/core';
import { RouterAnchor } from '../../../components/RouterLinks';
import { itemRoute } from '../utils/itemLinks';

/** An item's label, linking to its page when it has one. Clicks do not reach the row below. */
export function ItemLink({ item }: { item: ItemRef }) {
  const to = itemRoute(item.type);
  const label = item.label || item.id;
  if (!to) {
    return (
      <Text size="sm" span truncate="end">
        {label}
      </Text>
    );
  }
  return (
    <RouterAnchor
      to={to}
      params={{ id: item.id }}
      size="sm"
      truncate="end"
      onClick={(e) => e.stopPropagation()}
      onKeyDown={(e) => e.stopPropagation()}
    >
      {label}
    </RouterAnchor>
  );
}
