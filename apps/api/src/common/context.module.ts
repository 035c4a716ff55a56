import { randomUUID } from 'node:crypto';
import { ClsPluginTransactional } from '@nestjs-cls/transactional';
import { ClsModule } from 'nestjs-cls';
import { DatabaseModule } from '../database/database.module';
import { TENANT_DATA_SOURCES, TenantTransactionalAdapter } from '../database/tenant-scope';
import { startProgress } from './request-context';
import { clientRequestIdOf, REQUEST_ID_KEY } from './request-id';

/**
 * nestjs-cls for the request context, and its transactional plugin over TypeORM; the adapter enters
 * the principal's account (row-level security) at the start of every transaction of a signed-in request.
 */
export const ContextModule = ClsModule.forRoot({
  global: true,
  middleware: {
    mount: true,
    generateId: true,
    idGenerator: (req: Record<string | symbol, unknown>) =>
      (req[REQUEST_ID_KEY] as string | undefined) ?? ((req.raw as Record<symbol, unknown> | undefined)?.[REQUEST_ID_KEY] as string | undefined) ?? randomUUID(),
    // The caller's own x-request-id, for log lines only (see request-id.ts).
    setup: (cls, req: unknown) => {
      const clientId = clientRequestIdOf(req);
      if (clientId) cls.set('clientRequestId', clientId);
      startProgress((req as { raw?: unknown } | undefined)?.raw ?? req);
    },
  },
  plugins: [
    new ClsPluginTransactional({
      imports: [DatabaseModule],
      adapter: new TenantTransactionalAdapter({ dataSourceToken: TENANT_DATA_SOURCES }),
    }),
  ],
});
