import { isAppRoute, type AppRouter } from '@ts-rest/core';

/**
 * What a ts-rest client reads from a route at run time: its method, path and content type, and
 * which statuses it answers with (keys only). No schema: a client that validates nothing needs none.
 */
export interface ClientRoute {
  method: string;
  path: string;
  contentType?: string;
  validateResponseOnClient?: boolean;
  responses: Record<string, null>;
}
export interface ClientRouter {
  [key: string]: ClientRoute | ClientRouter;
}

/**
 * A router with its zod schemas left out, route by route (see scripts/emit-routes.cjs, which writes
 * the contract's as `@keyledger/contract/routes` for the web app's first script).
 */
export function clientRoutes(router: AppRouter): ClientRouter {
  const out: ClientRouter = {};
  for (const [key, node] of Object.entries(router)) {
    if (isAppRoute(node)) {
      const route: ClientRoute = {
        method: node.method,
        path: node.path,
        responses: Object.fromEntries(Object.keys(node.responses).map((status) => [status, null])),
      };
      if ('contentType' in node && node.contentType) route.contentType = node.contentType;
      if (node.validateResponseOnClient !== undefined)
        route.validateResponseOnClient = node.validateResponseOnClient;
      out[key] = route;
    } else {
      out[key] = clientRoutes(node);
    }
  }
  return out;
}
