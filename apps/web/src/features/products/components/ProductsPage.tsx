import { Button, Center, Group, Loader, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedCallback, useDisclosure } from '@mantine/hooks';
import { getRouteApi } from '@tanstack/react-router';
import { useState } from 'react';
import { ListError } from '../../../components/DetailStates';
import { RouterAnchor } from '../../../components/RouterLinks';
import { useCan } from '../../auth/hooks/usePermissions';
import { useProducts } from '../hooks/useProducts';
import { ProductFormModal } from './ProductFormModal';
import { ProductStatusBadges } from './ProductStatusBadges';

const route = getRouteApi('/_app/products');

export function ProductsPage() {
  const { search } = route.useSearch();
  const navigate = route.useNavigate();
  const [draft, setDraft] = useState(search ?? '');
  const applySearch = useDebouncedCallback((value: string) => {
    void navigate({ search: { search: value.trim() || undefined }, replace: true });
  }, 300);
  const [creating, { open, close }] = useDisclosure(false);
  const query = useProducts(search);
  const canWrite = useCan('products:write');

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1} size="h2">
            Products
          </Title>
          <Text c="dimmed" size="sm">
            The software you license, and the features a license can turn on.
          </Text>
        </div>
        {canWrite && <Button onClick={open}>New product</Button>}
      </Group>
      <TextInput
        label="Search products"
        placeholder="Name or code"
        type="search"
        value={draft}
        onChange={(e) => {
          setDraft(e.currentTarget.value);
          applySearch(e.currentTarget.value);
        }}
        maw={360}
      />
      {query.isPending ? (
        <Center py="xl">
          <Loader aria-label="Loading products" />
        </Center>
      ) : query.isError ? (
        <ListError what="products" error={query.error} onRetry={() => void query.refetch()} />
      ) : query.products.length === 0 ? (
        <Center py="xl">
          <Stack align="center" gap="xs">
            <Text fw={600}>{search ? 'No product matches this search' : 'No products yet'}</Text>
            {!search && canWrite && (
              <Button variant="light" onClick={open}>
                Create your first product
              </Button>
            )}
          </Stack>
        </Center>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table highlightOnHover aria-label="Products">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Code</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Features</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {query.products.map((p) => (
                <Table.Tr key={p.id}>
                  <Table.Td>
                    <RouterAnchor to="/products/$id" params={{ id: p.id }} fw={600}>
                      {p.name}
                    </RouterAnchor>
                  </Table.Td>
                  <Table.Td ff="monospace">{p.code}</Table.Td>
                  <Table.Td>
                    <ProductStatusBadges product={p} />
                  </Table.Td>
                  <Table.Td>{p.features.length ? p.features.join(', ') : '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {query.hasNextPage && (
        <Button
          variant="default"
          onClick={() => void query.fetchNextPage()}
          loading={query.isFetchingNextPage}
          w="fit-content"
        >
          Load more
        </Button>
      )}
      <ProductFormModal
        opened={creating}
        onClose={close}
        onSaved={(p) => void navigate({ to: '/products/$id', params: { id: p.id } })}
      />
    </Stack>
  );
}
