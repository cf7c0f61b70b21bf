import type { ServiceWorkerHandle } from './shell/index.ts';
import { KuraApp } from './ui/index.ts';
import type { Vault } from './ui/index.ts';

export function App({ serviceWorker, vault }: { serviceWorker: ServiceWorkerHandle; vault: Vault }) {
  return <KuraApp vault={vault} serviceWorker={serviceWorker} />;
}
