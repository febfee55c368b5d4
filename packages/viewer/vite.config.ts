import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The viewer builds into dist/ with relative asset paths and a single script chunk, so
 * `overseer view` can serve it from anywhere and `overseer export --format html` can inline it
 * into one self-contained page.
 */
export default defineConfig({
  plugins: [react()],
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    assetsInlineLimit: 0,
    modulePreload: false,
    rollupOptions: { output: { inlineDynamicImports: true } },
  },
});
