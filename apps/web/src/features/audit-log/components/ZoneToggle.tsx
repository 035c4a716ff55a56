import { SegmentedControl } from '@mantine/core';
import { useZoneMode, type ZoneMode } from '../../../app/time';

/** Local or UTC for every time on the page; remembered per user. */
export function ZoneToggle() {
  const [mode, setMode] = useZoneMode();
  return (
    <SegmentedControl
      size="xs"
      aria-label="Time zone"
      value={mode}
      onChange={(v) => setMode(v as ZoneMode)}
      data={[
        { value: 'local', label: 'Local' },
        { value: 'utc', label: 'UTC' },
      ]}
    />
  );
}
