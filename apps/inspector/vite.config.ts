import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The page: Preact compiled by Vite's own JSX transform (oxc) (no Babel preset), into static
// files in dist/ui/ that the server reads at start. Nothing is fetched from elsewhere at run time.
export default defineConfig({
  root: fileURLToPath(new URL('src/ui/', import.meta.url)),
  base: './',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('dist/ui/', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
});
