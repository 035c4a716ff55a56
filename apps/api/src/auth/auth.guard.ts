import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { TsRestAppRouteMetadataKey } from '@ts-rest/nest';
import { type AppRoute } from '@ts-rest/core';
import { type AuditActor, type Permission, RATE_LIMIT_HEADERS, type RouteMetadata } from '@keyledger/contract';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { ClsService } from 'nestjs-cls';
import { ENV, type Env } from '../config/env';
import { forbidden, tooManyRequests, unauthorized } from '../common/errors';
import { type RequestStore } from '../common/request-context';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { SecurityEvents } from '../audit/security-events.service';
import { AuthService } from './auth.service';
import { SESSION_COOKIE } from './cookies';
import { RateLimiter } from './rate-limiter.service';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Global. Every contract route declares in its metadata whether it is public, needs a session, or
 * needs a permission; this guard enforces it (fail closed when a route declares nothing), checks the
 * CSRF header on mutations, and puts the principal into the request context. A management API key
 * (`Authorization: Bearer kl_live_…`) stands in for a session: it carries no cookie, so no CSRF check.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly apiKeys: ApiKeysService,
    private readonly cls: ClsService<RequestStore>,
    private readonly security: SecurityEvents,
    private readonly limiter: RateLimiter,
    @Inject(ENV) private readonly env: Env,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const req = ctx.switchToHttp().getRequest<FastifyRequest>();
    this.cls.set('ip', req.ip);
    this.cls.set('userAgent', req.headers['user-agent']?.slice(0, 500));

    const appRoute = this.reflector.get<{ appRoute: AppRoute } | undefined>(TsRestAppRouteMetadataKey, ctx.getHandler())?.appRoute;
    // The SPA and the API docs are plain Fastify routes and never reach this guard; a Nest route
    // outside the contract would have no declared permission, so it is closed too.
    if (!appRoute) throw forbidden(`${req.method} ${req.url} is not a contract route and is closed`);
    const meta = appRoute.metadata as RouteMetadata | undefined;
    if (!meta) throw forbidden(`${appRoute.method} ${appRoute.path} declares no permission and is closed`);
    if ('public' in meta) return true;

    const bearer = bearerToken(req.headers.authorization);
    if (bearer !== undefined) return this.admitApiKey(bearer, meta, req.method, appRoute, ctx.switchToHttp().getResponse<FastifyReply>());

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
    const actor = { type: 'platform_user' as const, id: resolved.user.id, name: resolved.user.name, email: resolved.user.email };
    if ('permission' in meta && !permissions.has(meta.permission)) {
      await this.recordRefusal(req.method, appRoute, resolved.account.id, actor, meta.permission);
      throw forbidden(`You need the ${meta.permission} permission for this`);
    }
    this.cls.set('principal', {
      accountId: resolved.account.id,
      userId: resolved.user.id,
      sessionId: resolved.session.id,
      actor,
      permissions,
      source: 'ui',
    });
    return true;
  }

  private async admitApiKey(secret: string, meta: RouteMetadata, method: string, appRoute: AppRoute, reply: FastifyReply): Promise<boolean> {
    const resolved = secret ? await this.apiKeys.resolve(secret) : null;
    if (!resolved) throw unauthorized('Unknown or revoked API key');
    const { key, effective } = resolved;
    await this.countKeyRequest(key.id, reply);
    // A key acts for its creator, computed per request: their removal ends it, their lost permissions are its.
    if (!effective) throw unauthorized("This API key no longer works: its creator was removed (or was not a signed-in user); a user must create a new key");
    const permissions: ReadonlySet<Permission> = effective;
    const actor = { type: 'api_key' as const, id: key.id, name: key.name, email: null };
    if ('permission' in meta && !permissions.has(meta.permission)) {
      await this.recordRefusal(method, appRoute, key.accountId, actor, meta.permission);
      throw forbidden(
        key.permissions.includes(meta.permission)
          ? `This API key needs the ${meta.permission} permission for this, and its creator no longer holds it`
          : `This API key needs the ${meta.permission} permission for this`,
      );
    }
    this.cls.set('principal', {
      accountId: key.accountId,
      userId: null,
      sessionId: null,
      actor,
      permissions,
      source: 'api',
    });
    return true;
  }

  /**
   * Every request of a known API key counts against API_KEY_RATE_LIMIT per API_KEY_RATE_WINDOW (a fixed
   * window in Redis shared by all API processes, `<prefix>:ratelimit:api-key:<id>`); the answer carries
   * RateLimit-Limit / -Remaining / -Reset (seconds) and RateLimit-Policy, and beyond the limit 429 with
   * Retry-After. Sessions are not counted here (sign-in has its own limits).
   */
  private async countKeyRequest(keyId: string, reply: FastifyReply): Promise<void> {
    const limit = this.env.API_KEY_RATE_LIMIT;
    const windowSeconds = this.env.API_KEY_RATE_WINDOW;
    const { count, resetInMs } = await this.limiter.consume(`api-key:${keyId}`, windowSeconds * 1000);
    const reset = Math.max(1, Math.ceil(resetInMs / 1000));
    void reply.header(RATE_LIMIT_HEADERS.limit, String(limit));
    void reply.header(RATE_LIMIT_HEADERS.remaining, String(Math.max(0, limit - count)));
    void reply.header(RATE_LIMIT_HEADERS.reset, String(reset));
    void reply.header(RATE_LIMIT_HEADERS.policy, `${limit};w=${windowSeconds}`);
    if (count > limit) {
      throw tooManyRequests(`This API key made more than ${limit} requests in ${windowSeconds} seconds; retry after ${reset} s`, reset);
    }
  }

  /**
   * A mutation refused for lack of a permission goes into the account's audit log (bounded per actor
   * and hour by SecurityEvents); refused reads are only answered. The 403 itself is unchanged.
   */
  private async recordRefusal(method: string, appRoute: AppRoute, accountId: string, actor: AuditActor, permission: Permission) {
    if (SAFE_METHODS.has(method)) return;
    await this.security.permissionDenied(accountId, actor, `${appRoute.method} ${appRoute.path}`, permission);
  }
}

/** The token of an `Authorization: Bearer <token>` header ('' when malformed), undefined without one. */
function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? '';
}
