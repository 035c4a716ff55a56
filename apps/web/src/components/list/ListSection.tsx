import { Group, Paper, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { KeysetTable, type KeysetTableProps } from './KeysetTable';

export interface ListSectionProps<T> extends Omit<KeysetTableProps<T>, 'empty' | 'compact'> {
  /** The section's heading id, unique on the page. */
  id: string;
  title: string;
  /** A small button for who may, e.g. "New order". */
  action?: ReactNode;
  /** One line saying there is nothing yet. */
  empty: string;
  children?: ReactNode;
}

/** A keyset list inside a detail page: a titled section with its action and compact states. */
export function ListSection<T>({
  id,
  title,
  action,
  empty,
  children,
  ...table
}: ListSectionProps<T>) {
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={id}>
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h5" id={id}>
          {title}
        </Title>
        {action}
      </Group>
      <KeysetTable
        {...table}
        compact
        empty={
          <Text size="sm" c="dimmed">
            {empty}
          </Text>
        }
      />
      {children}
    </Paper>
  );
}
