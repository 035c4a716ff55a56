import type { License } from '@keyledger/contract';
import { Badge, CopyButton, Group, Paper, SimpleGrid, Stack, Text, Title, Tooltip, UnstyledButton } from '@mantine/core';
import { getRouteApi } from '@tanstack/react-router';
import dayjs from 'dayjs';
import { DetailError, DetailLoading } from '../../../components/DetailStates';
import { Field } from '../../../components/Field';
import { HistorySection } from '../../../components/HistorySection';
import { RouterAnchor } from '../../../components/RouterLinks';
import { useLicense, useLicenseDevices } from '../hooks/useLicenses';
import { CustomFieldsSection } from './CustomFieldsSection';
import { DevicesSection } from './DevicesSection';
import { CustomerLink, OrderLink, ProductLink } from './ItemRefLinks';
import { LICENSE_TYPE_LABELS, LicenseStatusBadge } from './LicenseBadges';
import { LicenseActions } from './LicenseActions';
import { LicenseUsersSection } from './LicenseUsersSection';

const route = getRouteApi('/_app/licenses/$id');

function LicenseKey({ value }: { value: string }) {
  return (
    <CopyButton value={value}>
      {({ copied, copy }) => (
        <Tooltip label={copied ? 'Copied' : 'Copy key'} withArrow>
          <UnstyledButton onClick={copy} aria-label={`Copy license key ${value}`}>
            <Title order={1} size="h2" ff="monospace">
              {value}
            </Title>
          </UnstyledButton>
        </Tooltip>
      )}
    </CopyButton>
  );
}

function Activations({ license }: { license: License }) {
  const devices = useLicenseDevices(license.id);
  const active = devices.devices.filter((d) => d.active).length;
  return (
    <Text size="sm">
      {devices.isPending ? '…' : active} of {license.maxActivations}
    </Text>
  );
}

function LicenseFacts({ license }: { license: License }) {
  return (
    <Paper withBorder p="md">
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
        <Field label="Product">
          <ProductLink id={license.productId} />
        </Field>
        <Field label="Order">
          <OrderLink id={license.orderId} />
        </Field>
        <Field label="Customer">
          <CustomerLink id={license.customerId} />
        </Field>
        <Field label="Type">
          <Text size="sm">{LICENSE_TYPE_LABELS[license.type]}</Text>
        </Field>
        <Field label="Activations">
          <Activations license={license} />
        </Field>
        <Field label="Valid until">
          <Text size="sm">
            {license.validUntil ? dayjs(license.validUntil).format('YYYY-MM-DD HH:mm') : 'Never expires'}
          </Text>
        </Field>
        {license.type === 'consumption' && (
          <Field label="Consumption">
            <Text size="sm">
              {license.consumptions} of {license.maxConsumptions ?? '—'}
            </Text>
          </Field>
        )}
        <Field label="Features">
          {license.features.length ? (
            <Group gap={4}>
              {license.features.map((f) => (
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
          <Text size="sm">{dayjs(license.createdAt).format('YYYY-MM-DD HH:mm')}</Text>
        </Field>
      </SimpleGrid>
    </Paper>
  );
}

export function LicenseDetailPage() {
  const { id } = route.useParams();
  const query = useLicense(id);

  if (query.isPending) return <DetailLoading label="Loading license" />;
  if (query.isError) {
    return (
      <DetailError
        what="License"
        error={query.error}
        onRetry={() => void query.refetch()}
        back={
          <RouterAnchor to="/licenses" search={{}}>
            Back to licenses
          </RouterAnchor>
        }
      />
    );
  }

  const license = query.data.body;
  return (
    <Stack gap="lg">
      <RouterAnchor to="/licenses" search={{}} size="sm">
        ← Licenses
      </RouterAnchor>
      <Stack gap="sm">
        <Group gap="sm">
          <LicenseKey value={license.key} />
          <LicenseStatusBadge license={license} />
        </Group>
        <LicenseActions license={license} />
      </Stack>
      <LicenseFacts license={license} />
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <LicenseUsersSection license={license} />
        <CustomFieldsSection license={license} />
      </SimpleGrid>
      <DevicesSection license={license} />
      <HistorySection itemType="license" itemId={license.id} label={license.key} />
    </Stack>
  );
}
