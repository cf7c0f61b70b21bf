import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

export default defineConfig({
  root: 'pwa',
  build: {
    outDir: '../dist/pwa',
    emptyOutDir: true,
  },
  // The DICOM image loader starts its decode worker with
  // new Worker(new URL('./decodeImageFrameWorker.js', import.meta.url)); the
  // codecs inside it are loaded with import(), which only an ES-module worker
  // can split into chunks.
  worker: {
    format: 'es',
  },
  // The 'events' dependency: dcmjs (which parses DICOM for Cornerstone's
  // metadata) pulls in xmlbuilder2, which imports Node's 'events'; in the
  // browser that name must resolve to the npm package, not a Node built-in.
  // Pre-bundling the image loader would move it away from its worker and
  // codec files, so `vite dev` could not find them (Cornerstone's own advice).
  optimizeDeps: {
    exclude: ['@cornerstonejs/dicom-image-loader'],
    include: ['dicom-parser'],
  },
  plugins: [
    react(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      // main.tsx registers the worker through workbox-window; the plugin's
      // own register snippet would be an inline script, which the CSP forbids.
      injectRegister: false,
      // The glob below already finds the icons; listing them twice would
      // put duplicate entries in the precache manifest.
      includeManifestIcons: false,
      manifest: {
        name: 'Kura',
        short_name: 'Kura',
        description: 'End-to-end encrypted, offline-first archive for medical images',
        lang: 'en',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#f3f6f7',
        theme_color: '#0e5a6b',
        icons: [
          { src: '/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          { src: '/icon.svg', sizes: 'any', type: 'image/svg+xml' },
        ],
      },
      injectManifest: {
        // A classic script runs in every browser that has service workers;
        // ES-module service workers are not supported everywhere.
        rollupFormat: 'iife',
        // manifest.webmanifest is added by the plugin itself.
        globPatterns: ['**/*.{js,css,html,svg,png,ico,wasm}'],
        // Workbox skips files over 2 MiB by default, and Cornerstone's chunk
        // and the codec .wasm files are larger; a file left out of the
        // precache would be missing offline.
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
      },
    }),
  ],
});
