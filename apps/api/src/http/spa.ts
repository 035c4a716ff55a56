import fastifyStatic from '@fastify/static';
import { type FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Vite names every file under assets/ after its content's hash: it never changes, so never re-check it. */
export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';

/**
 * Serves the built web app at / with a fallback to index.html for client-side routes. Unknown
 * /api paths still answer with the JSON error body, and a missing asset answers 404.
 * Files come precompressed from the build (`.br`, `.gz` beside each one) to browsers that accept
 * them; hashed assets are cached for a year as immutable, everything else (index.html above all)
 * is `no-cache`, so a new build is picked up on the next visit.
 */
export async function registerSpa(fastify: FastifyInstance, webDist: string, log: (msg: string) => void): Promise<void> {
  const index = join(webDist, 'index.html');
  if (!existsSync(index)) {
    log(`The web app is not built (${index} is missing): run "npm run build" to serve it at /`);
    return;
  }
  await fastify.register(fastifyStatic, {
    root: webDist,
    prefix: '/',
    wildcard: false,
    index: false,
    preCompressed: true,
    cacheControl: false,
    setHeaders: (res, path) => {
      const rel = relative(webDist, path).split(sep);
      res.setHeader('cache-control', rel[0] === 'assets' ? IMMUTABLE_CACHE : 'no-cache');
      // The answer depends on Accept-Encoding (brotli, gzip or neither): shared caches must key on it.
      res.setHeader('vary', 'accept-encoding');
    },
  });
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
