import { createTheme, MantineProvider } from '@mantine/core';
import { DatePickerInput, DatesProvider, DateTimePicker } from '@mantine/dates';
import { Notifications } from '@mantine/notifications';
import { QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { tsr } from '../api/tsr';
import { OfflineNotice } from '../components/OfflineNotice';
import type { AppQueryClient } from './queryClient';
import { DATE_FORMAT, DATE_TIME_FORMAT } from './time';

export const theme = createTheme({
  primaryColor: 'indigo',
  defaultRadius: 'md',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  // One date format everywhere, pickers included (the borrow dialog once showed 09/12/2026 20:00).
  components: {
    DateTimePicker: DateTimePicker.extend({ defaultProps: { valueFormat: DATE_TIME_FORMAT } }),
    DatePickerInput: DatePickerInput.extend({ defaultProps: { valueFormat: DATE_FORMAT } }),
  },
});

/** Mantine, notifications, React Query and the ts-rest client: everything a page needs around it. */
interface ProvidersProps {
  queryClient: AppQueryClient;
  children: ReactNode;
  /** 'test' turns off Mantine's transitions and portals, for jsdom. */
  env?: 'default' | 'test';
}

export function Providers({ queryClient, children, env = 'default' }: ProvidersProps) {
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto" env={env}>
      <DatesProvider settings={{ firstDayOfWeek: 1 }}>
        <Notifications position="bottom-right" />
        <QueryClientProvider client={queryClient}>
          <OfflineNotice />
          <tsr.ReactQueryProvider>{children}</tsr.ReactQueryProvider>
        </QueryClientProvider>
      </DatesProvider>
    </MantineProvider>
  );
}
