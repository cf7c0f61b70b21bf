import { createContext, useContext, useEffect, useRef } from 'react';

const ACTIVITY_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'touchstart', 'wheel', 'scroll'] as const;
/** Often enough to lock within seconds of the deadline, rarely enough to cost nothing. */
const CHECK_EVERY_MS = 5_000;

/**
 * Locks after `minutes` without pointer, key, touch or wheel activity.
 * Time is read from the clock rather than counted by a timer, because a
 * tablet that sleeps suspends timers: on waking, the check runs at once
 * (visibilitychange) and sees how long it really was.
 *
 * Returns `markActive`, for work the user started and is waiting on (an
 * import of a whole CD): locking in the middle would abandon it.
 */
export function useIdleLock(minutes: number, onIdle: () => void): () => void {
  const lastActivity = useRef(Date.now());
  const onIdleRef = useRef(onIdle);
  onIdleRef.current = onIdle;

  useEffect(() => {
    lastActivity.current = Date.now();
    if (!(minutes > 0)) return;
    const limit = minutes * 60_000;
    let fired = false;
    const active = () => {
      lastActivity.current = Date.now();
    };
    const check = () => {
      if (fired || Date.now() - lastActivity.current < limit) return;
      fired = true;
      onIdleRef.current();
    };
    const options = { capture: true, passive: true } as const;
    for (const type of ACTIVITY_EVENTS) window.addEventListener(type, active, options);
    document.addEventListener('visibilitychange', check);
    const timer = window.setInterval(check, CHECK_EVERY_MS);
    return () => {
      for (const type of ACTIVITY_EVENTS) window.removeEventListener(type, active, options);
      document.removeEventListener('visibilitychange', check);
      window.clearInterval(timer);
    };
  }, [minutes]);

  const markActive = useRef(() => {
    lastActivity.current = Date.now();
  });
  return markActive.current;
}

const ActivityContext = createContext<() => void>(() => {});

export const ActivityProvider = ActivityContext.Provider;

/** See useIdleLock: keeps the session open while long work the user is watching goes on. */
export function useMarkActive(): () => void {
  return useContext(ActivityContext);
}
