import type { AuditEntry } from '@keyledger/contract';
import { Center, Loader, Text } from '@mantine/core';
import {
  forwardRef,
  startTransition,
  useEffect,
  useImperativeHandle,
  useRef,
  useState,
} from 'react';
import type { ZoneMode } from '../../../app/time';
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
  /** The zone times are shown in. */
  zone: ZoneMode;
}

const ESTIMATED_ROW_PX = 56;
const LOAD_AHEAD_ROWS = 10;
/**
 * What the window can show (a row is never shorter than ESTIMATED_ROW_PX), at least 8, at most 24:
 * rendered at once; the rest of the page right after, as a transition.
 */
const firstRows = () =>
  Math.min(24, Math.max(8, Math.ceil((globalThis.innerHeight || 0) / ESTIMATED_ROW_PX)));

/**
 * The rows, in a scrolling box; nearing the end (ten rows ahead) loads the next page. Rows out of
 * view are skipped by the browser's rendering (`content-visibility: auto` in the stylesheet), which
 * keeps a long list cheap without a virtualizer library on the audit page's first visit.
 */
export const AuditLogList = forwardRef<AuditLogListHandle, AuditLogListProps>(function AuditLogList(
  {
    entries,
    hasNextPage,
    isFetchingNextPage,
    fetchNextPage,
    onOpen,
    selectedId = null,
    height,
    zone,
  },
  ref,
) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const endRef = useRef<HTMLDivElement>(null);
  // The first screenful renders at once (the first rows appear sooner); the rest follows in a
  // transition that input can interrupt.
  const [first] = useState(firstRows);
  const [all, setAll] = useState(entries.length <= first);
  useEffect(() => {
    if (all) return;
    const timer = setTimeout(() => startTransition(() => setAll(true)), 0);
    return () => clearTimeout(timer);
  }, [all]);
  const rows = all ? entries : entries.slice(0, first);
  const loadMore = useRef(fetchNextPage);
  loadMore.current = fetchNextPage;
  useImperativeHandle(
    ref,
    () => ({
      scrollToTop: () => {
        if (scrollRef.current) scrollRef.current.scrollTop = 0;
      },
    }),
    [],
  );

  useEffect(() => {
    const end = endRef.current;
    if (!end || !all || !hasNextPage || isFetchingNextPage) return;
    const observer = new IntersectionObserver(
      (seen) => {
        if (seen.some((s) => s.isIntersecting)) loadMore.current();
      },
      {
        root: scrollRef.current,
        rootMargin: `0px 0px ${LOAD_AHEAD_ROWS * ESTIMATED_ROW_PX}px 0px`,
      },
    );
    observer.observe(end);
    return () => observer.disconnect();
  }, [all, hasNextPage, isFetchingNextPage, entries.length]);

  return (
    <div ref={scrollRef} className={classes.scroller} style={{ maxHeight: height }} role="rowgroup">
      {rows.map((entry, index) => (
        <AuditLogRow
          key={entry.id}
          index={index}
          entry={entry}
          onOpen={onOpen}
          selected={entry.id === selectedId}
          zone={zone}
        />
      ))}
      {(hasNextPage || !all) && (
        <div ref={endRef} role="row" className={classes.more}>
          <Center py="sm" role="cell">
            {isFetchingNextPage ? (
              <Loader size="sm" aria-label="Loading more entries" />
            ) : (
              <Text size="sm">…</Text>
            )}
          </Center>
        </div>
      )}
    </div>
  );
});
