import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The demo portfolio: `npm run build` writes it to dist/demo; `npx vite browser/demo` serves it
// with hot reload while working on it.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  build: {
    outDir: fileURLToPath(new URL('../dist/demo', import.meta.url)),
    emptyOutDir: true,
    target: 'es2020',
    // three.js alone is about 530 kB; it sits in the lazily loaded studio chunk.
    chunkSizeWarningLimit: 700,
  },
  server: { host: '127.0.0.1', port: 5173 },
});
