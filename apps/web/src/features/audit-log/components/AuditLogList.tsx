import type { AuditEntry } from '@keyledger/contract';
import { Center, Loader, Text } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';
import { AuditLogRow } from './AuditLogRow';
import classes from './AuditLogTable.module.css';

export interface AuditLogListHandle {
  scrollToTop: () => void;
}

interface AuditLogListProps {
  entries: AuditEntry[];
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => void;
  onOpen: (entry: AuditEntry) => void;
  /** The entry whose details are open, highlighted. */
  selectedId?: string | null;
  /** The most the list grows to before it scrolls. */
  height: number | string;
}

const ESTIMATED_ROW_PX = 56;
const LOAD_AHEAD_ROWS = 10;

/** The rows, virtualized: only those in view are in the DOM; nearing the end loads the next page. */
export const AuditLogList = forwardRef<AuditLogListHandle, AuditLogListProps>(function AuditLogList(
  { entries, hasNextPage, isFetchingNextPage, fetchNextPage, onOpen, selectedId = null, height },
  ref,
) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const count = entries.length + (hasNextPage ? 1 : 0);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ESTIMATED_ROW_PX,
    overscan: 8,
    getItemKey: (index) => entries[index]?.id ?? 'loader',
  });
  useImperativeHandle(ref, () => ({ scrollToTop: () => virtualizer.scrollToOffset(0) }), [
    virtualizer,
  ]);

  const items = virtualizer.getVirtualItems();
  const lastIndex = items[items.length - 1]?.index ?? -1;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastIndex >= entries.length - LOAD_AHEAD_ROWS)
      fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, lastIndex, entries.length, fetchNextPage]);

  return (
    <div
      ref={scrollRef}
      className={classes.scroller}
      style={{ height: virtualizer.getTotalSize(), maxHeight: height }}
      role="rowgroup"
    >
      <div
        role="presentation"
        style={{ height: virtualizer.getTotalSize(), position: 'relative', width: '100%' }}
      >
        {items.map((item) => {
          const entry = entries[item.index];
          const style = {
            position: 'absolute',
            top: 0,
            left: 0,
            width: '100%',
            transform: `translateY(${item.start}px)`,
          } as const;
          if (!entry) {
            return (
              <div
                key={item.key}
                ref={virtualizer.measureElement}
                data-index={item.index}
                style={style}
                role="row"
              >
                <Center py="sm" role="cell">
                  {isFetchingNextPage ? (
                    <Loader size="sm" aria-label="Loading more entries" />
                  ) : (
                    <Text size="sm">…</Text>
                  )}
                </Center>
              </div>
            );
          }
          return (
            <AuditLogRow
              key={item.key}
              ref={virtualizer.measureElement}
              index={item.index}
              entry={entry}
              style={style}
              onOpen={onOpen}
              selected={entry.id === selectedId}
            />
          );
        })}
      </div>
    </div>
  );
});
