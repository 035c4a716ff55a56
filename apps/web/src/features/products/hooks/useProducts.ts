import { tsr } from '../../../api/tsr';
import { useKeysetList } from '../../../components/list/useKeysetList';
import { productKeys } from './productKeys';

const PAGE_SIZE = 50;

export function useProducts(search: string | undefined) {
  const list = useKeysetList(productKeys.list(search), (cursor) =>
    tsr.products.list.query({ query: { search: search || undefined, cursor, limit: PAGE_SIZE } }),
  );
  return { ...list, products: list.items };
}

export function useProduct(id: string) {
  return tsr.products.get.useQuery({
    queryKey: productKeys.detail(id),
    queryData: { params: { id } },
  });
}
