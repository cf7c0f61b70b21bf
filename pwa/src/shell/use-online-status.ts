import { useSyncExternalStore } from 'react';
import { getOnlineStatus, subscribeOnlineStatus } from './online-status.ts';

export function useOnlineStatus(): boolean {
  return useSyncExternalStore(subscribeOnlineStatus, getOnlineStatus);
}
