import { Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { type ReactNode, useState } from 'react';
import { KeysetTable, type KeysetTableProps } from './KeysetTable';

export interface ListSearch {
  label: string;
  placeholder: string;
  /** The search as it is in the URL. */
  value: string | undefined;
  /** Called (debounced) with the new search, undefined when cleared. */
  onChange: (value: string | undefined) => void;
}

export interface ListPageProps<T> extends KeysetTableProps<T> {
  /** A link back up, above the title. */
  back?: ReactNode;
  title: string;
  description: ReactNode;
  /** The page's main action, e.g. a "New product" button (only for who may). */
  action?: ReactNode;
  /** A search box over the list, kept in the URL. */
  search?: ListSearch;
  /** More filters beside the search box. */
  filters?: ReactNode;
  /** Modals and anything else the page owns. */
  children?: ReactNode;
}

function SearchBox({ label, placeholder, value, onChange }: ListSearch) {
  const [draft, setDraft] = useState(value ?? '');
  const apply = useDebouncedCallback((v: string) => onChange(v.trim() || undefined), 300);
  return (
    <TextInput
      label={label}
      placeholder={placeholder}
      type="search"
      value={draft}
      onChange={(e) => {
        setDraft(e.currentTarget.value);
        apply(e.currentTarget.value);
      }}
      w={{ base: '100%', xs: 360 }}
    />
  );
}

/**
 * The one list page: a title with its action, an optional search (in the URL) and filters, then
 * the list with its loading, error, empty and "Load more" states (KeysetTable).
 */
export function ListPage<T>({
  back,
  title,
  description,
  action,
  search,
  filters,
  children,
  ...table
}: ListPageProps<T>) {
  return (
    <Stack>
      {back}
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1} size="h2">
            {title}
          </Title>
          <Text c="dimmed" size="sm">
            {description}
          </Text>
        </div>
        {action}
      </Group>
      {(search || filters) && (
        <Group align="flex-end" gap="sm">
          {search && <SearchBox {...search} />}
          {filters}
        </Group>
      )}
      <KeysetTable {...table} />
      {children}
    </Stack>
  );
}
