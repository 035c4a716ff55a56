import { Badge } from '@mantine/core';
import type { AuditEntry } from '@keyledger/contract';
import { forwardRef, type CSSProperties, type KeyboardEvent } from 'react';
import { itemTypeLabel } from '../../../app/itemTypes';
import {
  DATE_TIME_SECONDS_FORMAT,
  formatInstant,
  relativeTime,
  zoneName,
  type ZoneMode,
} from '../../../app/time';
import { summarizeChanges } from '../utils/formatChange';
import { ActionBadge } from './ActionBadge';
import { actorName } from './ActorLabel';
import classes from './AuditLogTable.module.css';
import { ItemLink } from './ItemLink';

interface AuditLogRowProps {
  entry: AuditEntry;
  index: number;
  style?: CSSProperties;
  onOpen: (entry: AuditEntry) => void;
  /** Whether this entry's details are open. */
  selected?: boolean;
  /** The zone times are shown in (the table asks once, not each row). */
  zone: ZoneMode;
}

/**
 * One entry as a row; Enter, Space or a click opens it. Plain elements styled by the table's CSS
 * module rather than Mantine's Text/Group/Stack (about ten of them a row): the audit page renders
 * a screenful of rows before its first paint, and each Mantine component costs its props and
 * styles resolution. The badge and the item link stay Mantine's.
 */
export const AuditLogRow = forwardRef<HTMLDivElement, AuditLogRowProps>(function AuditLogRow(
  { entry, index, style, onOpen, selected = false, zone },
  ref,
) {
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onOpen(entry);
    }
  };
  const summary = summarizeChanges(entry.changes, zone, entry.links);
  const other = zone === 'utc' ? 'local' : 'utc';
  const { actor } = entry;
  const who = actorName(actor);
  return (
    <div
      ref={ref}
      role="row"
      tabIndex={0}
      data-index={index}
      aria-rowindex={index + 2}
      aria-label={entry.seq === null ? 'Entry (sealing), open details' : `Entry ${entry.seq}, open details`}
      aria-selected={selected}
      data-entry-id={entry.id}
      className={`${classes.row} ${classes.entry}`}
      style={style}
      onClick={() => onOpen(entry)}
      onKeyDown={onKeyDown}
    >
      <div role="cell" className={classes.cell}>
        {/* The other zone on hover, by its offset until the page has asked for its name. */}
        <time
          dateTime={new Date(entry.occurredAt).toISOString()}
          title={`${formatInstant(entry.occurredAt, other, DATE_TIME_SECONDS_FORMAT)} ${zoneName(other, new Date(entry.occurredAt), false)}`}
          className={classes.text}
        >
          {formatInstant(entry.occurredAt, zone, DATE_TIME_SECONDS_FORMAT)}
          <span className={classes.sub}>{relativeTime(entry.occurredAt)}</span>
        </time>
      </div>
      <div role="cell" className={classes.cell}>
        <ActionBadge action={entry.action} />
        {entry.seq === null && (
          <Badge size="xs" variant="outline" color="gray" ml={4} title="Recorded and committed; being added to the hash chain">
            Sealing
          </Badge>
        )}
      </div>
      <div role="cell" className={`${classes.cell} ${classes.wide}`}>
        <div className={`${classes.text} ${classes.truncate}`} title={who}>
          {who}
        </div>
        {actor.type === 'platform_user' && actor.email && (
          <div className={`${classes.sub} ${classes.truncate}`} title={actor.email}>
            {actor.email}
          </div>
        )}
      </div>
      <div role="cell" className={`${classes.cell} ${classes.wide} ${classes.item}`}>
        <span className={classes.itemType}>{itemTypeLabel(entry.target.type)}</span>
        <ItemLink item={entry.target} />
      </div>
      <div role="cell" className={`${classes.cell} ${classes.wide}`}>
        <div
          className={`${classes.changes} ${classes.truncate}${summary ? '' : ` ${classes.dimmed}`}`}
          title={summary || undefined}
        >
          {summary || '—'}
        </div>
      </div>
    </div>
  );
});
