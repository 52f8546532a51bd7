import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

// Built into dist/ and served by `clickclack serve` at /app.
export default defineConfig({
  base: '/app/',
  plugins: [svelte()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
});
