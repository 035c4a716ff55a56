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

const ZSearchText = z.object({ search: z.string().optional().catch(undefined) });
const ZOptionalId = z.string().uuid().optional().catch(undefined);

const licensesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'licenses',
  validateSearch: z.object({ productId: ZOptionalId, customerId: ZOptionalId }),
  component: lazyRouteComponent(
    () => import('./features/licenses/components/LicensesPage'),
    'LicensesPage',
  ),
});

const licenseRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'licenses/$id',
  component: lazyRouteComponent(
    () => import('./features/licenses/components/LicenseDetailPage'),
    'LicenseDetailPage',
  ),
});

const ordersRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'orders',
  validateSearch: ZSearchText,
  component: lazyRouteComponent(
    () => import('./features/orders/components/OrdersPage'),
    'OrdersPage',
  ),
});

const orderRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'orders/$id',
  component: lazyRouteComponent(
    () => import('./features/orders/components/OrderDetailPage'),
    'OrderDetailPage',
  ),
});

const customersRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'customers',
  validateSearch: ZSearchText,
  component: lazyRouteComponent(
    () => import('./features/customers/components/CustomersPage'),
    'CustomersPage',
  ),
});

const customerRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'customers/$id',
  component: lazyRouteComponent(
    () => import('./features/customers/components/CustomerDetailPage'),
    'CustomerDetailPage',
  ),
});

const productsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'products',
  validateSearch: ZSearchText,
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
  component: lazyRouteComponent(
    () => import('./features/permission-templates/components/PermissionTemplatesPage'),
    'PermissionTemplatesPage',
  ),
});

const policiesRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: 'notification-policies',
  component: lazyRouteComponent(
    () => import('./features/notification-policies/components/NotificationPoliciesPage'),
    'NotificationPoliciesPage',
  ),
});

const exportsRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: 'audit-logs/exports',
  component: lazyRouteComponent(
    () => import('./features/audit-exports/components/AuditExportsPage'),
    'AuditExportsPage',
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
      exportsRoute,
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
