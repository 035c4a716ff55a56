import { Center, Stack, Text, Title } from '@mantine/core';
import { RouterButton } from '../../../components/RouterLinks';

export function NotFound() {
  return (
    <Center mih="60vh" p="md">
      <Stack align="center" gap="sm" ta="center">
        <Title order={1} size="h2">
          Page not found
        </Title>
        <Text c="dimmed">There is nothing at this address.</Text>
        <RouterButton to="/">Go to the app</RouterButton>
      </Stack>
    </Center>
  );
}
