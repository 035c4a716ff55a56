/** The double-submit CSRF token: the API sets the readable `kl_csrf` cookie; we echo it in a header. */
export const CSRF_COOKIE = 'kl_csrf';
export const CSRF_HEADER = 'x-csrf-token';

let lastSessionToken: string | null = null;

/** Remember the token the session body carried, for when the cookie cannot be read. */
export function rememberCsrfToken(token: string | null): void {
  lastSessionToken = token;
}

export function readCookie(name: string, cookieString = document.cookie): string | null {
  for (const part of cookieString.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

export function csrfToken(): string | null {
  return readCookie(CSRF_COOKIE) ?? lastSessionToken;
}
