import type { Context } from 'hono';
import type { AccessAction } from '../../protocol/index.ts';
import type { AppEnv } from './deps.ts';

/** The client's address as the socket saw it (a proxy in front sets X-Forwarded-For only if configured to). */
export function clientAddress(c: Context<AppEnv>): string {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'unknown';
}

/** Reads: they change nothing the server keeps, and their entries are written in batches. */
export type ReadAction = Extract<AccessAction, 'log.pull' | 'blob.download'>;
/** Everything else, security events above all: written durably before the answer. */
export type DurableAction = Exclude<AccessAction, ReadAction>;

type Who = { memberId?: string | null; deviceId?: string | null };

function entry(c: Context<AppEnv>, facilityId: string, action: AccessAction, who: Who, subject: string | null) {
  return {
    facilityId,
    at: c.var.deps.now(),
    action,
    memberId: who.memberId ?? null,
    deviceId: who.deviceId ?? null,
    subject,
    address: clientAddress(c),
  };
}

/**
 * Appends to the facility's access log: who did what to which subject,
 * durably (fsync'd) before it resolves, so the answer follows its entry.
 * Subjects are IDs and counts, never tokens, keys or nonces.
 */
export async function recordAccess(
  c: Context<AppEnv>,
  facilityId: string,
  action: DurableAction,
  who: Who,
  subject: string | null = null,
): Promise<void> {
  await c.var.deps.meta.appendAccess(entry(c, facilityId, action, who, subject));
}

/**
 * Logs a read (a pull, a blob download): queued and written with others
 * within a second, on shutdown, and before any listing of the log; why a
 * read may be logged this way is argued in store/access-queue.ts. Throws,
 * refusing the read, when the store has stopped taking entries.
 */
export function recordReadAccess(c: Context<AppEnv>, facilityId: string, action: ReadAction, who: Who, subject: string | null): void {
  c.var.deps.meta.queueAccess(entry(c, facilityId, action, who, subject));
}
