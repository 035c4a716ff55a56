import { randomUUID } from 'node:crypto';
import { type Session } from '@keyledger/contract';
import { responseValidator } from './response-validator';

export interface Res<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * A browser-like API client: keeps cookies and echoes the CSRF cookie on mutations. Every answer is
 * checked against the served OpenAPI document (test/support/response-validator.ts): an answer the
 * document does not describe throws. A spec that sends deliberately malformed requests (fuzzing, odd
 * content types) may set `validateResponses = false` on its client.
 */
export class ApiClient {
  readonly cookies = new Map<string, string>();
  session?: Session;
  validateResponses = true;

  constructor(readonly baseUrl: string) {}

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res<T>> {
    const h: Record<string, string> = { ...headers };
    if (this.cookies.size) h.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const csrf = this.cookies.get('kl_csrf');
    if (method !== 'GET' && csrf && !('x-csrf-token' in h)) h['x-csrf-token'] = csrf;
    if (body !== undefined) h['content-type'] = 'application/json';
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: h,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    if (this.validateResponses) {
      const problem = (await responseValidator(this.baseUrl)).check(method, path, res.status, res.headers.get('content-type') ?? '', parsed);
      if (problem) throw new Error(`Response does not match the OpenAPI document: ${problem}`);
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = any>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body);
  }
  patch<T = any>(path: string, body?: unknown) {
    return this.request<T>('PATCH', path, body);
  }
  put<T = any>(path: string, body?: unknown) {
    return this.request<T>('PUT', path, body);
  }
  delete<T = any>(path: string) {
    return this.request<T>('DELETE', path);
  }

  /** Open a fresh account (unique name and email) and stay signed in as its admin. */
  async signup(overrides: Partial<{ accountName: string; name: string; email: string; password: string }> = {}) {
    const tag = randomUUID().slice(0, 8);
    const body = {
      accountName: `Test Vendor ${tag}`,
      name: `Admin ${tag}`,
      email: `admin-${tag}@vendor.test`,
      password: 'correct-horse-42',
      ...overrides,
    };
    const res = await this.post<Session>('/api/v1/auth/signup', body);
    if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
    this.session = res.body;
    return { ...res.body, password: body.password };
  }
}

export const uniqueEmail = (prefix = 'user') => `${prefix}-${randomUUID().slice(0, 8)}@vendor.test`;
