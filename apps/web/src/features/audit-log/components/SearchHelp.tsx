import { ActionIcon, Loader, Popover } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { HelpIcon } from '../../../components/Icons';

/** The syntax table loads with the first opening, not with the page. */
const SearchHelpContent = lazy(() => import('./SearchHelpContent'));

/** The `?` next to the search box: the search syntax, with examples. */
export function SearchHelp() {
  return (
    <Popover width={380} position="bottom-end" withArrow shadow="md">
      <Popover.Target>
        <ActionIcon variant="subtle" aria-label="Search syntax help" size="sm">
          <HelpIcon />
        </ActionIcon>
      </Popover.Target>
      <Popover.Dropdown>
        <Suspense fallback={<Loader size="xs" aria-label="Loading the search help" />}>
          <SearchHelpContent />
        </Suspense>
      </Popover.Dropdown>
    </Popover>
  );
}
