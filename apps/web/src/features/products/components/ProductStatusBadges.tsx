import type { Product } from '@keyledger/contract';
import { Badge, Group } from '@mantine/core';

export function ProductStatusBadges({ product }: { product: Product }) {
  return (
    <Group gap={4} wrap="nowrap">
      <Badge color={product.status === 'active' ? 'green' : 'gray'} variant="light">
        {product.status === 'active' ? 'Active' : 'Inactive'}
      </Badge>
      {product.archived && (
        <Badge color="yellow" variant="light">
          Archived
        </Badge>
      )}
      {product.deletedAt && (
        <Badge color="red" variant="light">
          Deleted
        </Badge>
      )}
    </Group>
  );
}
