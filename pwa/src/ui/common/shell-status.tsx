import { useOnlineStatus, useServiceWorkerState } from '../../shell/index.ts';
import type { ServiceWorkerHandle, ServiceWorkerState } from '../../shell/index.ts';

type Tone = 'good' | 'pending' | 'bad';

function describeOfflineReadiness(state: ServiceWorkerState): { text: string; tone: Tone } {
  if (!window.isSecureContext) return { text: 'Offline use needs HTTPS', tone: 'bad' };
  if (!state.supported) return { text: 'This browser cannot work offline', tone: 'bad' };
  if (!state.enabled) return { text: 'Offline use is off in development', tone: 'pending' };
  if (state.failed) return { text: 'Offline use could not be set up', tone: 'bad' };
  if (state.controlled) return { text: 'Ready to work offline', tone: 'good' };
  return { text: 'Preparing offline use…', tone: 'pending' };
}

/** Online or not, and whether this browser could carry on without the network. */
export function ShellStatus({ serviceWorker, compact = false }: { serviceWorker: ServiceWorkerHandle; compact?: boolean }) {
  const online = useOnlineStatus();
  const offline = describeOfflineReadiness(useServiceWorkerState(serviceWorker));
  return (
    <p className={compact ? 'status status-compact' : 'status'} role="status" aria-live="polite">
      <span className="status-item" data-tone={online ? 'good' : 'pending'}>
        {online ? 'Online' : 'Offline'}
      </span>
      <span className="status-item" data-tone={offline.tone}>
        {offline.text}
      </span>
    </p>
  );
}
