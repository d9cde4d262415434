import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The portal is built once, at build time, into dist/portal; Nest serves it at `/` (src/portal). */
export default defineConfig({
  root: here,
  base: '/',
  plugins: [react()],
  build: {
    outDir: path.resolve(here, '..', 'dist', 'portal'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: true,
  },
  // `npm run dev:portal` against an API on :3000 (same-origin cookies through the proxy).
  server: { proxy: { '/v1': 'http://127.0.0.1:3000' } },
});
