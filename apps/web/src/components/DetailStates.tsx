import { Alert, Button, Center, Group, Loader, Stack } from '@mantine/core';
import type { ReactNode } from 'react';
import { apiErrorMessage, apiErrorStatus } from '../api/errors';
import { PermissionDenied } from '../features/auth/components/PermissionDenied';

export function DetailLoading({ label }: { label: string }) {
  return (
    <Center py="xl">
      <Loader aria-label={label} />
    </Center>
  );
}

/** A detail page that could not load: forbidden, not found, or another error with a retry. */
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
  const status = apiErrorStatus(error);
  if (status === 403) {
    return (
      <Stack maw={520}>
        <PermissionDenied error={error} />
        <Group>{back}</Group>
      </Stack>
    );
  }
  return (
    <Stack maw={520}>
      <Alert
        color="red"
        title={
          status === 404 ? `${what} not found` : `The ${what.toLowerCase()} could not be loaded`
        }
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

/** A list (or a page's section) that could not load: forbidden, or another error with a retry. */
export function ListError({
  what,
  error,
  onRetry,
}: {
  what: string;
  error: unknown;
  onRetry: () => void;
}) {
  if (apiErrorStatus(error) === 403) return <PermissionDenied error={error} />;
  return (
    <Alert color="red" title={`The ${what} could not be loaded`}>
      {apiErrorMessage(error)}{' '}
      <Button variant="subtle" size="compact-sm" onClick={onRetry}>
        Retry
      </Button>
    </Alert>
  );
}
