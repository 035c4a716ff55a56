import { randomUUID } from 'node:crypto';
import { ClsPluginTransactional } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { ClsModule } from 'nestjs-cls';
import { REQUEST_ID_KEY } from './request-id';

/** nestjs-cls for the request context, and its transactional plugin over TypeORM. */
export const ContextModule = ClsModule.forRoot({
  global: true,
  middleware: {
    mount: true,
    generateId: true,
    idGenerator: (req: Record<string | symbol, unknown>) =>
      (req[REQUEST_ID_KEY] as string | undefined) ?? ((req.raw as Record<symbol, unknown> | undefined)?.[REQUEST_ID_KEY] as string | undefined) ?? randomUUID(),
  },
  plugins: [
    new ClsPluginTransactional({
      imports: [TypeOrmModule],
      adapter: new TransactionalAdapterTypeOrm({ dataSourceToken: getDataSourceToken() }),
    }),
  ],
});
