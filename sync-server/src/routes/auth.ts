import { createHmac } from 'node:crypto';
import { Hono } from 'hono';
import { equalBytes, fromBase64Url, toBase64Url, verifyLoginChallenge } from '../../../crypto/index.ts';
import { LoginRequest, PreloginRequest } from '../../../protocol/index.ts';
import { clientAddress, recordAccess } from '../access.ts';
import type { AppEnv, ServerDeps } from '../deps.ts';
import { HttpError } from '../errors.ts';
import { newId } from '../ids.ts';
import { readJson } from '../middleware/read-body.ts';
import { requireSession } from '../middleware/session.ts';
import { openSession } from './sessions.ts';

/**
 * Failed logins are limited per address and per (facility, address), never
 * per facility alone: an attacker elsewhere cannot lock a clinic out. Online
 * guessing is hopeless anyway, since the login key also needs the Secret Key.
 */
const FAILURE_WINDOW_MS = 15 * 60_000;
const FAILURES_PER_ADDRESS = 30;
const FAILURES_PER_FACILITY_ADDRESS = 10;

/** What an unknown facility or member gets: stable per input and server, so it looks like a real account. */
function fakeAccount(deps: ServerDeps, facilityId: string, memberHandle: string) {
  const mac = (label: string) =>
    new Uint8Array(createHmac('sha256', deps.serverSecret).update(`${label}\0${facilityId}\0${memberHandle}`).digest());
  const salt = mac('salt').subarray(0, 16);
  return {
    memberId: `mem_${toBase64Url(mac('member')).slice(0, 22)}`,
    // Same layout and cost as createKdfParams' default (version 1, N = 2^17, r = 8, p = 1).
    kdfParams: toBase64Url(new Uint8Array([1, 17, 8, 1, ...salt])),
  };
}

export function authRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();

  routes.post('/prelogin', async (c) => {
    const deps = c.var.deps;
    const body = await readJson(c, PreloginRequest, 1024);
    const facility = await deps.meta.getFacility(body.facilityId);
    const member =
      facility?.activatedAt != null ? await deps.meta.findMemberByHandle(body.facilityId, body.memberHandle) : null;
    const nonce = deps.random(32);
    if (!member || member.disabledAt !== null) {
      return c.json({ ...fakeAccount(deps, body.facilityId, body.memberHandle), nonce: toBase64Url(nonce) });
    }
    await deps.meta.putChallenge({
      nonce,
      facilityId: body.facilityId,
      subject: member.memberId,
      expiresAt: deps.now() + deps.limits.challengeMs,
    });
    return c.json({ memberId: member.memberId, kdfParams: toBase64Url(member.kdfParams), nonce: toBase64Url(nonce) });
  });

  routes.post('/login', async (c) => {
    const deps = c.var.deps;
    const body = await readJson(c, LoginRequest, 4096);
    const address = clientAddress(c);
    const keys = [`login:${address}`, `login:${body.facilityId}:${address}`];
    const wait = Math.max(
      deps.throttle.retryAfter(keys[0]!, FAILURES_PER_ADDRESS, FAILURE_WINDOW_MS),
      deps.throttle.retryAfter(keys[1]!, FAILURES_PER_FACILITY_ADDRESS, FAILURE_WINDOW_MS),
    );
    if (wait > 0) {
      throw new HttpError(429, 'rate_limited', 'Too many failed sign-ins from here; wait and try again', undefined, {
        'Retry-After': String(Math.ceil(wait / 1000)),
      });
    }
    const fail = async (): Promise<never> => {
      for (const key of keys) deps.throttle.add(key, FAILURE_WINDOW_MS);
      const facility = await deps.meta.getFacility(body.facilityId);
      if (facility?.activatedAt != null) await recordAccess(c, body.facilityId, 'login.failed', { memberId: null }, null);
      // One answer for every cause, so it does not tell which part was wrong.
      throw new HttpError(401, 'login_failed', 'The name, password or secret key is not right');
    };

    const nonce = fromBase64Url(body.nonce);
    const challenge = await deps.meta.takeChallenge(nonce, deps.now());
    if (!challenge || challenge.facilityId !== body.facilityId || challenge.subject !== body.memberId) return fail();
    const member = await deps.meta.getMember(body.facilityId, body.memberId);
    if (!member || member.disabledAt !== null) return fail();
    const ok = verifyLoginChallenge(
      member.loginPublicKey,
      { facilityId: body.facilityId, memberId: body.memberId, nonce },
      fromBase64Url(body.signature),
    );
    if (!ok) return fail();

    let deviceId: string;
    if (body.deviceId !== undefined) {
      const device = await deps.meta.getDevice(body.facilityId, body.deviceId);
      if (!device) throw new HttpError(404, 'not_found', 'This device is not enrolled in the facility');
      if (device.revokedAt !== null) {
        throw new HttpError(401, 'device_revoked', 'This device was revoked by an administrator; enrol it again');
      }
      deviceId = device.deviceId;
    } else {
      const publicKey = fromBase64Url(body.newDevice!.publicKey);
      const existing = (await deps.meta.listDevices(body.facilityId)).find((d) => equalBytes(d.publicKey, publicKey));
      if (existing) throw new HttpError(409, 'conflict', 'This device key is already enrolled');
      deviceId = newId(deps, 'dev');
      await deps.meta.createDevice({
        facilityId: body.facilityId,
        deviceId,
        memberId: member.memberId,
        label: body.newDevice!.label,
        publicKey,
        createdAt: deps.now(),
      });
      await recordAccess(c, body.facilityId, 'device.enrol', { memberId: member.memberId, deviceId }, deviceId);
    }
    for (const key of keys) deps.throttle.clear(key);
    await recordAccess(c, body.facilityId, 'login', { memberId: member.memberId, deviceId });
    return c.json(await openSession(c, member, deviceId));
  });

  routes.post('/logout', requireSession(), async (c) => {
    await c.var.deps.meta.deleteSession(c.var.session.tokenHash);
    return c.body(null, 204);
  });

  routes.get('/session', requireSession(), (c) => {
    const { facilityId, memberId, deviceId, role } = c.var.session;
    return c.json({ facilityId, memberId, deviceId, role });
  });

  return routes;
}
