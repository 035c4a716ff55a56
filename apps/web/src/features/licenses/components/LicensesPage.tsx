import { Button } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { getRouteApi } from '@tanstack/react-router';
import { useMemo } from 'react';
import { EmptyList } from '../../../components/list/KeysetTable';
import { ListPage } from '../../../components/list/ListPage';
import { useCan } from '../../auth/hooks/usePermissions';
import { CustomerSelect } from '../../customers/components/CustomerSelect';
import { ProductSelect } from '../../products/components/ProductSelect';
import { useLicenses } from '../hooks/useLicenses';
import { LicenseFormModal } from './LicenseFormModal';
import { LICENSE_COLUMNS } from './LicenseTable';

const route = getRouteApi('/_app/licenses');

/** Licenses, narrowed by product and customer (in the URL); issue a new one. */
export function LicensesPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const filter = useMemo(
    () => ({ productId: search.productId, customerId: search.customerId }),
    [search.productId, search.customerId],
  );
  const setFilter = (next: Partial<typeof filter>) =>
    void navigate({ search: { ...search, ...next }, replace: true });
  const [creating, { open, close }] = useDisclosure(false);
  const list = useLicenses(filter);
  const canWrite = useCan('licenses:write');
  const filtered = Boolean(filter.productId || filter.customerId);

  return (
    <ListPage
      title="Licenses"
      description="The keys your customers activate, and what each one allows."
      action={canWrite && <Button onClick={open}>New license</Button>}
      filters={
        <>
          <ProductSelect
            label="Product"
            clearable
            value={filter.productId ?? null}
            onChange={(id) => setFilter({ productId: id ?? undefined })}
          />
          <CustomerSelect
            label="Customer"
            clearable
            value={filter.customerId ?? null}
            onChange={(id) => setFilter({ customerId: id ?? undefined })}
          />
        </>
      }
      label="Licenses"
      what="licenses"
      columns={LICENSE_COLUMNS}
      rowKey={(l) => l.id}
      list={list}
      minWidth={720}
      empty={
        <EmptyList title={filtered ? 'No license matches these filters' : 'No licenses yet'}>
          {!filtered && canWrite && (
            <Button variant="light" onClick={open}>
              Issue your first license
            </Button>
          )}
        </EmptyList>
      }
    >
      <LicenseFormModal
        opened={creating}
        onClose={close}
        onCreated={(l) => void navigate({ to: '/licenses/$id', params: { id: l.id } })}
      />
    </ListPage>
  );
}
