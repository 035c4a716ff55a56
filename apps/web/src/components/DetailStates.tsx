import { Alert, Button, Center, Group, Loader, Stack } from '@mantine/core';
import type { ReactNode } from 'react';
import { apiErrorMessage, apiErrorStatus } from '../api/errors';

export function DetailLoading({ label }: { label: string }) {
  return (
    <Center py="xl">
      <Loader aria-label={label} />
    </Center>
  );
}

/** A detail page that could not load: not found, or another error with a retry. */
export function DetailError({
  what,
  error,
  onRetry,
  back,
}: {
  what: string;
  error: unknown;
  onRetry: () => void;
  back: ReactNode;
}) {
  const notFound = apiErrorStatus(error) === 404;
  return (
    <Stack maw={520}>
      <Alert
        color="red"
        title={notFound ? `${what} not found` : `The ${what.toLowerCase()} could not be loaded`}
      >
        {apiErrorMessage(error)}
      </Alert>
      <Group>
        <Button variant="light" onClick={onRetry}>
          Retry
        </Button>
        {back}
      </Group>
    </Stack>
  );
}

/** A list that could not load. */
export function ListError({
  what,
  error,
  onRetry,
}: {
  what: string;
  error: unknown;
  onRetry: () => void;
}) {
  return (
    <Alert color="red" title={`The ${what} could not be loaded`}>
      {apiErrorMessage(error)}{' '}
      <Button variant="subtle" size="compact-sm" onClick={onRetry}>
        Retry
      </Button>
    </Alert>
  );
}
