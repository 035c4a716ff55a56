import { Button, Center, Group, Loader, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { getRouteApi } from '@tanstack/react-router';
import { useMemo, useState } from 'react';
import { ListError } from '../../../components/DetailStates';
import { LoadMoreButton } from '../../../components/LoadMoreButton';
import { useCan } from '../../auth/hooks/usePermissions';
import { CustomerSelect } from '../../customers/components/CustomerSelect';
import { ProductSelect } from '../../products/components/ProductSelect';
import { useLicenses } from '../hooks/useLicenses';
import { LicenseFormModal } from './LicenseFormModal';
import { LicenseTable } from './LicenseTable';

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
  const query = useLicenses(filter);
  const canWrite = useCan('licenses:write');
  const filtered = Boolean(filter.productId || filter.customerId || filter.key);
  const applyKey = () => setFilter({ key: keyDraft.trim() || undefined });

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1} size="h2">
            Licenses
          </Title>
          <Text c="dimmed" size="sm">
            The keys your customers activate, and what each one allows.
          </Text>
        </div>
        {canWrite && <Button onClick={open}>New license</Button>}
      </Group>
      <Group align="flex-end" gap="sm">
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
      </Group>
      {query.isPending ? (
        <Center py="xl">
          <Loader aria-label="Loading licenses" />
        </Center>
      ) : query.isError ? (
        <ListError what="licenses" error={query.error} onRetry={() => void query.refetch()} />
      ) : query.licenses.length === 0 ? (
        <Center py="xl">
          <Stack align="center" gap="xs">
            <Text fw={600}>
              {filtered ? 'No license matches these filters' : 'No licenses yet'}
            </Text>
            {!filtered && canWrite && (
              <Button variant="light" onClick={open}>
                Issue your first license
              </Button>
            )}
          </Stack>
        </Center>
      ) : (
        <LicenseTable licenses={query.licenses} label="Licenses" />
      )}
      <LoadMoreButton query={query} />
      <LicenseFormModal
        opened={creating}
        onClose={close}
        onCreated={(l) => void navigate({ to: '/licenses/$id', params: { id: l.id } })}
      />
    </Stack>
  );
}
