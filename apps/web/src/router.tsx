import {
  createRootRouteWithContext,
  createRoute,
  createRouter,
  lazyRouteComponent,
  Outlet,
  redirect,
  type RouterHistory,
} from '@tanstack/react-router';
import type { Permission } from '@keyledger/contract';
import { z } from 'zod';
import { DEFAULT_APP_PATH } from './app/paths';
import type { AppQueryClient } from './app/queryClient';
import { parseRouterSearch, stringifyRouterSearch } from './app/searchSerialization';
import { readZoneMode } from './app/time';
import { auditLogEntriesOptions } from './features/audit-log/hooks/useAuditLogEntries';
import {
  filterPart,
  parseAuditLogSearch,
  toAuditLogQuery,
} from './features/audit-log/utils/auditLogSearch';
import { holdsPermission } from './features/auth/permissions';
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
  /** Lands on the first of these pages the user may read: the audit log, for admins. */
  beforeLoad: ({ context }) => {
    const landing = [
      auditLogsRoute,
      licensesRoute,
      ordersRoute,
      customersRoute,
      productsRoute,
    ].find(({ options }) => {
      const needed = options.staticData?.permission;
      return !needed || holdsPermission(context.session.user, needed);
    });
    // Someone who may read none of them still gets a page: it says which permission to ask for.
    throw redirect({ to: landing?.fullPath ?? '/settings/audit-logs' });
  },
});

const ZSearchText = z.object({ search: z.string().optional().catch(undefined) });
const ZOptionalId = z.string().uuid().optional().catch(undefined);

const licensesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'licenses',
  staticData: { permission: 'licenses:read' },
  validateSearch: z.object({
    productId: ZOptionalId,
    customerId: ZOptionalId,
    key: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9*-]{1,64}$/)
      .optional()
      .catch(undefined),
  }),
  component: lazyRouteComponent(
    () => import('./features/licenses/components/LicensesPage'),
    'LicensesPage',
  ),
});

const licenseRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'licenses/$id',
  staticData: { permission: 'licenses:read' },
  component: lazyRouteComponent(
    () => import('./features/licenses/components/LicenseDetailPage'),
    'LicenseDetailPage',
  ),
});

const ordersRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'orders',
  staticData: { permission: 'orders:read' },
  validateSearch: ZSearchText,
  component: lazyRouteComponent(
    () => import('./features/orders/components/OrdersPage'),
    'OrdersPage',
  ),
});

const orderRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'orders/$id',
  staticData: { permission: 'orders:read' },
  component: lazyRouteComponent(
    () => import('./features/orders/components/OrderDetailPage'),
    'OrderDetailPage',
  ),
});

const customersRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'customers',
  staticData: { permission: 'customers:read' },
  validateSearch: ZSearchText,
  component: lazyRouteComponent(
    () => import('./features/customers/components/CustomersPage'),
    'CustomersPage',
  ),
});

const customerRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'customers/$id',
  staticData: { permission: 'customers:read' },
  component: lazyRouteComponent(
    () => import('./features/customers/components/CustomerDetailPage'),
    'CustomerDetailPage',
  ),
});

const productsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'products',
  staticData: { permission: 'products:read' },
  validateSearch: ZSearchText,
  component: lazyRouteComponent(
    () => import('./features/products/components/ProductsPage'),
    'ProductsPage',
  ),
});

const productRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'products/$id',
  staticData: { permission: 'products:read' },
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
  staticData: { permission: 'audit_log:read' },
  validateSearch: parseAuditLogSearch,
  // The first page of entries is asked for here, beside the page's code, instead of after the page
  // has loaded and mounted; the page's list reads the same query. Not awaited: the page (filters,
  // skeleton) shows at once. Nothing is asked for without audit_log:read (the page explains instead).
  loaderDeps: ({ search }) => filterPart(search),
  loader: ({ context, deps }) => {
    const { user } = context.session;
    if (!holdsPermission(user, 'audit_log:read')) return;
    const filter = toAuditLogQuery(deps, new Date(), readZoneMode(user.id));
    void context.queryClient.prefetchInfiniteQuery(
      auditLogEntriesOptions({ kind: 'account', filter }),
    );
  },
  component: lazyRouteComponent(
    () => import('./features/audit-log/components/AuditLogPage'),
    'AuditLogPage',
  ),
});

const usersRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: 'users',
  staticData: { permission: 'settings:users' },
  component: lazyRouteComponent(() => import('./features/users/components/UsersPage'), 'UsersPage'),
});

const templatesRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: 'permission-templates',
  staticData: { permission: 'settings:templates' },
  component: lazyRouteComponent(
    () => import('./features/permission-templates/components/PermissionTemplatesPage'),
    'PermissionTemplatesPage',
  ),
});

const policiesRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: 'notification-policies',
  staticData: { permission: 'settings:notifications' },
  component: lazyRouteComponent(
    () => import('./features/notification-policies/components/NotificationPoliciesPage'),
    'NotificationPoliciesPage',
  ),
});

const exportsRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: 'audit-logs/exports',
  staticData: { permission: 'audit_log:export' },
  component: lazyRouteComponent(
    () => import('./features/audit-exports/components/AuditExportsPage'),
    'AuditExportsPage',
  ),
});

const integrityRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: 'audit-logs/integrity',
  staticData: { permission: 'audit_log:read' },
  component: lazyRouteComponent(
    () => import('./features/audit-integrity/components/IntegrityPage'),
    'IntegrityPage',
  ),
});

const apiKeysRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: 'api-keys',
  staticData: { permission: 'settings:api_keys' },
  component: lazyRouteComponent(
    () => import('./features/api-keys/components/ApiKeysPage'),
    'ApiKeysPage',
  ),
});

const logStreamsRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: 'log-streams',
  staticData: { permission: 'settings:log_streams' },
  component: lazyRouteComponent(
    () => import('./features/log-streams/components/LogStreamsPage'),
    'LogStreamsPage',
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
      integrityRoute,
      usersRoute,
      templatesRoute,
      policiesRoute,
      apiKeysRoute,
      logStreamsRoute,
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
  interface StaticDataRouteOption {
    /** The permission the page's main query needs; the app layout checks it before showing it. */
    permission?: Permission;
  }
}
