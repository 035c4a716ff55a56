import { RemoteSelect, type RemoteSelectProps } from '../../../components/RemoteSelect';
import { useProducts } from '../hooks/useProducts';

function useProductOptions(search: string | undefined) {
  const query = useProducts(search);
  return {
    options: query.products
      .filter((p) => p.deletedAt === null)
      .map((p) => ({ value: p.id, label: `${p.name} (${p.code})` })),
    loading: query.isPending,
  };
}

/** Pick a product, searching by name or code. */
export function ProductSelect(props: RemoteSelectProps) {
  return (
    <RemoteSelect
      {...props}
      useOptions={useProductOptions}
      placeholder="Search products"
      nothingFound="No product found"
    />
  );
}
