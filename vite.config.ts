// The staff console's build (`vite build`, run by `npm run build`): web/ → dist/web/, served by the
// consoleAssets function at /api/console/. Hashed file names let that function cache assets for a year.
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'web',
  base: '/api/console/',
  // Preact's automatic JSX runtime through esbuild: no Babel preset needed.
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    target: 'es2022',
    // The polyfill is an inline script, which the console's CSP (script-src 'self') refuses.
    modulePreload: { polyfill: false },
    // Nothing inlined as data: URLs; every asset is a hashed file of its own.
    assetsInlineLimit: 0,
    reportCompressedSize: true,
  },
});
