import type { Product } from '@keyledger/contract';
import { Button, Group } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useNavigate } from '@tanstack/react-router';
import { ConfirmModal } from '../../../components/ConfirmModal';
import { useCan } from '../../auth/hooks/usePermissions';
import { useProductStateActions, useRemoveProduct } from '../hooks/useProductMutations';
import { ProductFormModal } from './ProductFormModal';

/** Edit, activate/deactivate, archive/unarchive, delete. */
export function ProductActions({ product }: { product: Product }) {
  const navigate = useNavigate();
  const [editing, edit] = useDisclosure(false);
  const [confirming, confirm] = useDisclosure(false);
  const actions = useProductStateActions(product.id);
  const remove = useRemoveProduct(product.id, () => void navigate({ to: '/products', search: {} }));
  const params = { params: { id: product.id } };
  const toggleStatus = product.status === 'active' ? actions.deactivate : actions.activate;
  const toggleArchive = product.archived ? actions.unarchive : actions.archive;
  const deleted = product.deletedAt !== null;
  const canWrite = useCan('products:write');
  if (!canWrite) return null;

  return (
    <>
      <Group gap="xs">
        <Button variant="default" onClick={edit.open} disabled={deleted}>
          Edit
        </Button>
        <Button
          variant="default"
          onClick={() => toggleStatus.mutate(params)}
          loading={toggleStatus.isPending}
          disabled={deleted}
        >
          {product.status === 'active' ? 'Deactivate' : 'Activate'}
        </Button>
        <Button
          variant="default"
          onClick={() => toggleArchive.mutate(params)}
          loading={toggleArchive.isPending}
          disabled={deleted}
        >
          {product.archived ? 'Unarchive' : 'Archive'}
        </Button>
        <Button color="red" variant="light" onClick={confirm.open} disabled={deleted}>
          Delete
        </Button>
      </Group>
      <ProductFormModal opened={editing} onClose={edit.close} product={product} />
      <ConfirmModal
        opened={confirming}
        onClose={confirm.close}
        title="Delete this product?"
        confirmLabel="Delete product"
        loading={remove.isPending}
        onConfirm={() => remove.mutate(params, { onSettled: confirm.close })}
      >
        “{product.name}” ({product.code}) will be deleted. Its history stays in the audit log.
      </ConfirmModal>
    </>
  );
}
