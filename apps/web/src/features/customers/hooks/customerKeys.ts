export const customerKeys = {
  all: ['customers'] as const,
  list: (search: string | undefined) => ['customers', 'list', search ?? ''] as const,
  detail: (id: string) => ['customers', 'detail', id] as const,
};
