import {
  createRootRouteWithContext,
  createRoute,
  createRouter,
  lazyRouteComponent,
  Outlet,
  redirect,
  type RouterHistory,
} from '@tanstack/react-router';
import { z } from 'zod';
import { DEFAULT_APP_PATH } from './app/paths';
import type { AppQueryClient } from './app/queryClient';
import { parseRouterSearch, stringifyRouterSearch } from './app/searchSerialization';
import { parseAuditLogSearch } from './features/audit-log/utils/auditLogSearch';
import { loadSession } from './features/auth/session';
import { AppLayout } from './features/shell/components/AppLayout';
import { ComingSoon } from './features/shell/components/ComingSoon';
import { NotFound } from './features/shell/components/NotFound';
import { PageLoader } from './features/shell/components/PageLoader';
import { RouteError } from './features/shell/components/RouteError';

export interface RouterContext {
  queryClient: AppQueryClient;
}

const ZRedirectSearch = z.object({ redirect: z.string().optional().catch(undefined) });

const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: Outlet,
  notFoundComponent: NotFound,
});

/* ---------- signed out ---------- */

const redirectIfSignedIn = async ({ context }: { context: RouterContext }) => {
  if (await loadSession(context.queryClient).catch(() => null))
    throw redirect({ to: DEFAULT_APP_PATH });
};

const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'login',
  validateSearch: ZRedirectSearch,
  beforeLoad: redirectIfSignedIn,
  component: lazyRouteComponent(() => import('./features/auth/components/LoginPage'), 'LoginPage'),
});

const signupRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'signup',
  beforeLoad: redirectIfSignedIn,
  component: lazyRouteComponent(
    () => import('./features/auth/components/SignupPage'),
    'SignupPage',
  ),
});

/* ---------- signed in: the app shell ---------- */

const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: '_app',
  beforeLoad: async ({ context, location }) => {
    const session = await loadSession(context.queryClient);
    if (!session) throw redirect({ to: '/login', search: { redirect: location.href } });
    return { session };
  },
  component: AppLayout,
});

const indexRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/',
  beforeLoad: () => {
    throw redirect({ to: DEFAULT_APP_PATH });
  },
});

function comingSoon<TPath extends string>(path: TPath, title: string, sentence: string) {
  return createRoute({
    getParentRoute: () => appRoute,
    path,
    component: () => <ComingSoon title={title} description={sentence} />,
  });
}

const licensesRoute = comingSoon(
  'licenses',
  'Licenses',
  'Issue, disable and reset licenses for your customers here.',
);
const licenseRoute = comingSoon(
  'licenses/$id',
  'License',
  'The license detail page, with its history at the bottom.',
);
const ordersRoute = comingSoon('orders', 'Orders', 'Orders group the licenses a customer bought.');
const orderRoute = comingSoon(
  'orders/$id',
  'Order',
  'The order detail page, with its history at the bottom.',
);
const customersRoute = comingSoon(
  'customers',
  'Customers',
  'The companies and people you license software to.',
);
const customerRoute = comingSoon(
  'customers/$id',
  'Customer',
  'The customer detail page, with its history at the bottom.',
);

const productsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'products',
  validateSearch: z.object({ search: z.string().optional().catch(undefined) }),
  component: lazyRouteComponent(
    () => import('./features/products/components/ProductsPage'),
    'ProductsPage',
  ),
});

const productRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'products/$id',
  component: lazyRouteComponent(
    () => import('./features/products/components/ProductDetailPage'),
    'ProductDetailPage',
  ),
});

/* ---------- settings ---------- */

const settingsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'settings',
  component: Outlet,
});

const settingsIndexRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: '/',
  beforeLoad: () => {
    throw redirect({ to: DEFAULT_APP_PATH });
  },
});

const auditLogsRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: 'audit-logs',
  validateSearch: parseAuditLogSearch,
  component: lazyRouteComponent(
    () => import('./features/audit-log/components/AuditLogPage'),
    'AuditLogPage',
  ),
});

const usersRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: 'users',
  component: lazyRouteComponent(() => import('./features/users/components/UsersPage'), 'UsersPage'),
});

const templatesRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: 'permission-templates',
  component: () => (
    <ComingSoon
      title="Permission templates"
      description="Reusable sets of permissions to give platform users."
    />
  ),
});

const policiesRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: 'notification-policies',
  component: () => (
    <ComingSoon
      title="Notification policies"
      description="Choose who gets an email when licenses, orders or devices change."
    />
  ),
});

export const routeTree = rootRoute.addChildren([
  loginRoute,
  signupRoute,
  appRoute.addChildren([
    indexRoute,
    licensesRoute,
    licenseRoute,
    ordersRoute,
    orderRoute,
    customersRoute,
    customerRoute,
    productsRoute,
    productRoute,
    settingsRoute.addChildren([
      settingsIndexRoute,
      auditLogsRoute,
      usersRoute,
      templatesRoute,
      policiesRoute,
    ]),
  ]),
]);

export function createAppRouter(queryClient: AppQueryClient, history?: RouterHistory) {
  return createRouter({
    routeTree,
    history,
    context: { queryClient },
    parseSearch: parseRouterSearch,
    stringifySearch: stringifyRouterSearch,
    defaultPreload: 'intent',
    defaultPendingComponent: PageLoader,
    defaultErrorComponent: RouteError,
    scrollRestoration: true,
  });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
