import type { Context } from 'hono';
import type { AccessAction } from '../../protocol/index.ts';
import type { AppEnv } from './deps.ts';

/** The client's address as the socket saw it (a proxy in front sets X-Forwarded-For only if configured to). */
export function clientAddress(c: Context<AppEnv>): string {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'unknown';
}

/**
 * Appends to the facility's access log: who did what to which subject.
 * Subjects are IDs and counts, never tokens, keys or nonces.
 */
export async function recordAccess(
  c: Context<AppEnv>,
  facilityId: string,
  action: AccessAction,
  who: { memberId?: string | null; deviceId?: string | null },
  subject: string | null = null,
): Promise<void> {
  const deps = c.var.deps;
  await deps.meta.appendAccess({
    facilityId,
    at: deps.now(),
    action,
    memberId: who.memberId ?? null,
    deviceId: who.deviceId ?? null,
    subject,
    address: clientAddress(c),
  });
}
