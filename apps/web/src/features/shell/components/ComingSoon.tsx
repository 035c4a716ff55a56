import { Center, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { ClockIcon } from '../../../components/Icons';

export function ComingSoon({ title, description }: { title: string; description: string }) {
  return (
    <Center mih="50vh">
      <Stack align="center" gap="xs" maw={420} ta="center">
        <ThemeIcon size={48} radius="xl" variant="light" aria-hidden>
          <ClockIcon size={26} />
        </ThemeIcon>
        <Title order={1} size="h2">
          {title}
        </Title>
        <Text fw={600}>Coming soon</Text>
        <Text c="dimmed">{description}</Text>
      </Stack>
    </Center>
  );
}
