import { Controller, Inject, Req, Res } from '@nestjs/common';
import { TsRestHandler, tsRestHandler } from '@ts-rest/nest';
import { contract } from '@keyledger/contract';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { ENV, type Env } from '../config/env';
import { forbidden, unauthorized } from '../common/errors';
import { requirePrincipal } from '../common/request-context';
import { AuthService } from './auth.service';
import { addressKey } from './client-address';
import { clearSessionCookies, setSessionCookies } from './cookies';
import { RateLimiter } from './rate-limiter.service';

const FIFTEEN_MINUTES = 15 * 60_000;
const ONE_HOUR = 60 * 60_000;

@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly limiter: RateLimiter,
    @Inject(ENV) private readonly env: Env,
  ) {}

  private get secureCookies() {
    return this.env.COOKIE_SECURE ?? this.env.PUBLIC_URL.startsWith('https://');
  }

  @TsRestHandler(contract.auth.signup)
  signup(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return tsRestHandler(contract.auth.signup, async ({ body }) => {
      const address = addressKey(req.ip);
      await this.limiter.hit(`signup:${address}`, this.env.SIGNUP_RATE_LIMIT, ONE_HOUR, 'sign-ups from this address');
      const issued = await this.auth.signup(body, { ip: req.ip, userAgent: req.headers['user-agent'] }, address);
      setSessionCookies(reply, issued.token, issued.session.csrfToken, issued.expiresAt, this.secureCookies);
      return { status: 201 as const, body: issued.session };
    });
  }

  @TsRestHandler(contract.auth.login)
  login(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return tsRestHandler(contract.auth.login, async ({ body }) => {
      // Per address (whatever the email, so new emails do not escape it) and per address + email.
      // Both count every attempt up front (a burst cannot slip past); a success gives its count back.
      const address = addressKey(req.ip); // an IPv6 client by its /64
      const perAddress = `login-ip:${address}`;
      const key = `login:${address}:${body.email}`;
      await this.limiter.hit(perAddress, this.env.LOGIN_RATE_LIMIT_PER_IP, FIFTEEN_MINUTES, 'sign-in attempts from this address');
      await this.limiter.hit(key, this.env.LOGIN_RATE_LIMIT, FIFTEEN_MINUTES, 'sign-in attempts');
      const issued = await this.auth.login(body, address);
      await this.limiter.giveBack(perAddress);
      await this.limiter.reset(key);
      setSessionCookies(reply, issued.token, issued.session.csrfToken, issued.expiresAt, this.secureCookies);
      return { status: 200 as const, body: issued.session };
    });
  }

  @TsRestHandler(contract.auth.logout)
  logout(@Res({ passthrough: true }) reply: FastifyReply) {
    return tsRestHandler(contract.auth.logout, async () => {
      const { sessionId } = requirePrincipal();
      if (sessionId) await this.auth.logout(sessionId);
      clearSessionCookies(reply);
      return { status: 204 as const, body: undefined };
    });
  }

  /** Self-service: rate-limited per user like sign-in (the counter resets on success). */
  @TsRestHandler(contract.auth.changePassword)
  changePassword() {
    return tsRestHandler(contract.auth.changePassword, async ({ body }) => {
      const { userId, sessionId } = requirePrincipal();
      if (!userId || !sessionId) throw forbidden('API keys have no password: a signed-in user changes their own');
      const key = `password:${userId}`;
      await this.limiter.hit(key, this.env.LOGIN_RATE_LIMIT, FIFTEEN_MINUTES, 'password change attempts');
      await this.auth.changePassword(userId, sessionId, body);
      await this.limiter.reset(key);
      return { status: 204 as const, body: undefined };
    });
  }

  @TsRestHandler(contract.auth.me)
  me() {
    return tsRestHandler(contract.auth.me, async () => {
      const { sessionId } = requirePrincipal();
      const resolved = sessionId ? await this.auth.resolveById(sessionId) : null;
      if (!resolved) throw unauthorized();
      return {
        status: 200 as const,
        body: this.auth.sessionDto(resolved.user, resolved.account, resolved.session.csrfToken, resolved.permissions),
      };
    });
  }
}
