import { Center, Loader, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import type { ReactNode } from 'react';
import { ListError } from '../DetailStates';
import { LoadMoreButton } from '../LoadMoreButton';
import type { KeysetList } from './useKeysetList';

export interface Column<T> {
  /** The column's heading (also its key). */
  header: string;
  cell: (row: T) => ReactNode;
  /** e.g. `monospace` for codes and keys. */
  ff?: 'monospace';
  /** The heading is for screen readers only (a column of row actions). */
  hiddenHeader?: boolean;
  /** The cells' maximum width (long text wraps), and their alignment. */
  maw?: number;
  ta?: 'right';
}

export interface KeysetTableProps<T> {
  /** The table's accessible name, e.g. "Products". */
  label: string;
  /** What the rows are, in the plural, for the loading and error states: "products". */
  what: string;
  columns: Column<T>[];
  rowKey: (row: T) => string;
  list: KeysetList<T>;
  /** Shown instead of the table when there are no rows (a title and maybe an action). */
  empty: ReactNode;
  /** Below this width the table scrolls inside its own box; the page never scrolls sideways. */
  minWidth?: number;
  /** Small states, for a section of a page rather than a whole page. */
  compact?: boolean;
}

/** The empty state of a list: what is missing, and what to do about it. */
export function EmptyList({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <Center py="xl">
      <Stack align="center" gap="xs">
        <Text fw={600}>{title}</Text>
        {children}
      </Stack>
    </Center>
  );
}

/** Rows of a keyset list: loading, error (with retry), empty, the table, and "Load more". */
export function KeysetTable<T>({
  label,
  what,
  columns,
  rowKey,
  list,
  empty,
  minWidth = 560,
  compact = false,
}: KeysetTableProps<T>) {
  if (list.isPending) {
    return compact ? (
      <Loader size="sm" aria-label={`Loading ${what}`} />
    ) : (
      <Center py="xl">
        <Loader aria-label={`Loading ${what}`} />
      </Center>
    );
  }
  if (list.isError) {
    return <ListError what={what} error={list.error} onRetry={() => void list.refetch()} />;
  }
  if (list.items.length === 0) return <>{empty}</>;
  return (
    <>
      <Table.ScrollContainer minWidth={minWidth}>
        <Table highlightOnHover aria-label={label}>
          <Table.Thead>
            <Table.Tr>
              {columns.map((c) => (
                <Table.Th key={c.header}>
                  {c.hiddenHeader ? <VisuallyHidden>{c.header}</VisuallyHidden> : c.header}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.items.map((row) => (
              <Table.Tr key={rowKey(row)}>
                {columns.map((c) => (
                  <Table.Td key={c.header} ff={c.ff} maw={c.maw} ta={c.ta}>
                    {c.cell(row)}
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <LoadMoreButton query={list} />
    </>
  );
}
