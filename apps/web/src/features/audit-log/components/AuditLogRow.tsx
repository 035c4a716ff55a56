import type { AuditEntry } from '@keyledger/contract';
import { Group, Text } from '@mantine/core';
import { forwardRef, type CSSProperties, type KeyboardEvent } from 'react';
import { itemTypeLabel } from '../../../app/itemTypes';
import { useZoneMode } from '../../../app/time';
import { summarizeChanges } from '../utils/formatChange';
import { ActionBadge } from './ActionBadge';
import { ActorLabel } from './ActorLabel';
import classes from './AuditLogTable.module.css';
import { EntryTime } from './EntryTime';
import { ItemLink } from './ItemLink';

interface AuditLogRowProps {
  entry: AuditEntry;
  index: number;
  style?: CSSProperties;
  onOpen: (entry: AuditEntry) => void;
  /** Whether this entry's details are open. */
  selected?: boolean;
}

/** One entry as a row; Enter, Space or a click opens it. */
export const AuditLogRow = forwardRef<HTMLDivElement, AuditLogRowProps>(function AuditLogRow(
  { entry, index, style, onOpen, selected = false },
  ref,
) {
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onOpen(entry);
    }
  };
  const [zone] = useZoneMode();
  const summary = summarizeChanges(entry.changes, zone, entry.links);
  return (
    <div
      ref={ref}
      role="row"
      tabIndex={0}
      data-index={index}
      aria-rowindex={index + 2}
      aria-label={`Entry ${entry.seq}, open details`}
      aria-selected={selected}
      data-entry-id={entry.id}
      className={`${classes.row} ${classes.entry}`}
      style={style}
      onClick={() => onOpen(entry)}
      onKeyDown={onKeyDown}
    >
      <div role="cell" className={classes.cell}>
        <EntryTime iso={entry.occurredAt} stacked />
      </div>
      <div role="cell" className={classes.cell}>
        <ActionBadge action={entry.action} />
      </div>
      <div role="cell" className={`${classes.cell} ${classes.wide}`}>
        <ActorLabel actor={entry.actor} />
      </div>
      <div role="cell" className={`${classes.cell} ${classes.wide}`}>
        <Group gap={6} wrap="nowrap">
          <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
            {itemTypeLabel(entry.target.type)}
          </Text>
          <ItemLink item={entry.target} />
        </Group>
      </div>
      <div role="cell" className={`${classes.cell} ${classes.wide}`}>
        <Text
          className={classes.changes}
          truncate="end"
          title={summary || undefined}
          c={summary ? undefined : 'dimmed'}
        >
          {summary || '—'}
        </Text>
      </div>
    </div>
  );
});
