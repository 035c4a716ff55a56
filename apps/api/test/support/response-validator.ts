/**
 * Checks an API answer against the OpenAPI document the server itself serves
 * (`/api/docs/openapi.json`), with ajv (JSON Schema 2020-12, as OpenAPI 3.1 uses): the route must
 * be in the document, the status declared for it, and a JSON body valid against that status's
 * schema. ApiClient.request calls it for every answer, so a drift between the code and the document
 * fails the test that met it.
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

type Json = Record<string, any>;

interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  params: number;
  responses: Json;
}

const DOC_ID = 'https://keyledger.invalid/openapi.json';

class DocumentValidator {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly operations: Operation[] = [];
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly doc: Json) {
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: DOC_ID, components: { schemas: doc.components?.schemas ?? {} } });
    for (const [template, ops] of Object.entries<Json>(doc.paths)) {
      const source = template
        .replace(/[.*+?^${}()|[\]\\]/g, (c) => (c === '{' || c === '}' ? c : `\\${c}`))
        .replace(/\{[^/}]+\}/g, '[^/]+');
      for (const [method, op] of Object.entries<Json>(ops)) {
        this.operations.push({
          method: method.toUpperCase(),
          template,
          pattern: new RegExp(`^${source}$`),
          params: (template.match(/\{/g) ?? []).length,
          responses: op.responses ?? {},
        });
      }
    }
    // A literal segment wins over a parameter (`/exports/{id}` vs a fixed name at the same depth).
    this.operations.sort((a, b) => a.params - b.params);
  }

  /** Undefined when the answer matches the document; otherwise what does not. */
  check(
    method: string,
    url: string,
    status: number,
    contentType: string,
    body: unknown,
  ): string | undefined {
    const path = url.split('?')[0]!;
    if (!path.startsWith('/api/v1/')) return undefined; // the SPA and the docs are not API routes
    // HEAD answers as GET does, without a body.
    const lookup = method === 'HEAD' ? 'GET' : method;
    const op = this.operations.find((o) => o.method === lookup && o.pattern.test(path));
    const where = `${method} ${path} → ${status}`;
    if (!op) {
      // Not a route of the document: only the shared error body may come back (404 for an unknown path, 405…).
      if (status < 400) return `${where}: the route is not in the OpenAPI document`;
      if (method === 'HEAD') return undefined;
      return this.validate(
        `error-body`,
        { $ref: `${DOC_ID}#/components/schemas/ErrorBody` },
        body,
        where,
      );
    }
    let response = op.responses[String(status)] as Json | undefined;
    if (!response) return `${where}: status ${status} is not declared for ${method} ${op.template}`;
    if (response.$ref) response = this.resolve(response.$ref);
    const content = response.content as Json | undefined;
    if (!content || method === 'HEAD' || status === 204 || status === 304) return undefined;
    const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
    const media = content[mediaType] as Json | undefined;
    if (!media)
      return `${where}: answered ${mediaType || 'no content type'}, the document says ${Object.keys(content).join(' or ')}`;
    if (!mediaType.includes('json') || !media.schema) return undefined;
    return this.validate(
      `${method} ${op.template} ${status}`,
      this.absolute(media.schema),
      body,
      where,
    );
  }

  private validate(key: string, schema: Json, body: unknown, where: string): string | undefined {
    let fn = this.compiled.get(key);
    if (!fn) {
      fn = this.ajv.compile(schema);
      this.compiled.set(key, fn);
    }
    if (fn(body)) return undefined;
    const errors = (fn.errors ?? [])
      .slice(0, 5)
      .map(
        (e) =>
          `${e.instancePath || '(body)'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`,
      );
    return `${where}: the body does not match the document: ${errors.join('; ')}\nbody: ${JSON.stringify(body)?.slice(0, 1000)}`;
  }

  private resolve(ref: string): Json {
    const parts = ref.replace(/^#\//, '').split('/');
    let node: any = this.doc;
    for (const p of parts) node = node?.[p];
    if (!node) throw new Error(`Unresolvable $ref ${ref} in the OpenAPI document`);
    return node as Json;
  }

  /** Local `#/components/...` references made absolute, so a schema compiles on its own. */
  private absolute(schema: unknown): Json {
    return JSON.parse(
      JSON.stringify(schema).replace(/"\$ref":"#\//g, `"$ref":"${DOC_ID}#/`),
    ) as Json;
  }
}

const validators = new Map<string, Promise<DocumentValidator>>();

/** The validator of the document served at `baseUrl`, fetched once per test file and server. */
export function responseValidator(baseUrl: string): Promise<DocumentValidator> {
  let v = validators.get(baseUrl);
  if (!v) {
    v = fetch(`${baseUrl}/api/docs/openapi.json`)
      .then(async (res) => {
        if (res.status !== 200)
          throw new Error(`GET /api/docs/openapi.json answered ${res.status}`);
        return new DocumentValidator((await res.json()) as Json);
      })
      .catch((err: unknown) => {
        validators.delete(baseUrl);
        throw err;
      });
    validators.set(baseUrl, v);
  }
  return v;
}
