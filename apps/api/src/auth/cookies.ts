import { type FastifyReply } from 'fastify';

export const SESSION_COOKIE = 'kl_session';
export const CSRF_COOKIE = 'kl_csrf';

/** The session cookie is httpOnly; the CSRF cookie is readable so the SPA can echo it in a header. */
export function setSessionCookies(reply: FastifyReply, token: string, csrfToken: string, expires: Date, secure: boolean) {
  const base = { path: '/', sameSite: 'lax' as const, secure, expires };
  void reply.setCookie(SESSION_COOKIE, token, { ...base, httpOnly: true });
  void reply.setCookie(CSRF_COOKIE, csrfToken, { ...base, httpOnly: false });
}

export function clearSessionCookies(reply: FastifyReply) {
  void reply.clearCookie(SESSION_COOKIE, { path: '/' });
  void reply.clearCookie(CSRF_COOKIE, { path: '/' });
}
