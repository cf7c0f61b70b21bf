export { getOnlineStatus, subscribeOnlineStatus } from './online-status.ts';
export { requestPersistentStorage } from './persistent-storage.ts';
export { registerServiceWorker } from './service-worker.ts';
export type { RegisterServiceWorkerOptions, ServiceWorkerHandle, ServiceWorkerState } from './service-worker.ts';
export { UpdatePrompt } from './update-prompt.tsx';
export { useOnlineStatus } from './use-online-status.ts';
export { useServiceWorkerState } from './use-service-worker-state.ts';
