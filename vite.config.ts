import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The dev server forwards everything that is not the app to the Express/Socket.IO server, so
// the browser sees one origin in development as it does in production (cookies stay same-site).
const target = `http://127.0.0.1:${process.env.ROUNDTABLE_PORT ?? 3000}`;

export default defineConfig({
  root: fileURLToPath(new URL('./client', import.meta.url)),
  plugins: [svelte()],
  build: {
    outDir: fileURLToPath(new URL('./dist/client', import.meta.url)),
    emptyOutDir: true,
  },
  server: {
    proxy: {
      '/api': target,
      '/healthz': target,
      // The hall's short link is answered by the server (a redirect into the app).
      '^/h/': target,
      '/socket.io': { target, ws: true },
    },
  },
});
