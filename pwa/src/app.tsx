import { useOnlineStatus, useServiceWorkerState } from './shell/index.ts';
import type { ServiceWorkerHandle, ServiceWorkerState } from './shell/index.ts';

type Tone = 'good' | 'pending' | 'bad';

function describeOfflineReadiness(state: ServiceWorkerState): { text: string; tone: Tone } {
  if (!window.isSecureContext) return { text: 'Offline use needs HTTPS', tone: 'bad' };
  if (!state.supported) return { text: 'This browser cannot work offline', tone: 'bad' };
  if (!state.enabled) return { text: 'Offline use is off in development', tone: 'pending' };
  if (state.failed) return { text: 'Offline use could not be set up', tone: 'bad' };
  if (state.controlled) return { text: 'Ready to work offline', tone: 'good' };
  return { text: 'Preparing offline use…', tone: 'pending' };
}

export function App({ serviceWorker }: { serviceWorker: ServiceWorkerHandle }) {
  const online = useOnlineStatus();
  const offline = describeOfflineReadiness(useServiceWorkerState(serviceWorker));
  return (
    <main className="welcome">
      <header className="brand">
        <img className="brand-mark" src={`${import.meta.env.BASE_URL}icon.svg`} alt="" width={64} height={64} />
        <h1>Kura</h1>
      </header>
      <p className="tagline">End-to-end encrypted archive for medical images</p>
      <p className="status" role="status" aria-live="polite">
        <span className="status-item" data-tone={online ? 'good' : 'pending'}>
          {online ? 'Online' : 'Offline'}
        </span>
        <span className="status-item" data-tone={offline.tone}>
          {offline.text}
        </span>
      </p>
    </main>
  );
}
