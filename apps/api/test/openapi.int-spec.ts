/**
 * The served OpenAPI document (GET /api/docs/openapi.json) as integrators load it: lint-clean under
 * Redocly's recommended ruleset (run offline: any network attempt fails the test), and complete —
 * every contract route with a summary, a description, its security and permission, and every error
 * answer documented with the shared error body.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { acceptsIdempotencyKey, type RouteMetadata } from '@keyledger/contract';
import { contractRoutes } from '../src/http/openapi';
import { startApp, type TestApp } from './support/app';

let t: TestApp;
let doc: any;

beforeAll(async () => {
  t = await startApp({ PUBLIC_URL: 'https://keyledger.acme.test' });
  const res = await fetch(`${t.url}/api/docs/openapi.json`);
  expect(res.status).toBe(200);
  doc = await res.json();
}, 30_000);
afterAll(() => t.close());

const REDOCLY = resolve(__dirname, '../../../node_modules/@redocly/cli/bin/cli.js');

function lint(document: unknown) {
  const dir = mkdtempSync(join(tmpdir(), 'kl-openapi-'));
  const file = join(dir, 'openapi.json');
  writeFileSync(file, JSON.stringify(document));
  const run = spawnSync(
    process.execPath,
    [
      '--require',
      resolve(__dirname, 'support/no-network.cjs'),
      REDOCLY,
      'lint',
      '--extends=recommended',
      '--format=json',
      file,
    ],
    {
      cwd: dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        REDOCLY_TELEMETRY: 'off',
        REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
        CI: 'true',
      },
      timeout: 80_000,
    },
  );
  const start = run.stdout.indexOf('{');
  const report = JSON.parse(run.stdout.slice(start)) as {
    totals: { errors: number; warnings: number };
    problems: {
      ruleId: string;
      severity: string;
      message: string;
      location: { pointer: string }[];
    }[];
  };
  return { run, report };
}

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 with the deployment as its server', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers).toEqual([expect.objectContaining({ url: 'https://keyledger.acme.test' })]);
  });

  it('lints clean under Redocly recommended, offline', () => {
    const { run, report } = lint(doc);
    expect(run.stderr).not.toContain('NO-NETWORK');
    const problems = report.problems.map(
      (p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`,
    );
    expect(problems).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    expect(run.status).toBe(0);
  }, 90_000);

  it('fails the lint when the document is broken (the check can fail)', () => {
    const broken = structuredClone(doc);
    delete broken.paths['/api/v1/products'].get.summary;
    broken.paths['/api/v1/products'].get.responses['200'].content[
      'application/json'
    ].schema.properties.items.minItems = 'one';
    const { run, report } = lint(broken);
    expect(report.totals.errors).toBeGreaterThanOrEqual(2);
    expect(run.status).not.toBe(0);
  }, 90_000);

  it('documents every contract route: summary, description, security, permission, error answers', () => {
    const routes = contractRoutes();
    expect(routes.length).toBeGreaterThan(50);
    for (const route of routes) {
      const path = route.path.replace(/:(\w+)/g, '{$1}');
      const op = doc.paths[path]?.[route.method.toLowerCase()];
      const where = `${route.method} ${route.path}`;
      expect([where, typeof op]).toEqual([where, 'object']);
      expect([where, op.summary]).toEqual([where, route.summary]);
      expect(op.description.length).toBeGreaterThan(20);
      const meta = route.metadata as RouteMetadata;
      if ('public' in meta) {
        expect([where, op.security]).toEqual([where, []]);
      } else {
        expect([where, op.security.length]).toEqual([where, expect.any(Number)]);
        expect(op.security.length).toBeGreaterThan(0);
        expect(op.responses['401']).toEqual({ $ref: '#/components/responses/Unauthorized' });
        expect(op.responses['403']).toEqual({ $ref: '#/components/responses/Forbidden' });
      }
      if ('permission' in meta) {
        expect(op['x-permission']).toBe(meta.permission);
        for (const requirement of op.security) {
          const [scheme] = Object.keys(requirement);
          expect(requirement[scheme!]).toEqual([meta.permission]);
        }
        const schemes = op.security.flatMap((r: object) => Object.keys(r));
        expect([where, schemes.includes('apiKey')]).toEqual([where, !meta.sessionOnly]);
      }
      for (const [status, response] of Object.entries<any>(op.responses)) {
        if (Number(status) < 400) continue;
        // The one route whose error status has a body of its own: the health check's 503 says which service is down.
        if (route.path === '/api/v1/health' && status === '503') {
          expect(response.content['application/json'].schema.properties.db).toBeDefined();
          continue;
        }
        const resolved = response.$ref
          ? doc.components.responses[response.$ref.split('/').pop()]
          : response;
        expect([where, status, resolved.content['application/json'].schema]).toEqual([
          where,
          status,
          { $ref: '#/components/schemas/ErrorBody' },
        ]);
      }
      const takesKey = (op.parameters ?? []).some(
        (p: any) => p.$ref === '#/components/parameters/IdempotencyKey',
      );
      expect([where, takesKey]).toEqual([where, acceptsIdempotencyKey(route)]);
    }
  });

  it('declares the two ways to sign in', () => {
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.securitySchemes.sessionCookie).toMatchObject({
      type: 'apiKey',
      in: 'cookie',
      name: 'kl_session',
    });
    expect(doc.components.securitySchemes.csrfHeader).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'x-csrf-token',
    });
    expect(doc.paths['/api/v1/health'].get.security).toEqual([]);
    expect(doc.paths['/api/v1/license-api/activations'].post.security).toEqual([]);
    expect(doc.paths['/api/v1/audit-log/exports/{id}/download'].get.security).toEqual([]);
    expect(doc.paths['/api/v1/products'].post.security).toEqual([
      { apiKey: ['products:write'] },
      { sessionCookie: ['products:write'], csrfHeader: [] },
    ]);
    expect(doc.paths['/api/v1/api-keys'].post.security).toEqual([
      { sessionCookie: ['settings:api_keys'], csrfHeader: [] },
    ]);
  });
});

describe('the response check of the test client', () => {
  it('refuses answers the document does not describe', async () => {
    const { responseValidator } = await import('./support/response-validator');
    const v = await responseValidator(t.url);
    const id = '1e5a7c92-3d4f-4b6a-8e1c-9f0a2b3c4d5e';
    expect(
      v.check('GET', `/api/v1/products/${id}`, 200, 'application/json', { id, name: 'x' }),
    ).toMatch(/does not match the document.*required/s);
    expect(v.check('GET', `/api/v1/products/${id}`, 418, 'application/json', {})).toMatch(
      /status 418 is not declared/,
    );
    expect(
      v.check('GET', `/api/v1/products/${id}`, 404, 'application/json', { message: 'no' }),
    ).toMatch(/does not match/);
    expect(v.check('GET', '/api/v1/nowhere', 200, 'application/json', {})).toMatch(
      /not in the OpenAPI document/,
    );
    expect(v.check('GET', `/api/v1/products/${id}`, 200, 'text/html', '<html>')).toMatch(
      /answered text\/html/,
    );
    expect(
      v.check('GET', `/api/v1/products/${id}`, 404, 'application/json', {
        statusCode: 404,
        error: 'Not Found',
        message: 'Product not found',
        requestId: id,
      }),
    ).toBeUndefined();
  });
});
