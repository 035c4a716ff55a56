import { Button, TextInput } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { getRouteApi } from '@tanstack/react-router';
import { useMemo, useState } from 'react';
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
    () => ({ productId: search.productId, customerId: search.customerId, key: search.key }),
    [search.productId, search.customerId, search.key],
  );
  const [keyDraft, setKeyDraft] = useState(search.key ?? '');
  const setFilter = (next: Partial<typeof filter>) =>
    void navigate({ search: { ...search, ...next }, replace: true });
  const [creating, { open, close }] = useDisclosure(false);
  const list = useLicenses(filter);
  const canWrite = useCan('licenses:write');
  const filtered = Boolean(filter.productId || filter.customerId || filter.key);
  const applyKey = () => setFilter({ key: keyDraft.trim() || undefined });

  return (
    <ListPage
      title="Licenses"
      description="The keys your customers activate, and what each one allows."
      action={canWrite && <Button onClick={open}>New license</Button>}
      filters={
        <>
          <form
            role="search"
            aria-label="Find a license by key"
            onSubmit={(e) => {
              e.preventDefault();
              applyKey();
            }}
          >
            <TextInput
              label="License key"
              description="A full key, part of one, or ****-****-****-NPQR"
              placeholder="K7QM-2XHR-PN4D-WC9T"
              value={keyDraft}
              onChange={(e) => setKeyDraft(e.currentTarget.value)}
              onBlur={applyKey}
              spellCheck={false}
              autoComplete="off"
              maxLength={64}
            />
          </form>
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
