import { Workbox } from 'workbox-window';

export interface ServiceWorkerState {
  /** False where the browser cannot run one (no API, or not a secure context). */
  readonly supported: boolean;
  /** False in `vite dev`, where no service worker is built. */
  readonly enabled: boolean;
  /** A service worker controls this page; its precache is complete, so the app loads offline. */
  readonly controlled: boolean;
  /** A newer version is installed and waits for the user's consent to take over. */
  readonly updateWaiting: boolean;
  readonly failed: boolean;
}

export interface ServiceWorkerHandle {
  subscribe(listener: () => void): () => void;
  getState(): ServiceWorkerState;
  /** Activates the waiting version and reloads once it controls the page. */
  applyUpdate(): void;
}

export interface RegisterServiceWorkerOptions {
  scriptUrl: string;
  enabled: boolean;
}

// A reading-room tablet may keep one tab open for days without a navigation,
// and browsers look for a new worker only on navigations, so ask hourly too.
const UPDATE_CHECK_INTERVAL_MS = 60 * 60 * 1000;

export function registerServiceWorker(options: RegisterServiceWorkerOptions): ServiceWorkerHandle {
  const supported = 'serviceWorker' in navigator && window.isSecureContext;
  let state: ServiceWorkerState = {
    supported,
    enabled: options.enabled,
    controlled: supported && navigator.serviceWorker.controller !== null,
    updateWaiting: false,
    failed: false,
  };
  const listeners = new Set<() => void>();
  const update = (patch: Partial<ServiceWorkerState>): void => {
    state = { ...state, ...patch };
    for (const listener of listeners) listener();
  };

  let workbox: Workbox | undefined;
  if (supported && options.enabled) {
    workbox = new Workbox(options.scriptUrl);
    const wb = workbox;
    wb.addEventListener('waiting', () => update({ updateWaiting: true }));
    navigator.serviceWorker.addEventListener('controllerchange', () => {
      update({ controlled: navigator.serviceWorker.controller !== null });
    });
    wb.register()
      .then(() => {
        setInterval(() => void wb.update().catch(() => undefined), UPDATE_CHECK_INTERVAL_MS);
      })
      .catch(() => update({ failed: true }));
  }

  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getState: () => state,
    applyUpdate() {
      if (!workbox || !state.updateWaiting) return;
      // Reload only after the new worker has taken over; reloading earlier
      // would serve the page from the old worker's caches again.
      workbox.addEventListener('controlling', () => window.location.reload());
      workbox.messageSkipWaiting();
    },
  };
}
