import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { registerServiceWorker, requestPersistentStorage, UpdatePrompt } from './shell/index.ts';
import { connectVault } from './vault/index.ts';
import './styles.css';

const serviceWorker = registerServiceWorker({
  scriptUrl: `${import.meta.env.BASE_URL}sw.js`,
  // `vite dev` builds no service worker; registering a missing one would fail.
  enabled: import.meta.env.PROD,
});
void requestPersistentStorage();

// One vault worker for the page's lifetime: it holds the keys while unlocked,
// and the UI only ever sees its answers.
const { vault } = connectVault();

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

createRoot(container).render(
  <StrictMode>
    <App serviceWorker={serviceWorker} vault={vault} />
    <UpdatePrompt serviceWorker={serviceWorker} />
  </StrictMode>,
);
