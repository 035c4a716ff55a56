import { Text, type TextProps } from '@mantine/core';
import dayjs from 'dayjs';

/** Local time on screen; the exact UTC instant on hover. */
export function EntryTime({ iso, ...props }: { iso: string } & TextProps) {
  const utc = new Date(iso).toISOString();
  return (
    <Text component="time" dateTime={utc} title={`${utc} (UTC)`} size="sm" {...props}>
      {dayjs(iso).format('YYYY-MM-DD HH:mm:ss')}
    </Text>
  );
}
