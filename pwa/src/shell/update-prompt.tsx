import type { ServiceWorkerHandle } from './service-worker.ts';
import { useServiceWorkerState } from './use-service-worker-state.ts';

// The new version waits instead of taking over by itself: swapping code under
// a radiologist in the middle of a report could lose what they are typing.
export function UpdatePrompt({ serviceWorker }: { serviceWorker: ServiceWorkerHandle }) {
  const { updateWaiting } = useServiceWorkerState(serviceWorker);
  if (!updateWaiting) return null;
  return (
    <div className="update-prompt" role="alert">
      <span>A new version is ready</span>
      <button type="button" onClick={() => serviceWorker.applyUpdate()}>
        Reload
      </button>
    </div>
  );
}
