import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { fromBase64Url } from '../../../crypto/index.ts';
import type { AppEnv, Session } from '../deps.ts';
import { HttpError } from '../errors.ts';
import type { Role } from '../store/index.ts';

export function hashToken(token: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(token).digest());
}

/** Writing lastUsedAt on every request would be a write per read; a minute's precision is enough for idle expiry. */
const TOUCH_EVERY_MS = 60_000;

/**
 * Checks `Authorization: Bearer <token>` against the session store: expired
 * (idle or absolute) → 401, revoked device → 401 (its sessions are deleted
 * on revocation, so this is the same check), disabled member → 401, role not
 * in `roles` → 403. Sets c.var.session.
 */
export function requireSession(roles: readonly Role[] = ['admin', 'clinician', 'viewer']): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const deps = c.var.deps;
    const session = await authenticate(c.req.header('Authorization'), deps);
    if (!roles.includes(session.role)) {
      throw new HttpError(403, 'forbidden', `This needs the role ${roles.join(' or ')}; you are ${session.role}`);
    }
    const wait = deps.rates.hit(session.facilityId + session.deviceId, deps.limits.requestsPerMinute);
    if (wait > 0) {
      throw new HttpError(429, 'rate_limited', 'Too many requests from this device; slow down', undefined, {
        'Retry-After': String(Math.ceil(wait / 1000)),
      });
    }
    c.set('session', session);
    deps.meter.count(session.facilityId, { requests: 1 });
    await next();
  };
}

export async function authenticate(authorization: string | undefined, deps: AppEnv['Variables']['deps']): Promise<Session> {
  const match = /^Bearer ([A-Za-z0-9_-]{42}[AEIMQUYcgkosw048])$/.exec(authorization ?? ''); // only canonical base64url of 32 bytes: fromBase64Url throws on the rest
  if (!match) throw new HttpError(401, 'unauthorized', 'Sign in first: no valid session token was sent');
  const tokenHash = hashToken(fromBase64Url(match[1]!));
  const row = await deps.meta.getSession(tokenHash);
  const now = deps.now();
  if (!row) throw new HttpError(401, 'unauthorized', 'The session has ended; sign in again');
  if (now >= row.absoluteExpiresAt || now >= row.lastUsedAt + deps.limits.sessionIdleMs) {
    await deps.meta.deleteSession(tokenHash);
    throw new HttpError(401, 'session_expired', 'The session expired; sign in again');
  }
  const member = await deps.meta.getMember(row.facilityId, row.memberId);
  if (!member || member.disabledAt !== null) {
    await deps.meta.deleteSession(tokenHash);
    throw new HttpError(401, 'unauthorized', 'This member has been disabled');
  }
  if (now - row.lastUsedAt > TOUCH_EVERY_MS) await deps.meta.touchSession(tokenHash, now);
  return { facilityId: row.facilityId, memberId: row.memberId, deviceId: row.deviceId, role: member.role, tokenHash };
}
