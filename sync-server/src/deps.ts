import type { BlobStore, MetaStore, Role } from './store/index.ts';
import type { LiveHub } from './live/index.ts';
import type { FailureThrottle, RateCounter } from './middleware/throttle.ts';
import type { UsageMeter } from './usage-meter.ts';

/** Limits and timings, from the environment (config.ts) or tests. */
export interface ServerLimits {
  /** Session ends after this long without a request. */
  sessionIdleMs: number;
  /** Session ends this long after login, however busy. */
  sessionAbsoluteMs: number;
  /** A login or share nonce is good this long. */
  challengeMs: number;
  /** Default storage quota of a new facility. */
  quotaBytes: number;
  /** Requests per minute per session or address before 429. */
  requestsPerMinute: number;
  /** Registration steps that have not completed are deleted after this long. */
  pendingFacilityMs: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  sessionIdleMs: 30 * 60_000,
  sessionAbsoluteMs: 12 * 3600_000,
  challengeMs: 60_000,
  quotaBytes: 50 * 1024 ** 3,
  requestsPerMinute: 6000,
  pendingFacilityMs: 3600_000,
};

/** Everything a route needs, passed in: createApp does no I/O of its own. */
export interface ServerDeps {
  pwaDir: string;
  meta: MetaStore;
  blobs: BlobStore;
  live: LiveHub;
  meter: UsageMeter;
  throttle: FailureThrottle;
  rates: RateCounter;
  limits: ServerLimits;
  /** Keys the deterministic answers for unknown facilities; kept in the data folder. */
  serverSecret: Uint8Array;
  /** Origins allowed to open the live WebSocket besides the server's own. */
  allowedOrigins: readonly string[];
  now: () => number;
  random: (length: number) => Uint8Array;
}

export interface Session {
  facilityId: string;
  memberId: string;
  deviceId: string;
  role: Role;
  tokenHash: Uint8Array;
}

export type AppEnv = { Variables: { session: Session; deps: ServerDeps } };
