import { Button, Center, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { getRouteApi } from '@tanstack/react-router';
import { useMemo } from 'react';
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
    () => ({ productId: search.productId, customerId: search.customerId }),
    [search.productId, search.customerId],
  );
  const setFilter = (next: Partial<typeof filter>) =>
    void navigate({ search: { ...search, ...next }, replace: true });
  const [creating, { open, close }] = useDisclosure(false);
  const query = useLicenses(filter);
  const canWrite = useCan('licenses:write');
  const filtered = Boolean(filter.productId || filter.customerId);

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
