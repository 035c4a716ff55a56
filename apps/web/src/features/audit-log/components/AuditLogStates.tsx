import { Alert, Button, Center, Skeleton, Stack, Text } from '@mantine/core';
import classes from './AuditLogTable.module.css';

export function AuditLogSkeleton({ rows = 8 }: { rows?: number }) {
  return (
    <div aria-busy="true" aria-label="Loading entries">
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className={classes.row}>
          {Array.from({ length: 5 }, (_, j) => (
            <Skeleton
              key={j}
              height={16}
              radius="sm"
              className={j > 1 ? classes.wide : undefined}
            />
          ))}
        </div>
      ))}
    </div>
  );
}

export function AuditLogEmpty({
  filtered,
  onClearFilters,
}: {
  filtered: boolean;
  onClearFilters?: () => void;
}) {
  return (
    <Center py="xl" px="md">
      <Stack align="center" gap="xs" ta="center">
        <Text fw={600}>{filtered ? 'No entries match these filters' : 'No entries yet'}</Text>
        <Text size="sm" c="dimmed">
          {filtered
            ? 'Try a wider date range or fewer conditions.'
            : 'Actions taken in this account will be recorded here.'}
        </Text>
        {filtered && onClearFilters && (
          <Button variant="light" onClick={onClearFilters}>
            Clear filters
          </Button>
        )}
      </Stack>
    </Center>
  );
}

export function AuditLogError({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <Stack p="md">
      <Alert color="red" title="The audit log could not be loaded" role="alert">
        {message}
      </Alert>
      {onRetry && (
        <Button variant="light" onClick={onRetry} w="fit-content">
          Retry
        </Button>
      )}
    </Stack>
  );
}
