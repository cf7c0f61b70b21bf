/// <reference lib="webworker" />
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

declare const self: ServiceWorkerGlobalScope;

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// Only page navigations fall back to the app shell, so a script, stylesheet or
// .wasm request can never be answered with HTML. A navigation to a path that
// names a file, or into /assets/, goes to the network as well; the server
// applies the same rule.
// An extension must start with a letter, so DICOM UIDs such as
// /studies/1.2.840.10008.1 still count as app routes.
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('index.html'), {
    denylist: [/^\/assets\//, /\/[^/?]*\.[a-z][a-z0-9]*(?:\?.*)?$/i],
  }),
);

// The page sends this when the user accepts the update prompt; never skip
// waiting on our own, as that would swap code under an open session.
self.addEventListener('message', (event) => {
  const data: unknown = event.data;
  if (typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'SKIP_WAITING') {
    void self.skipWaiting();
  }
});

// Take control of the page that installed us, so the very first visit is
// already ready to work offline without a second load.
clientsClaim();
