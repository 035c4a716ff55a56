import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { TsRestAppRouteMetadataKey } from '@ts-rest/nest';
import { type AppRoute } from '@ts-rest/core';
import { type RouteMetadata } from '@keyledger/contract';
import { type FastifyRequest } from 'fastify';
import { ClsService } from 'nestjs-cls';
import { forbidden, unauthorized } from '../common/errors';
import { type RequestStore } from '../common/request-context';
import { AuthService } from './auth.service';
import { SESSION_COOKIE } from './cookies';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Global. Every contract route declares in its metadata whether it is public, needs a session, or
 * needs a permission; this guard enforces it (fail closed when a route declares nothing), checks the
 * CSRF header on mutations, and puts the principal into the request context.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly cls: ClsService<RequestStore>,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const req = ctx.switchToHttp().getRequest<FastifyRequest>();
    this.cls.set('ip', req.ip);
    this.cls.set('userAgent', req.headers['user-agent']?.slice(0, 500));

    const appRoute = this.reflector.get<{ appRoute: AppRoute } | undefined>(TsRestAppRouteMetadataKey, ctx.getHandler())?.appRoute;
    if (!appRoute) return true; // not a contract route: the SPA and the API docs
    const meta = appRoute.metadata as RouteMetadata | undefined;
    if (!meta) throw forbidden(`${appRoute.method} ${appRoute.path} declares no permission and is closed`);
    if ('public' in meta) return true;

    const token = req.cookies?.[SESSION_COOKIE];
    if (!token) throw unauthorized();
    const resolved = await this.auth.resolve(token);
    if (!resolved) throw unauthorized('Your session has ended; sign in again');
    if (!SAFE_METHODS.has(req.method)) {
      const header = req.headers['x-csrf-token'];
      if (typeof header !== 'string' || header !== resolved.session.csrfToken) {
        throw forbidden('Missing or invalid CSRF token: send the kl_csrf cookie value in the x-csrf-token header');
      }
    }
    const { permissions } = resolved;
    if ('permission' in meta && !permissions.has(meta.permission)) {
      throw forbidden(`You need the ${meta.permission} permission for this`);
    }
    this.cls.set('principal', {
      accountId: resolved.account.id,
      userId: resolved.user.id,
      sessionId: resolved.session.id,
      actor: { type: 'platform_user', id: resolved.user.id, name: resolved.user.name, email: resolved.user.email },
      permissions,
      source: 'ui',
    });
    return true;
  }
}
