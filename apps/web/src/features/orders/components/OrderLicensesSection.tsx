import type { Order } from '@keyledger/contract';
import { Button, Group, Loader, Paper, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { ListError } from '../../../components/DetailStates';
import { LoadMoreButton } from '../../../components/LoadMoreButton';
import { useCan } from '../../auth/hooks/usePermissions';
import { LicenseFormModal } from '../../licenses/components/LicenseFormModal';
import { LicenseTable } from '../../licenses/components/LicenseTable';
import { useLicenses } from '../../licenses/hooks/useLicenses';

export function OrderLicensesSection({ order }: { order: Order }) {
  const query = useLicenses({ orderId: order.id });
  const [issuing, issue] = useDisclosure(false);
  const canIssue = useCan('licenses:write');
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="order-licenses">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h5" id="order-licenses">
          Licenses
        </Title>
        {canIssue && (
          <Button
            size="compact-sm"
            variant="light"
            onClick={issue.open}
            disabled={order.deletedAt !== null}
          >
            Issue license
          </Button>
        )}
      </Group>
      {query.isPending ? (
        <Loader size="sm" aria-label="Loading licenses" />
      ) : query.isError ? (
        <ListError what="licenses" error={query.error} onRetry={() => void query.refetch()} />
      ) : query.licenses.length === 0 ? (
        <Text size="sm" c="dimmed">
          No licenses in this order yet.
        </Text>
      ) : (
        <LicenseTable licenses={query.licenses} label={`Licenses of ${order.reference}`} />
      )}
      <LoadMoreButton query={query} />
      <LicenseFormModal
        opened={issuing}
        onClose={issue.close}
        order={{ id: order.id, reference: order.reference }}
      />
    </Paper>
  );
}
