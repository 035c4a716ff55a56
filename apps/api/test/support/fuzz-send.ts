import { type ErrorBody, ZErrorBody } from '@keyledger/contract';
import { type ApiClient } from './client';
import { type FuzzRequest, urlSafe } from './fuzz-cases';
import { takesBody } from './contract-routes';

export interface Answer {
  status: number;
  body: unknown;
  requestId: string | null;
  ms: number;
}

/** The request on the wire: path parameters and query percent-encoded, the body as given. */
export function wireRequest(req: FuzzRequest): { path: string; body?: string; headers: Record<string, string> } {
  let path = req.route.path.replace(/:(\w+)/g, (_, n: string) =>
    req.rawParam?.name === n ? req.rawParam.value : encodeURIComponent(urlSafe(req.params[n] ?? '')),
  );
  const pairs: string[] = [];
  for (const [k, v] of Object.entries(req.query)) {
    for (const one of Array.isArray(v) ? v : [v]) pairs.push(`${encodeURIComponent(urlSafe(k))}=${encodeURIComponent(urlSafe(one))}`);
  }
  if (req.rawQuery) pairs.push(req.rawQuery);
  if (pairs.length) path += `?${pairs.join('&')}`;
  const headers: Record<string, string> = { ...req.headers };
  let body: string | undefined;
  if (takesBody(req.route)) {
    body = req.rawBody ?? JSON.stringify(req.body ?? {});
    if (req.contentType !== null) headers['content-type'] = req.contentType ?? 'application/json';
  }
  return { path, body, headers };
}

/** Sends as the session (cookies + CSRF), as the API key, or anonymously. */
export async function send(baseUrl: string, session: ApiClient, apiKey: string, req: FuzzRequest): Promise<Answer> {
  const { path, body, headers } = wireRequest(req);
  const h: Record<string, string> = {};
  if (req.auth === 'session') {
    h.cookie = [...session.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (req.route.method !== 'GET') h['x-csrf-token'] = session.cookies.get('kl_csrf') ?? '';
  } else if (req.auth === 'apiKey') {
    h.authorization = `Bearer ${apiKey}`;
  }
  Object.assign(h, headers);
  const started = performance.now();
  let res: Response;
  try {
    res = await fetch(baseUrl + path, { method: req.route.method, headers: h, body });
  } catch (err) {
    // The server may close the connection on a body it refuses to read (over 1 MB, headers over 16 KB).
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    return { status: 0, body: { connectionError: cause }, requestId: null, ms: performance.now() - started };
  }
  const text = await res.text();
  const ms = performance.now() - started;
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: kept as text, and the checks below say so
  }
  return { status: res.status, body: parsed, requestId: res.headers.get('x-request-id'), ms };
}

/** The shared error body, with the response's request id. */
export function isErrorBody(a: Answer): a is Answer & { body: ErrorBody } {
  const parsed = ZErrorBody.strict().safeParse(a.body);
  return parsed.success && parsed.data.statusCode === a.status && parsed.data.message.length > 0 && parsed.data.requestId === a.requestId;
}
