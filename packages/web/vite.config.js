import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

// Built into dist/ and served by `clickclack serve` at /app. Source maps (the whole source,
// to anyone who asks) only in a development build: `vite build --mode development`.
export default defineConfig(({ mode }) => ({
  base: '/app/',
  plugins: [svelte()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: mode === 'development' },
}));
