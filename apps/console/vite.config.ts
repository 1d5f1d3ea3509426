// Vite build of the react-admin console. `node scripts/build.mjs` runs it; the API serves the result at /console.
// Dev server with hot reload against a running API on :3000: `npx vite --config apps/console/vite.config.ts`.
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)),
    emptyOutDir: true,
    // react-admin + MUI alone are ~1.4 MB minified; the charts are split into their own lazy chunk.
    chunkSizeWarningLimit: 2000,
  },
  server: {
    port: 5173,
    proxy: { '/graphql': process.env['MATCHLAB_API_URL'] ?? 'http://127.0.0.1:3000' },
  },
});
