import { Alert, Button, Center, Stack } from '@mantine/core';
import { type ErrorComponentProps, useRouter } from '@tanstack/react-router';
import { apiErrorMessage, apiErrorStatus } from '../../../api/errors';
import { PermissionDenied } from '../../auth/components/PermissionDenied';

export function RouteError({ error, reset }: ErrorComponentProps) {
  const router = useRouter();
  if (apiErrorStatus(error) === 403) {
    return (
      <Center mih="40vh" p="md">
        <Stack maw={480} w="100%">
          <PermissionDenied error={error} />
        </Stack>
      </Center>
    );
  }
  return (
    <Center mih="40vh" p="md">
      <Stack maw={480} w="100%">
        <Alert color="red" title="This page could not be loaded">
          {apiErrorMessage(error)}
        </Alert>
        <Button
          variant="light"
          onClick={() => {
            reset();
            void router.invalidate();
          }}
        >
          Try again
        </Button>
      </Stack>
    </Center>
  );
}
