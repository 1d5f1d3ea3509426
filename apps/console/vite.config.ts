// Vite build of the react-admin console. `node scripts/build.mjs` runs it; the API serves the result at /console.
// Dev server with hot reload against a running API on :3000: `npx vite --config apps/console/vite.config.ts`.
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig(({ command }) => {
  // Vite honours an inherited NODE_ENV over the build mode: under jest (NODE_ENV=test) it would bundle React's
  // development build. A console build is always a production build.
  if (command === 'build') process.env['NODE_ENV'] = 'production';
  return {
    root,
    base: '/console/',
    plugins: [react()],
    build: {
      outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)),
      emptyOutDir: true,
      // react-admin + MUI make a ~1.1 MB main chunk (330 KB gzip); recharts is split into the lazy dashboard chunk.
      chunkSizeWarningLimit: 1500,
    },
    server: {
      port: 5173,
      proxy: { '/graphql': process.env['MATCHLAB_API_URL'] ?? 'http://127.0.0.1:3000' },
    },
  };
});
