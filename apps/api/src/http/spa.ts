import fastifyStatic from '@fastify/static';
import { type FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Serves the built web app at / with a fallback to index.html for client-side routes. Unknown
 * /api paths still answer with the JSON error body, and a missing asset answers 404.
 */
export async function registerSpa(fastify: FastifyInstance, webDist: string, log: (msg: string) => void): Promise<void> {
  const index = join(webDist, 'index.html');
  if (!existsSync(index)) {
    log(`The web app is not built (${index} is missing): run "npm run build" to serve it at /`);
    return;
  }
  await fastify.register(fastifyStatic, { root: webDist, prefix: '/', wildcard: false, index: false });
  const sendIndex = (reply: { header: (k: string, v: string) => unknown; sendFile: (f: string) => unknown }) => {
    reply.header('cache-control', 'no-cache');
    return reply.sendFile('index.html');
  };
  fastify.get('/', (_req, reply) => sendIndex(reply));
  fastify.get('/*', (req, reply) => {
    if (req.url.startsWith('/api/')) {
      return reply.status(404).send({
        statusCode: 404,
        error: 'Not Found',
        message: `No route ${req.method} ${req.url.split('?')[0]}`,
        requestId: String(req.id),
      });
    }
    const path = decodeURIComponent(req.url.split('?')[0]!);
    // A file (an asset of this or a newer build): served if it exists, else a 404, never index.html.
    if (/\.[A-Za-z0-9]+$/.test(path)) return reply.sendFile(path.slice(1));
    return sendIndex(reply);
  });
}
