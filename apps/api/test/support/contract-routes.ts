import { randomUUID } from 'node:crypto';
import { type AppRoute, type AppRouter, isAppRoute } from '@ts-rest/core';
import { contract } from '@keyledger/contract';
import { type ApiClient } from './client';

export interface ContractRoute {
  /** The key path in the contract, e.g. `licenses.create`. */
  name: string;
  route: AppRoute;
}

/** Every route of a router, depth first. */
export function walkRoutes(router: AppRouter, prefix: string[] = []): ContractRoute[] {
  return Object.entries(router).flatMap(([key, value]) =>
    isAppRoute(value) ? [{ name: [...prefix, key].join('.'), route: value }] : walkRoutes(value, [...prefix, key]),
  );
}

/** Every route of the product's contract. */
export const CONTRACT_ROUTES = walkRoutes(contract);

/** The route's path with each `:param` taken from `ids`, or a fresh random UUID. */
export function fillPath(route: AppRoute, ids: Record<string, string> = {}): string {
  return route.path.replace(/:(\w+)/g, (_, name: string) => ids[name] ?? randomUUID());
}

/** Whether the route takes a JSON body (`c.noBody()` is a symbol). */
export const takesBody = (route: AppRoute) => route.method !== 'GET' && 'body' in route && route.body != null && typeof route.body !== 'symbol';

/** Calls the route with `body` (or `{}` when it takes one), nothing otherwise. */
export function callRoute(api: ApiClient, route: AppRoute, path = fillPath(route), headers: Record<string, string> = {}, body?: unknown) {
  return api.request(route.method, path, takesBody(route) ? (body ?? {}) : undefined, headers);
}
