// Vite builds the console into web/dist, which hotline serves as static files (GET / ->
// index.html). `npm run dev` proxies the API to a running hotline (HOTLINE_URL, default
// http://127.0.0.1:8080) so the console can be worked on with hot reload.
import { defineConfig } from 'vite';

const target = process.env.HOTLINE_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 900,
    sourcemap: false,
  },
  server: {
    proxy: {
      '/api/v1/events': { target, ws: true, changeOrigin: true },
      '/api': { target, changeOrigin: true },
    },
  },
});
