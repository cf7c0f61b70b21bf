import { useSyncExternalStore } from 'react';
import type { ServiceWorkerHandle, ServiceWorkerState } from './service-worker.ts';

export function useServiceWorkerState(handle: ServiceWorkerHandle): ServiceWorkerState {
  return useSyncExternalStore(handle.subscribe, handle.getState);
}
