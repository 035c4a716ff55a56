import fastifyStatic from '@fastify/static';
import { type FastifyInstance } from 'fastify';
import { absolutePath } from 'swagger-ui-dist';
import { openApiDocument } from './openapi';

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Keyledger API</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script></body></html>`;

const INIT = `window.ui = SwaggerUIBundle({ url: '/api/docs/openapi.json', dom_id: '#swagger-ui', withCredentials: true });`;

/** The OpenAPI document generated from the contract, and Swagger UI, under /api/docs. */
export async function registerDocs(fastify: FastifyInstance, publicUrl: string): Promise<void> {
  const document = openApiDocument(publicUrl);
  await fastify.register(fastifyStatic, { root: absolutePath(), prefix: '/api/docs/assets/', decorateReply: false });
  fastify.get('/api/docs', (_req, reply) => reply.type('text/html').send(PAGE));
  fastify.get('/api/docs/init.js', (_req, reply) => reply.type('application/javascript').send(INIT));
  fastify.get('/api/docs/openapi.json', (_req, reply) => reply.send(document));
}
