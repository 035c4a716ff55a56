import { Badge, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { getRouteApi } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import dayjs from 'dayjs';
import { DetailError, DetailLoading } from '../../../components/DetailStates';
import { HistorySection } from '../../../components/HistorySection';
import { RouterAnchor } from '../../../components/RouterLinks';
import { useProduct } from '../hooks/useProducts';
import { ProductActions } from './ProductActions';
import { ProductStatusBadges } from './ProductStatusBadges';

const route = getRouteApi('/_app/products/$id');

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <div>{children}</div>
    </Stack>
  );
}

export function ProductDetailPage() {
  const { id } = route.useParams();
  const query = useProduct(id);

  if (query.isPending) return <DetailLoading label="Loading product" />;
  if (query.isError) {
    return (
      <DetailError
        what="Product"
        error={query.error}
        onRetry={() => void query.refetch()}
        back={
          <RouterAnchor to="/products" search={{}}>
            Back to products
          </RouterAnchor>
        }
      />
    );
  }

  const product = query.data.body;
  return (
    <Stack gap="lg">
      <RouterAnchor to="/products" search={{}} size="sm">
        ← Products
      </RouterAnchor>
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Group gap="sm">
            <Title order={1} size="h2">
              {product.name}
            </Title>
            <ProductStatusBadges product={product} />
          </Group>
          <Text ff="monospace" c="dimmed" size="sm">
            {product.code}
          </Text>
        </Stack>
        <ProductActions product={product} />
      </Group>
      <Paper withBorder p="md">
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <Field label="Features">
            {product.features.length ? (
              <Group gap={4}>
                {product.features.map((f) => (
                  <Badge key={f} variant="outline" tt="none">
                    {f}
                  </Badge>
                ))}
              </Group>
            ) : (
              <Text size="sm" c="dimmed">
                None
              </Text>
            )}
          </Field>
          <Field label="Created">
            <Text size="sm">{dayjs(product.createdAt).format('YYYY-MM-DD HH:mm')}</Text>
          </Field>
          <Field label="Updated">
            <Text size="sm">{dayjs(product.updatedAt).format('YYYY-MM-DD HH:mm')}</Text>
          </Field>
        </SimpleGrid>
      </Paper>
      <HistorySection itemType="product" itemId={product.id} label={product.name} />
    </Stack>
  );
}
