import { type Product, ZCreateProductBody } from '@keyledger/contract';
import { TagsInput, TextInput } from '@mantine/core';
import { useState } from 'react';
import { FormModal, ModalForm, useFieldErrors } from '../../../components/form/FormModal';
import { useSaveProduct } from '../hooks/useProductMutations';

interface ProductFormModalProps {
  opened: boolean;
  onClose: () => void;
  /** Edit this product; create a new one when absent. */
  product?: Product;
  onSaved?: (product: Product) => void;
}

const FIELDS = ['name', 'code', 'features'];

function ProductForm({ product, onClose, onSaved }: Omit<ProductFormModalProps, 'opened'>) {
  const [name, setName] = useState(product?.name ?? '');
  const [code, setCode] = useState(product?.code ?? '');
  const [features, setFeatures] = useState<string[]>(product?.features ?? []);
  const { errors, validate, onError } = useFieldErrors();
  const { create, update } = useSaveProduct((saved) => {
    onClose();
    onSaved?.(saved);
  });
  const mutation = product ? update : create;

  const submit = () => {
    const parsed = validate(ZCreateProductBody, { name, code, features });
    if (!parsed) return;
    if (!product) return create.mutate({ body: parsed }, { onError });
    const body = {
      ...(parsed.name !== product.name && { name: parsed.name }),
      ...(parsed.code !== product.code && { code: parsed.code }),
      ...(JSON.stringify(parsed.features) !== JSON.stringify(product.features) && {
        features: parsed.features,
      }),
    };
    if (Object.keys(body).length === 0) return onClose();
    update.mutate({ params: { id: product.id }, body }, { onError });
  };

  return (
    <ModalForm
      onSubmit={submit}
      onCancel={onClose}
      submitLabel={product ? 'Save' : 'Create product'}
      pending={mutation.isPending}
      error={mutation.error}
      errors={errors}
      fields={FIELDS}
    >
      <TextInput
        label="Name"
        required
        value={name}
        onChange={(e) => setName(e.currentTarget.value)}
        error={errors.name}
        data-autofocus
      />
      <TextInput
        label="Code"
        description="Letters, digits, - and _; used by the licensing SDKs"
        required
        value={code}
        onChange={(e) => setCode(e.currentTarget.value)}
        error={errors.code}
      />
      <TagsInput
        label="Features"
        description="Press Enter after each feature"
        value={features}
        onChange={setFeatures}
        error={errors.features}
        clearable
      />
    </ModalForm>
  );
}

export function ProductFormModal({ opened, onClose, product, onSaved }: ProductFormModalProps) {
  return (
    <FormModal opened={opened} onClose={onClose} title={product ? 'Edit product' : 'New product'}>
      <ProductForm product={product} onClose={onClose} onSaved={onSaved} />
    </FormModal>
  );
}
