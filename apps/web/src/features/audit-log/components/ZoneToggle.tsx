import { Button } from '@mantine/core';
import { useZoneMode, type ZoneMode } from '../../../app/time';

const MODES: { value: ZoneMode; label: string }[] = [
  { value: 'local', label: 'Local' },
  { value: 'utc', label: 'UTC' },
];

/**
 * Local or UTC for every time on the page; remembered per user. Two toggle buttons (a button group,
 * already on every page) rather than a SegmentedControl, which the audit page would load for this alone.
 */
export function ZoneToggle() {
  const [mode, setMode] = useZoneMode();
  return (
    <Button.Group aria-label="Time zone">
      {MODES.map((m) => (
        <Button
          key={m.value}
          size="compact-xs"
          variant={mode === m.value ? 'filled' : 'default'}
          aria-pressed={mode === m.value}
          onClick={() => setMode(m.value)}
        >
          {m.label}
        </Button>
      ))}
    </Button.Group>
  );
}
