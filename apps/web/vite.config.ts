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
 * `<link rel="modulepreload">` for the audit page's chunk in index.html, so it downloads beside the
 * first chunk instead of after it has run. Unconditional: the audit log is where admins land (and
 * where sign-in leads them), and every item page's History uses its table, so nearly every visit
 * needs it.
 */
function preloadAuditChunk(): Plugin {
  return {
    name: 'keyledger-preload-audit-chunk',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const chunk = Object.values(ctx.bundle ?? {}).find(
          (c) => c.type === 'chunk' && c.name === 'audit' && !c.isEntry,
        );
        if (!chunk) throw new Error('keyledger-preload-audit-chunk: no "audit" chunk in the build');
        return [
          {
            tag: 'link',
            attrs: { rel: 'modulepreload', crossorigin: true, href: `/${chunk.fileName}` },
            injectTo: 'head',
          },
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
const AUDIT_ON_DEMAND =
  /[\\/](AuditEntryDrawer|ChangesTable|DateRangePicker|RelatedSwitch|SearchHelpContent)\.tsx$/;

// Each page is loaded through a dynamic import in src/router.tsx, so every route becomes its own
// chunk. Two groups keep the audit page's first visit to two files (issue 15's budget: each file
// is compressed on its own, and forty small ones cost about 12% more than the same code in two):
//   - boot: everything main.tsx imports statically (React, Mantine's core, the router, the query
//     client, the contract): one file, cached across pages;
//   - audit: the audit page with what it uses that other pages share too (selects, tooltips).
export default defineConfig({
  plugins: [react(), preloadAuditChunk(), precompress()],
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
      output: {
        codeSplitting: {
          groups: [
            { name: 'boot', tags: ['$initial'] },
            { name: 'audit', test: (id) => AUDIT_PAGE.test(id) && !AUDIT_ON_DEMAND.test(id) },
          ],
        },
      },
    },
  },
});
