import { Text, type TextProps } from '@mantine/core';
import {
  DATE_TIME_SECONDS_FORMAT,
  formatInstant,
  relativeTime,
  useZoneMode,
  zoneName,
} from '../../../app/time';

/**
 * An instant in the viewer's chosen zone (Local or UTC), with the relative time beside it; the
 * other zone on hover.
 */
export function EntryTime({
  iso,
  relative = true,
  stacked = false,
  ...props
}: { iso: string; relative?: boolean; stacked?: boolean } & TextProps) {
  const [mode] = useZoneMode();
  const other = mode === 'utc' ? 'local' : 'utc';
  const utc = new Date(iso).toISOString();
  // The other zone by its offset until the page has asked for its name (see useZoneName).
  return (
    <Text
      component="time"
      dateTime={utc}
      title={`${formatInstant(iso, other, DATE_TIME_SECONDS_FORMAT)} ${zoneName(other, new Date(iso), false)}`}
      size="sm"
      {...props}
    >
      {formatInstant(iso, mode, DATE_TIME_SECONDS_FORMAT)}
      {relative && (
        <Text
          span
          size="xs"
          c="dimmed"
          ml={stacked ? 0 : 6}
          display={stacked ? 'block' : undefined}
        >
          {relativeTime(iso)}
        </Text>
      )}
    </Text>
  );
}
