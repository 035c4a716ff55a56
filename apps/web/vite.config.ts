import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Each page is loaded through a dynamic import in src/router.tsx, so every route (the audit log
// above all) becomes its own chunk; vite splits on those imports without manual chunk rules.
export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: { '/api': { target: 'http://localhost:3000', changeOrigin: false } },
  },
  preview: {
    proxy: { '/api': { target: 'http://localhost:3000', changeOrigin: false } },
  },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
});
