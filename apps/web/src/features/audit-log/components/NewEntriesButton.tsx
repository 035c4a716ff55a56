import { Button } from '@mantine/core';

/** "3 new entries": shown when polling found entries above the list; clicking shows them. */
export function NewEntriesButton({
  count,
  more,
  onClick,
}: {
  count: number;
  more: boolean;
  onClick: () => void;
}) {
  if (count === 0) return null;
  const label = `${count}${more ? '+' : ''} new ${count === 1 && !more ? 'entry' : 'entries'}`;
  return (
    <Button size="compact-sm" variant="light" radius="xl" onClick={onClick} aria-live="polite">
      ↑ {label}
    </Button>
  );
}
