import { type Product, ZCreateProductBody } from '@keyledger/contract';
import { Alert, Button, Group, Modal, Stack, TagsInput, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { apiErrorMessage, apiFieldErrors } from '../../../api/errors';
import { zodFieldErrors } from '../../../utils/zodFieldErrors';
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
  const [errors, setErrors] = useState<Record<string, string>>({});
  const { create, update } = useSaveProduct((saved) => {
    onClose();
    onSaved?.(saved);
  });
  const mutation = product ? update : create;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = ZCreateProductBody.safeParse({ name, code, features });
    if (!parsed.success) return setErrors(zodFieldErrors(parsed.error));
    setErrors({});
    const onError = (error: unknown) => setErrors(apiFieldErrors(error));
    if (!product) return create.mutate({ body: parsed.data }, { onError });
    const body = {
      ...(parsed.data.name !== product.name && { name: parsed.data.name }),
      ...(parsed.data.code !== product.code && { code: parsed.data.code }),
      ...(JSON.stringify(parsed.data.features) !== JSON.stringify(product.features) && {
        features: parsed.data.features,
      }),
    };
    if (Object.keys(body).length === 0) return onClose();
    update.mutate({ params: { id: product.id }, body }, { onError });
  };

  const fieldShown = FIELDS.some((f) => f in errors);
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        {mutation.isError && !fieldShown && (
          <Alert color="red" role="alert">
            {apiErrorMessage(mutation.error)}
          </Alert>
        )}
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
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={mutation.isPending}>
            {product ? 'Save' : 'Create product'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function ProductFormModal({ opened, onClose, product, onSaved }: ProductFormModalProps) {
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={product ? 'Edit product' : 'New product'}
      centered
    >
      {opened && <ProductForm product={product} onClose={onClose} onSaved={onSaved} />}
    </Modal>
  );
}
