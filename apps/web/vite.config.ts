import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|webmanifest)$/;

/**
 * Every text file of the build also as `.br` (brotli, best) and `.gz` (gzip -9), written once at
 * build time: the API serves them (@fastify/static `preCompressed`) to browsers that accept them,
 * spending no CPU per request.
 */
function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'keyledger-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    closeBundle() {
      const walk = (dir: string): string[] =>
        readdirSync(dir).flatMap((name) => {
          const path = join(dir, name);
          return statSync(path).isDirectory() ? walk(path) : [path];
        });
      for (const file of walk(outDir)) {
        if (!COMPRESSIBLE.test(file)) continue;
        const raw = readFileSync(file);
        if (raw.length < 512) continue;
        writeFileSync(
          `${file}.br`,
          brotliCompressSync(raw, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
              [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
            },
          }),
        );
        writeFileSync(`${file}.gz`, gzipSync(raw, { level: 9 }));
      }
    },
  };
}

/**
 * What index.html asks for beside the app's first script, so none of it waits for that script to
 * have run:
 * - the early request (`src/early/earlyRequest.ts`, its own entry, emitted as a classic script of a
 *   few hundred bytes): first in the head and parser-blocking, so it runs as soon as it arrives —
 *   an `async` script waited behind the shell's first paint — and asks for the audit page's first
 *   rows while the app loads. It blocks for one request for a tiny file (cached for a year), which
 *   downloads beside the stylesheet the first paint waits for anyway;
 * - `<link rel="modulepreload">` for the audit page's chunk, and a stylesheet link for its CSS (else
 *   loaded only once the app imports the chunk). Unconditional: the audit log is where admins land
 *   (and where sign-in leads them), and every item page's History uses its table, so nearly every
 *   visit needs it.
 */
function earlyRequests(): Plugin {
  return {
    name: 'keyledger-early-requests',
    apply: 'build',
    renderChunk(code, chunk) {
      if (chunk.name !== 'early' || !chunk.isEntry) return null;
      if (chunk.imports.length > 0 || chunk.dynamicImports.length > 0) {
        throw new Error(`keyledger-early-requests: the early script must import nothing (${chunk.imports.join(', ')})`);
      }
      // A classic script: without the module's exports (its tests' handles), in a scope of its own.
      const body = code.replace(/export\s*\{[^}]*\};?\s*$/, '');
      if (/\bexport\b|\bimport\b/.test(body)) {
        throw new Error('keyledger-early-requests: the early script still imports or exports something');
      }
      return { code: `(()=>{${body}})();\n`, map: null };
    },
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const chunks = Object.values(ctx.bundle ?? {}).filter((c) => c.type === 'chunk');
        const audit = chunks.find((c) => c.name === 'audit' && !c.isEntry);
        if (!audit) throw new Error('keyledger-early-requests: no "audit" chunk in the build');
        const early = chunks.find((c) => c.name === 'early' && c.isEntry);
        if (!early) throw new Error('keyledger-early-requests: no "early" entry in the build');
        return [
          { tag: 'script', attrs: { src: `/${early.fileName}` }, injectTo: 'head-prepend' },
          {
            tag: 'link',
            attrs: { rel: 'modulepreload', crossorigin: true, href: `/${audit.fileName}` },
            injectTo: 'head',
          },
          ...[...(audit.viteMetadata?.importedCss ?? [])].map((css) => ({
            tag: 'link',
            attrs: { rel: 'stylesheet', crossorigin: true, href: `/${css}` },
            injectTo: 'head' as const,
          })),
        ];
      },
    },
  };
}

/**
 * The audit page's own code, without what it loads on demand (the entry drawer and its changes
 * table, the calendar).
 */
const AUDIT_PAGE = /[\\/]src[\\/]features[\\/]audit-log[\\/]/;
const EARLY_SCRIPT = /[\\/]src[\\/]early[\\/]earlyRequest\.ts$/;
const AUDIT_ON_DEMAND =
  /[\\/](AuditEntryDrawer|ChangesTable|DateRangePicker|RelatedSwitch|SearchHelpContent)\.tsx$/;

// Each page is loaded through a dynamic import in src/router.tsx, so every route becomes its own
// chunk. Two groups keep the audit page's first visit to two files (issue 15's budget: each file
// is compressed on its own, and forty small ones cost about 12% more than the same code in two):
//   - boot: everything main.tsx imports statically (React, Mantine's core, the router, the query
//     client, the contract's routes): one file, cached across pages;
//   - audit: the audit page with what it uses that other pages share too (selects, tooltips).
export default defineConfig({
  plugins: [react(), earlyRequests(), precompress()],
  server: {
    port: 5173,
    proxy: { '/api': { target: 'http://localhost:3000', changeOrigin: false } },
  },
  preview: {
    proxy: { '/api': { target: 'http://localhost:3000', changeOrigin: false } },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    rolldownOptions: {
      input: { index: 'index.html', early: 'src/early/earlyRequest.ts' },
      output: {
        codeSplitting: {
          groups: [
            // The early script stays its own: no module of it may join the app's first chunk.
            { name: 'early', test: EARLY_SCRIPT, priority: 2 },
            { name: 'boot', tags: ['$initial'], priority: 1 },
            { name: 'audit', test: (id) => AUDIT_PAGE.test(id) && !AUDIT_ON_DEMAND.test(id) },
          ],
        },
      },
    },
  },
});
