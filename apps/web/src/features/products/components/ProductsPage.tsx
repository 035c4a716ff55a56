import type { Product } from '@keyledger/contract';
import { Button } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { getRouteApi } from '@tanstack/react-router';
import { EmptyList, type Column } from '../../../components/list/KeysetTable';
import { ListPage } from '../../../components/list/ListPage';
import { RouterAnchor } from '../../../components/RouterLinks';
import { useCan } from '../../auth/hooks/usePermissions';
import { useProducts } from '../hooks/useProducts';
import { ProductFormModal } from './ProductFormModal';
import { ProductStatusBadges } from './ProductStatusBadges';

const route = getRouteApi('/_app/products');

const COLUMNS: Column<Product>[] = [
  {
    header: 'Name',
    cell: (p) => (
      <RouterAnchor to="/products/$id" params={{ id: p.id }} fw={600}>
        {p.name}
      </RouterAnchor>
    ),
  },
  { header: 'Code', cell: (p) => p.code, ff: 'monospace' },
  { header: 'Status', cell: (p) => <ProductStatusBadges product={p} /> },
  { header: 'Features', cell: (p) => (p.features.length ? p.features.join(', ') : '—') },
];

export function ProductsPage() {
  const { search } = route.useSearch();
  const navigate = route.useNavigate();
  const [creating, { open, close }] = useDisclosure(false);
  const list = useProducts(search);
  const canWrite = useCan('products:write');

  return (
    <ListPage
      title="Products"
      description="The software you license, and the features a license can turn on."
      action={canWrite && <Button onClick={open}>New product</Button>}
      search={{
        label: 'Search products',
        placeholder: 'Name or code',
        value: search,
        onChange: (value) => void navigate({ search: { search: value }, replace: true }),
      }}
      label="Products"
      what="products"
      columns={COLUMNS}
      rowKey={(p) => p.id}
      list={list}
      empty={
        <EmptyList title={search ? 'No product matches this search' : 'No products yet'}>
          {!search && canWrite && (
            <Button variant="light" onClick={open}>
              Create your first product
            </Button>
          )}
        </EmptyList>
      }
    >
      <ProductFormModal
        opened={creating}
        onClose={close}
        onSaved={(p) => void navigate({ to: '/products/$id', params: { id: p.id } })}
      />
    </ListPage>
  );
}
