import type { Context } from 'hono';
import type { z } from 'zod';
import { toBase64Url } from '../../../crypto/index.ts';
import type { SessionResponse } from '../../../protocol/index.ts';
import type { AppEnv } from '../deps.ts';
import { isoTime } from '../ids.ts';
import { hashToken } from '../middleware/session.ts';
import type { MemberRow } from '../store/index.ts';

/** Opens a session for a member on a device; the token is returned once and stored only as a hash. */
export async function openSession(
  c: Context<AppEnv>,
  member: MemberRow,
  deviceId: string,
): Promise<z.infer<typeof SessionResponse>> {
  const deps = c.var.deps;
  const token = deps.random(32);
  const now = deps.now();
  const absoluteExpiresAt = now + deps.limits.sessionAbsoluteMs;
  await deps.meta.createSession({
    tokenHash: hashToken(token),
    facilityId: member.facilityId,
    memberId: member.memberId,
    deviceId,
    createdAt: now,
    lastUsedAt: now,
    absoluteExpiresAt,
  });
  return {
    token: toBase64Url(token),
    facilityId: member.facilityId,
    memberId: member.memberId,
    deviceId,
    role: member.role,
    wrappedFacilityKey: toBase64Url(member.wrappedFacilityKey),
    idleExpiresAt: isoTime(Math.min(now + deps.limits.sessionIdleMs, absoluteExpiresAt)),
    absoluteExpiresAt: isoTime(absoluteExpiresAt),
  };
}
