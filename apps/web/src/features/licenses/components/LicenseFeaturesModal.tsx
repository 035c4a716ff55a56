import type { License } from '@keyledger/contract';
import { Alert, Button, Group, Modal, MultiSelect, Stack } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { apiErrorLines } from '../../../api/errors';
import { useProduct } from '../../products/hooks/useProducts';
import { useLicenseForms } from '../hooks/useLicenseMutations';

function FeaturesForm({ license, onClose }: { license: License; onClose: () => void }) {
  const product = useProduct(license.productId);
  const [features, setFeatures] = useState(license.features);
  const { setFeatures: save } = useLicenseForms(license.id, onClose);
  // Features the product no longer has stay listed, so they can be removed.
  const data = [...new Set([...(product.data?.body.features ?? []), ...license.features])];

  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({ params: { id: license.id }, body: { features } });
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        {save.isError && (
          <Alert color="red" role="alert">
            {apiErrorLines(save.error).join(' ')}
          </Alert>
        )}
        <MultiSelect
          label="Features"
          description="The product's features this license turns on"
          data={data}
          value={features}
          onChange={setFeatures}
          clearable
          data-autofocus
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            Save features
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function LicenseFeaturesModal({
  opened,
  license,
  onClose,
}: {
  opened: boolean;
  license: License;
  onClose: () => void;
}) {
  return (
    <Modal opened={opened} onClose={onClose} title="Edit features" centered>
      {opened && <FeaturesForm license={license} onClose={onClose} />}
    </Modal>
  );
}
