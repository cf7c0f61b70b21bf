import { Hono } from 'hono';
import { toBase64Url } from '../../../crypto/index.ts';
import { DeviceId } from '../../../protocol/index.ts';
import { recordAccess } from '../access.ts';
import type { AppEnv } from '../deps.ts';
import { HttpError } from '../errors.ts';
import { isoTime } from '../ids.ts';
import { readParam } from '../middleware/read-body.ts';
import { requireSession } from '../middleware/session.ts';

export function deviceRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();

  // Every member reads the device list: a client checks each record's
  // signature against the key of the device that wrote it, so it needs
  // every device's public key (and whether it was revoked).
  routes.get('/', requireSession(), async (c) => {
    const devices = await c.var.deps.meta.listDevices(c.var.session.facilityId);
    return c.json({
      devices: devices.map((d) => ({
        deviceId: d.deviceId,
        memberId: d.memberId,
        label: d.label,
        publicKey: toBase64Url(d.publicKey),
        createdAt: isoTime(d.createdAt),
        lastSeenAt: d.lastSeenAt === null ? null : isoTime(d.lastSeenAt),
        revokedAt: d.revokedAt === null ? null : isoTime(d.revokedAt),
      })),
    });
  });

  /** Revocation takes effect at once: sessions deleted, live connections closed, later records refused. */
  routes.post('/:deviceId/revoke', requireSession(['admin']), async (c) => {
    const deps = c.var.deps;
    const { facilityId, memberId, deviceId: ownDevice } = c.var.session;
    const deviceId = readParam(c, 'deviceId', DeviceId);
    if (deviceId === ownDevice) throw new HttpError(400, 'bad_request', 'You cannot revoke the device you are using');
    if (!(await deps.meta.revokeDevice(facilityId, deviceId, deps.now()))) {
      throw new HttpError(404, 'not_found', 'No such device in this facility');
    }
    deps.live.disconnectDevice(facilityId, deviceId);
    await recordAccess(c, facilityId, 'device.revoke', { memberId, deviceId: ownDevice }, deviceId);
    return c.body(null, 204);
  });

  return routes;
}
