// Shaped for React's useSyncExternalStore. navigator.onLine only knows whether
// a network interface is up, not whether the server answers; sync will report
// reachability separately.
export function subscribeOnlineStatus(listener: () => void): () => void {
  window.addEventListener('online', listener);
  window.addEventListener('offline', listener);
  return () => {
    window.removeEventListener('online', listener);
    window.removeEventListener('offline', listener);
  };
}

export function getOnlineStatus(): boolean {
  return navigator.onLine;
}
