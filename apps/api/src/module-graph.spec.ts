import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * The domain modules form a DAG: no import cycle between Nest modules, none between the domain
 * folders (counting every source file, not only *.module.ts), and no forwardRef anywhere. A delete
 * guard that needs "does anything still point here?" asks ItemReferences (src/references) instead of
 * importing the module that points here.
 */
const SRC = __dirname;

/** Folders of one business domain each (infrastructure such as audit/, auth/, database/ is not in this rule). */
const DOMAIN = [
  'customers',
  'devices',
  'licenses',
  'notification-policies',
  'orders',
  'permission-templates',
  'platform-users',
  'products',
  'references',
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return p.endsWith('.ts') && !p.endsWith('.spec.ts') ? [p] : [];
  });
}

/** The files a source file imports (relative imports only), as absolute paths of .ts files. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const base = resolve(dirname(file), m[1]!);
    const candidate = [`${base}.ts`, join(base, 'index.ts')].find((p) => existsSync(p) && statSync(p).isFile());
    if (candidate) out.push(candidate);
  }
  return out;
}

/** A cycle of the graph (its nodes, first repeated at the end), or null when it is acyclic. */
export function findCycle(graph: Map<string, Set<string>>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): string[] | null => {
    if (state.get(n) === 'done') return null;
    if (state.get(n) === 'open') return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, 'open');
    stack.push(n);
    for (const m of graph.get(n) ?? []) {
      const c = visit(m);
      if (c) return c;
    }
    stack.pop();
    state.set(n, 'done');
    return null;
  };
  for (const n of [...graph.keys()].sort()) {
    const c = visit(n);
    if (c) return c;
  }
  return null;
}

const folderOf = (file: string) => relative(SRC, file).split(sep)[0]!;
const files = sourceFiles(SRC);

describe('module graph', () => {
  it('finds a cycle when there is one (the check itself)', () => {
    const g = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
    ]);
    expect(findCycle(g)).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle(new Map([['a', new Set(['b'])], ['b', new Set<string>()]]))).toBeNull();
  });

  it('has no import cycle between Nest modules (*.module.ts)', () => {
    const modules = files.filter((f) => f.endsWith('.module.ts'));
    expect(modules.length).toBeGreaterThan(10);
    const graph = new Map(
      modules.map((m) => [relative(SRC, m), new Set(importsOf(m).filter((i) => i.endsWith('.module.ts')).map((i) => relative(SRC, i)))]),
    );
    expect(findCycle(graph)).toBeNull();
  });

  it('has no import cycle between the domain folders', () => {
    const graph = new Map<string, Set<string>>(DOMAIN.map((d) => [d, new Set<string>()]));
    for (const f of files) {
      const from = folderOf(f);
      if (!DOMAIN.includes(from)) continue;
      for (const i of importsOf(f)) {
        const to = folderOf(i);
        if (to !== from && DOMAIN.includes(to)) graph.get(from)!.add(to);
      }
    }
    // The edges this rests on: orders → customers, licenses → orders, platform-users → permission-templates.
    expect(graph.get('orders')).toContain('customers');
    expect(graph.get('licenses')).toContain('orders');
    expect(graph.get('platform-users')).toContain('permission-templates');
    expect(findCycle(graph)).toBeNull();
  });

  it('uses no forwardRef', () => {
    const using = files.filter((f) => /\bforwardRef\s*\(/.test(readFileSync(f, 'utf8'))).map((f) => relative(SRC, f));
    expect(using).toEqual([]);
  });
});
