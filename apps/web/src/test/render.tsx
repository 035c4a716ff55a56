import {
  createMemoryHistory,
  createRootRoute,
  createRoute,
  createRouter,
  Outlet,
  RouterProvider,
} from '@tanstack/react-router';
import type { Session } from '@keyledger/contract';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { Providers } from '../app/Providers';
import { createQueryClient } from '../app/queryClient';
import { SESSION_QUERY_KEY } from '../features/auth/session';
import { createAppRouter } from '../router';
import { makeSession } from './factories';

function testQueryClient() {
  const queryClient = createQueryClient(() => {});
  queryClient.setDefaultOptions({ queries: { retry: false, staleTime: Infinity } });
  return queryClient;
}

/**
 * A component alone, inside the app's providers and a bare router (for its links), signed in as
 * `session` (an admin by default; `null` for nobody), so permission checks need no `/auth/me`.
 */
export function renderWithProviders(
  ui: ReactNode,
  { session = makeSession() }: { session?: Session | null } = {},
) {
  const queryClient = testQueryClient();
  if (session)
    queryClient.auth.me.setQueryData(SESSION_QUERY_KEY, {
      status: 200,
      body: session,
      headers: new Headers(),
    });
  const rootRoute = createRootRoute({ component: Outlet });
  const pageRoute = createRoute({
    getParentRoute: () => rootRoute,
    path: '/',
    component: () => <>{ui}</>,
  });
  const router = createRouter({
    routeTree: rootRoute.addChildren([pageRoute]),
    history: createMemoryHistory({ initialEntries: ['/'] }),
  });
  const result = render(
    <Providers queryClient={queryClient} env="test">
      <RouterProvider router={router as never} />
    </Providers>,
  );
  return { ...result, queryClient, router };
}

/** The whole app at `url`, as a browser would open it. */
export function renderApp(url: string) {
  const queryClient = testQueryClient();
  const router = createAppRouter(queryClient, createMemoryHistory({ initialEntries: [url] }));
  const result = render(
    <Providers queryClient={queryClient} env="test">
      <RouterProvider router={router} />
    </Providers>,
  );
  return { ...result, queryClient, router };
}
