import { createTheme, MantineProvider } from '@mantine/core';
import { QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { tsr } from '../api/tsr';
import { NotificationsHost } from '../components/NotificationsHost';
import { OfflineNotice } from '../components/OfflineNotice';
import type { AppQueryClient } from './queryClient';
import { DATE_FORMAT, DATE_TIME_FORMAT } from './time';

export const theme = createTheme({
  primaryColor: 'indigo',
  defaultRadius: 'md',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  // One date format everywhere, pickers included (the borrow dialog once showed 09/12/2026 20:00).
  // Plain objects rather than DateTimePicker.extend(…): importing the pickers here would put them
  // (and most of @mantine/dates) into the first chunk every page loads; they load with the forms.
  components: {
    // A closed dropdown is not rendered (Mantine keeps it mounted, hidden, by default): the audit
    // page's five filters would otherwise render every option and position five hidden dropdowns
    // (a forced layout each) before the first row shows — about a tenth of its first render.
    Combobox: { defaultProps: { keepMounted: false } },
    // Weeks start on Monday (set here rather than with DatesProvider, for the same reason).
    DateTimePicker: { defaultProps: { valueFormat: DATE_TIME_FORMAT, firstDayOfWeek: 1 } },
    DatePickerInput: { defaultProps: { valueFormat: DATE_FORMAT, firstDayOfWeek: 1 } },
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
      <NotificationsHost />
      <QueryClientProvider client={queryClient}>
        <OfflineNotice />
        <tsr.ReactQueryProvider>{children}</tsr.ReactQueryProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}
