import { type FastifyInstance, type FastifyRequest } from 'fastify';
import { badRequest } from './errors';

type Detail = { path: string; message: string };

/** A NUL, or a UTF-16 surrogate without its partner: text PostgreSQL cannot store, or that is not Unicode. */
// eslint-disable-next-line no-control-regex -- finding NUL is the point
const BAD_CHAR = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Far above any field's own limit (10,000 at most): longer text is refused before any pattern runs on it. */
export const MAX_TEXT = 20_000;
/** JSON nested deeper than this is refused before it is parsed (no body of this API nests past 4). */
export const MAX_JSON_DEPTH = 32;

function problemIn(s: string): string | null {
  if (s.length > MAX_TEXT) return `is ${s.length.toLocaleString('en')} characters long; no field takes more than ${MAX_TEXT.toLocaleString('en')}`;
  const m = BAD_CHAR.exec(s);
  if (!m) return null;
  if (m[0] === '\u0000') return 'contains a NUL character (U+0000), which is not allowed';
  const code = m[0].charCodeAt(0).toString(16).toUpperCase();
  return `contains a lone UTF-16 surrogate (U+${code}): send well-formed Unicode text`;
}

/**
 * The first string (or object key) in a parsed value that holds a NUL or a lone surrogate, with its
 * path (`body.licenses.0.name`). Iterative, so a deeply nested body cannot exhaust the stack.
 */
export function findBadText(value: unknown, root: string): Detail | null {
  const stack: Array<[unknown, string]> = [[value, root]];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      const problem = problemIn(v);
      if (problem) return { path, message: problem };
    } else if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
        // Keys as JSON writes them, so a path never carries the NUL it reports.
        const childPath = `${path}.${JSON.stringify(k).slice(1, -1)}`;
        const keyProblem = problemIn(k);
        if (keyProblem) return { path: childPath, message: `field name ${keyProblem}` };
        stack.push([child, childPath]);
      }
    }
  }
  return null;
}

/** Headers whose values reach the database (audit context) or logs. */
const STORED_HEADERS = ['user-agent', 'x-request-id', 'referer', 'origin'];

export function checkRequestText(req: Pick<FastifyRequest, 'params' | 'query' | 'body' | 'headers'>): Detail | null {
  for (const h of STORED_HEADERS) {
    const v = req.headers[h];
    const problem = typeof v === 'string' ? findBadText(v, `headers.${h}`) : null;
    if (problem) return problem;
  }
  return findBadText(req.params, 'params') ?? findBadText(req.query, 'query') ?? findBadText(req.body, 'body');
}

/** Whether JSON text nests arrays/objects deeper than `max`: one pass, strings skipped. */
export function jsonDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > max) return true;
    } else if (c === 93 || c === 125) depth--;
  }
  return false;
}

/**
 * Refuses, before any handler runs, a request whose path parameters, query, JSON body or stored
 * headers carry a NUL, a lone surrogate or a string over MAX_TEXT characters, or whose JSON nests
 * deeper than MAX_JSON_DEPTH: 400 naming the field. Nothing is stripped: such text has no meaning
 * in any field of this API.
 */
export function registerInputGuard(fastify: FastifyInstance): void {
  // Fastify's own JSON parser (prototype poisoning refused), behind a depth check: parsing and
  // walking 100,000 nested arrays held the event loop for half a second.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (typeof body === 'string' && jsonDeeperThan(body, MAX_JSON_DEPTH)) {
      const message = `the JSON nests deeper than ${MAX_JSON_DEPTH} levels`;
      done(badRequest(`Invalid request: body: ${message}`, [{ path: 'body', message }]), undefined);
      return;
    }
    void parseJson(req, body as string, done);
  });
  fastify.addHook('preValidation', async (req) => {
    const problem = checkRequestText(req);
    if (problem) throw badRequest(`Invalid request: ${problem.path}: ${problem.message}`, [problem]);
  });
}
