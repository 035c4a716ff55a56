import type { License } from '@keyledger/contract';
import { MultiSelect } from '@mantine/core';
import { useState } from 'react';
import { FormModal, ModalForm, useFieldErrors } from '../../../components/form/FormModal';
import { useProduct } from '../../products/hooks/useProducts';
import { useLicenseForms } from '../hooks/useLicenseMutations';

function FeaturesForm({ license, onClose }: { license: License; onClose: () => void }) {
  const product = useProduct(license.productId);
  const [features, setFeatures] = useState(license.features);
  const { errors, onError } = useFieldErrors();
  const { setFeatures: save } = useLicenseForms(license.id, onClose);
  // Features the product no longer has stay listed, so they can be removed.
  const data = [...new Set([...(product.data?.body.features ?? []), ...license.features])];

  return (
    <ModalForm
      onSubmit={() => save.mutate({ params: { id: license.id }, body: { features } }, { onError })}
      onCancel={onClose}
      submitLabel="Save features"
      pending={save.isPending}
      error={save.error}
      errors={errors}
      fields={['features']}
    >
      <MultiSelect
        label="Features"
        description="The product's features this license turns on"
        data={data}
        value={features}
        onChange={setFeatures}
        error={errors.features}
        clearable
        data-autofocus
      />
    </ModalForm>
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
    <FormModal opened={opened} onClose={onClose} title="Edit features">
      <FeaturesForm license={license} onClose={onClose} />
    </FormModal>
  );
}
