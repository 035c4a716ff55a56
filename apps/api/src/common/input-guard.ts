import { type FastifyInstance, type FastifyRequest } from 'fastify';
import { badRequest } from './errors';

type Detail = { path: string; message: string };

/** A NUL, or a UTF-16 surrogate without its partner: text PostgreSQL cannot store or that is not Unicode. */
const BAD_CHAR = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function problemIn(s: string): string | null {
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

/**
 * Refuses, before any handler runs, a request whose path parameters, query, JSON body or stored
 * headers carry a NUL or a lone surrogate: 400 naming the field. Nothing is stripped: such text
 * has no meaning in any field of this API.
 */
export function registerInputGuard(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', async (req) => {
    const problem = checkRequestText(req);
    if (problem) throw badRequest(`Invalid request: ${problem.path}: ${problem.message}`, [problem]);
  });
}
