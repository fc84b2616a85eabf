import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/** `tensorloom serve`'s default port: `npx vite` proxies the engine's WebSocket to it. */
const ENGINE = 'http://127.0.0.1:7400';

/**
 * Builds the renderer into dist-renderer/, which the browser-mode server and the
 * Electron window both load. Relative base so the same build works from file://.
 */
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist-renderer',
    emptyOutDir: true,
    // Monaco alone is several MB; it is loaded lazily with the code view.
    chunkSizeWarningLimit: 6000,
  },
  worker: { format: 'es' },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/ws': {
        target: ENGINE,
        ws: true,
        changeOrigin: true,
        // The server accepts sockets from its own pages only: present the proxied one as such.
        configure: (proxy) => proxy.on('proxyReqWs', (req) => req.setHeader('origin', ENGINE)),
      },
    },
  },
});
