import { initClient, isAppRoute, type AppRoute, type AppRouter } from '@ts-rest/core';
import { clientRoutes, type ClientRoute, type ClientRouter } from './client-routes';
import { contract } from './index';

function routesOf(router: AppRouter, at = ''): [string, AppRoute][] {
  return Object.entries(router).flatMap(([k, v]) =>
    isAppRoute(v) ? [[`${at}${k}`, v] as [string, AppRoute]] : routesOf(v, `${at}${k}.`),
  );
}

function lookup(table: ClientRouter, name: string): ClientRoute {
  let node: ClientRoute | ClientRouter = table;
  for (const k of name.split('.')) node = (node as ClientRouter)[k]!;
  return node as ClientRoute;
}

describe(clientRoutes.name, () => {
  const table = clientRoutes(contract);

  it('keeps every route’s method, path and response statuses, and no schema', () => {
    const routes = routesOf(contract);
    expect(routes.length).toBeGreaterThan(50);
    for (const [name, route] of routes) {
      expect(lookup(table, name)).toEqual({
        method: route.method,
        path: route.path,
        responses: Object.fromEntries(Object.keys(route.responses).map((s) => [s, null])),
      });
    }
    // Plain data: what JSON keeps is all there is (no zod object survives).
    expect(JSON.parse(JSON.stringify(table))).toEqual(table);
  });

  it('builds the same requests as the contract in a ts-rest client', async () => {
    const seen: string[] = [];
    const api = (args: { method: string; path: string; body: unknown }) => {
      seen.push(`${args.method} ${args.path} ${String(args.body)}`);
      return Promise.resolve({ status: 200, body: {}, headers: new Headers() });
    };
    const call = async (router: typeof contract) => {
      const client = initClient(router, { baseUrl: 'http://x', baseHeaders: {}, api });
      await client.auditLog.list({ query: { itemType: 'license', limit: 50, cursor: 'c1' } });
      await client.licenses.get({ params: { id: 'abc' } });
      await client.products.update({ params: { id: 'p1' }, body: { name: 'Renamed' } });
    };
    await call(contract);
    await call(table as unknown as typeof contract);
    expect(seen.slice(3)).toEqual(seen.slice(0, 3));
    expect(seen[0]).toBe('GET http://x/api/v1/audit-log?itemType=license&limit=50&cursor=c1 undefined');
  });
});
