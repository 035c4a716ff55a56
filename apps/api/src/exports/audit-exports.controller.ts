import { Controller, Req, Res } from '@nestjs/common';
import { TsRestHandler, tsRestHandler } from '@ts-rest/nest';
import { contract } from '@keyledger/contract';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from '../auth/cookies';
import { AuditExportsService } from './audit-exports.service';

const c = contract.auditExports;

@Controller()
export class AuditExportsController {
  constructor(private readonly exports: AuditExportsService) {}

  @TsRestHandler({ create: c.create, list: c.list, get: c.get })
  handler() {
    return tsRestHandler({ create: c.create, list: c.list, get: c.get }, {
      create: async ({ body }) => ({ status: 202, body: await this.exports.create(body) }),
      list: async ({ query }) => ({ status: 200, body: await this.exports.list(query) }),
      get: async ({ params }) => ({ status: 200, body: await this.exports.get(params.id) }),
    });
  }

  /** Streams the file; public in the contract, authorised by the link's signed token. */
  @TsRestHandler(c.download)
  download(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return tsRestHandler(c.download, async ({ params, query }) => {
      const d = await this.exports.openDownload(params.id, query.token, req.cookies?.[SESSION_COOKIE]);
      void reply
        .header('content-type', d.contentType)
        .header('content-length', String(d.file.size))
        .header('content-disposition', `attachment; filename="${d.fileName}"`)
        .header('cache-control', 'private, no-store');
      if (d.sha256) void reply.header('repr-digest', `sha-256=:${Buffer.from(d.sha256, 'hex').toString('base64')}:`);
      return { status: 200 as const, body: d.file.stream };
    });
  }
}
