import type { License } from '@keyledger/contract';
import { Button, Group } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useNavigate } from '@tanstack/react-router';
import { ConfirmButton } from '../../../components/ConfirmButton';
import { useCan } from '../../auth/hooks/usePermissions';
import { useLicenseDevices } from '../hooks/useLicenses';
import { useLicenseActions, useRemoveLicense } from '../hooks/useLicenseMutations';
import { LicenseEditModal } from './LicenseEditModal';
import { LicenseFeaturesModal } from './LicenseFeaturesModal';

/** Edit, features, reset, disable/enable, reset consumption, delete. */
export function LicenseActions({ license }: { license: License }) {
  const navigate = useNavigate();
  const [editing, edit] = useDisclosure(false);
  const [editingFeatures, editFeatures] = useDisclosure(false);
  const actions = useLicenseActions(license.id);
  const remove = useRemoveLicense(license.id, () => void navigate({ to: '/licenses', search: {} }));
  const params = { params: { id: license.id } };
  const deleted = license.deletedAt !== null;
  const canWrite = useCan('licenses:write');
  const devices = useLicenseDevices(license.id);
  if (!canWrite) return null;
  const active = devices.devices.filter((d) => d.active).length;
  const resetReason = devices.isPending
    ? null
    : active === 0 && !devices.hasNextPage
      ? 'No device holds an activation: there is nothing to reset'
      : null;
  const consumptionReason =
    license.consumptions === 0 ? 'The count is already 0: there is nothing to reset' : null;

  return (
    <>
      <Group gap="xs">
        <Button variant="default" onClick={edit.open} disabled={deleted}>
          Edit
        </Button>
        <Button variant="default" onClick={editFeatures.open} disabled={deleted}>
          Edit features
        </Button>
        <ConfirmButton
          label="Reset"
          disabled={deleted}
          disabledReason={deleted ? null : resetReason}
          title="Reset this license?"
          confirmLabel="Reset license"
          loading={actions.reset.isPending}
          onConfirm={(close) => actions.reset.mutate(params, { onSettled: close })}
        >
          Every device loses its activation and has to activate again.
        </ConfirmButton>
        {license.enabled ? (
          <ConfirmButton
            label="Disable"
            disabled={deleted}
            title="Disable this license?"
            confirmLabel="Disable license"
            loading={actions.disable.isPending}
            onConfirm={(close) => actions.disable.mutate(params, { onSettled: close })}
          >
            {license.key} will refuse new activations until it is enabled again.
          </ConfirmButton>
        ) : (
          <Button
            variant="default"
            disabled={deleted}
            loading={actions.enable.isPending}
            onClick={() => actions.enable.mutate(params)}
          >
            Enable
          </Button>
        )}
        {license.type === 'consumption' && (
          <ConfirmButton
            label="Reset consumption"
            disabled={deleted}
            disabledReason={deleted ? null : consumptionReason}
            title="Reset the consumption?"
            confirmLabel="Reset consumption"
            loading={actions.resetConsumption.isPending}
            onConfirm={(close) => actions.resetConsumption.mutate(params, { onSettled: close })}
          >
            The count goes back from {license.consumptions} to 0.
          </ConfirmButton>
        )}
        <ConfirmButton
          label="Delete"
          color="red"
          variant="light"
          disabled={deleted}
          title="Delete this license?"
          confirmLabel="Delete license"
          loading={remove.isPending}
          onConfirm={(close) => remove.mutate(params, { onSettled: close })}
        >
          {license.key} will be deleted and stop working. Its history stays in the audit log.
        </ConfirmButton>
      </Group>
      <LicenseEditModal opened={editing} onClose={edit.close} license={license} />
      <LicenseFeaturesModal
        opened={editingFeatures}
        onClose={editFeatures.close}
        license={license}
      />
    </>
  );
}
