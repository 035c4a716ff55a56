import 'reflect-metadata';
import fastifyCookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { resolve } from 'node:path';
import { type Env, loadEnv } from './config/env';
import { AppModule } from './app.module';
import { AuditSealer } from './audit/audit-sealer';
import { sealingOf } from './common/request-context';
import { createLogger, PinoNestLogger } from './common/logger';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { registerInputGuard } from './common/input-guard';
import { clientErrorHandler, frameworkErrors } from './common/framework-errors';
import { clientRequestIdOf, genReqId } from './common/request-id';
import { migrate } from './database/data-source';
import { seedDemo } from './demo/seed';
import { registerDocs } from './http/docs';
import { registerSpa } from './http/spa';

export const BODY_LIMIT = 1024 * 1024;

/** The HTTP application, migrated and configured; `listen` is the caller's. */
export async function createApp(env: Env): Promise<NestFastifyApplication> {
  const logger = createLogger(env.LOG_LEVEL, env.LOG_FORMAT);
  await migrate(env.DATABASE_URL);
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    genReqId,
    bodyLimit: BODY_LIMIT,
    trustProxy: false,
    frameworkErrors,
    clientErrorHandler,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(env), adapter, {
    logger: new PinoNestLogger(logger),
    abortOnError: false, // throw to the caller instead of exiting the process
    // Fastify's own parsers only (JSON, within BODY_LIMIT): Nest's would add urlencoded forms, and
    // this API takes JSON alone, so a form post is refused with 415 instead of being read as a body.
    bodyParser: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  const sealer = app.get(AuditSealer);
  fastify.addHook('onSend', async (req, reply) => {
    // With AUDIT_SEAL_WAIT_MS > 0 an audited response waits that long at most for its entries' seal (default 0: not at all).
    const sealing = sealingOf(req.raw);
    if (sealing?.length) await sealer.settle(sealing.splice(0));
    reply.header('x-request-id', req.id);
    const clientId = clientRequestIdOf(req);
    if (clientId) reply.header('x-client-request-id', clientId);
  });
  registerInputGuard(fastify);
  await app.register(fastifyCookie);
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    hsts: env.PUBLIC_URL.startsWith('https://') ? { maxAge: 15552000 } : false,
  });
  app.useGlobalFilters(new HttpExceptionFilter());
  await registerDocs(fastify, env.PUBLIC_URL);
  await registerSpa(fastify, env.WEB_DIST ?? resolve(__dirname, '../../web/dist'), (m) => logger.warn(m));
  app.enableShutdownHooks();
  return app;
}

/**
 * What `node apps/api/dist/main.js` does: the app, listening, and the demo account only when
 * DEMO_SEED=true (default false: a production server never creates the demo account and its staff,
 * who share one password; `npm start` passes DEMO_SEED=true).
 */
export async function serve(
  env: Env,
  at: { port: number; host: string } = { port: env.PORT, host: env.HOST },
  onDemoReady?: (signIn: string) => void,
): Promise<NestFastifyApplication> {
  const app = await createApp(env);
  await app.listen(at);
  if (env.DEMO_SEED) {
    const signIn = await seedDemo(app, env);
    onDemoReady?.(signIn);
  }
  return app;
}

async function main() {
  const env = loadEnv();
  let signIn: string | null = null;
  await serve(env, undefined, (s) => (signIn = s));
  const log = createLogger(env.LOG_LEVEL, env.LOG_FORMAT);
  log.info(
    `Keyledger is ready: open ${env.PUBLIC_URL} in a browser` +
      (signIn ? ` and ${signIn}` : '') +
      ` (API docs: ${env.PUBLIC_URL}/api/docs)`,
  );
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error('Keyledger failed to start:', err);
    process.exit(1);
  });
}
