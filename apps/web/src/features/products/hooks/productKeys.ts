export const productKeys = {
  all: ['products'] as const,
  list: (search: string | undefined) => ['products', 'list', search ?? ''] as const,
  detail: (id: string) => ['products', 'detail', id] as const,
};
