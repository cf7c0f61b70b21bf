import { Hono } from 'hono';
import { fromBase64Url } from '../../../crypto/index.ts';
import { ActivateFacilityRequest, FacilityId } from '../../../protocol/index.ts';
import { clientAddress, recordAccess } from '../access.ts';
import type { AppEnv } from '../deps.ts';
import { HttpError } from '../errors.ts';
import { newId } from '../ids.ts';
import { readJson, readParam } from '../middleware/read-body.ts';
import { openSession } from './sessions.ts';

const REGISTRATIONS_PER_ADDRESS = 20;
const REGISTRATION_WINDOW_MS = 3600_000;

/**
 * Registration in two steps, because the client derives its keys with the
 * facility ID (HKDF salt): 1. the server issues the facility and admin IDs;
 * 2. the client sends its public key, wrapped facility key and first device.
 */
export function facilityRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();

  routes.post('/', async (c) => {
    const deps = c.var.deps;
    const key = `register:${clientAddress(c)}`;
    const wait = deps.throttle.retryAfter(key, REGISTRATIONS_PER_ADDRESS, REGISTRATION_WINDOW_MS);
    if (wait > 0) {
      throw new HttpError(429, 'rate_limited', 'Too many registrations from this address; try again later', undefined, {
        'Retry-After': String(Math.ceil(wait / 1000)),
      });
    }
    deps.throttle.add(key, REGISTRATION_WINDOW_MS);
    const now = deps.now();
    await deps.meta.deletePendingFacilities(now - deps.limits.pendingFacilityMs);
    const facilityId = newId(deps, 'fac');
    const memberId = newId(deps, 'mem');
    await deps.meta.createFacility({ facilityId, memberId, createdAt: now, quotaBytes: deps.limits.quotaBytes });
    return c.json({ facilityId, memberId }, 201);
  });

  routes.post('/:facilityId/activate', async (c) => {
    const deps = c.var.deps;
    const facilityId = readParam(c, 'facilityId', FacilityId);
    const body = await readJson(c, ActivateFacilityRequest, 16 * 1024);
    const memberId = await deps.meta.getPendingAdmin(facilityId);
    if (!memberId) throw new HttpError(404, 'not_found', 'No facility is waiting for activation under this ID');
    const now = deps.now();
    const deviceId = newId(deps, 'dev');
    const admin = {
      memberId,
      memberHandle: body.memberHandle,
      kdfParams: fromBase64Url(body.kdfParams),
      loginPublicKey: fromBase64Url(body.loginPublicKey),
      wrappedFacilityKey: fromBase64Url(body.wrappedFacilityKey),
    };
    const activated = await deps.meta.activateFacility({
      facilityId,
      transferPublicKey: fromBase64Url(body.transferPublicKey),
      admin,
      device: {
        deviceId,
        memberId,
        label: body.device.label,
        publicKey: fromBase64Url(body.device.publicKey),
        createdAt: now,
      },
      at: now,
    });
    if (!activated) throw new HttpError(409, 'conflict', 'This facility is already active');
    const member = (await deps.meta.getMember(facilityId, memberId))!;
    await recordAccess(c, facilityId, 'facility.register', { memberId, deviceId });
    await recordAccess(c, facilityId, 'device.enrol', { memberId, deviceId }, deviceId);
    return c.json(await openSession(c, member, deviceId), 201);
  });

  return routes;
}
