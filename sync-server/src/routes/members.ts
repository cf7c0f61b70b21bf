import { Hono } from 'hono';
import { z } from 'zod';
import { fromBase64Url } from '../../../crypto/index.ts';
import { base64Url, CreateMemberRequest, MemberId } from '../../../protocol/index.ts';
import { recordAccess } from '../access.ts';
import type { AppEnv } from '../deps.ts';
import { HttpError } from '../errors.ts';
import { isoTime } from '../ids.ts';
import { readJson, readParam } from '../middleware/read-body.ts';
import { requireSession } from '../middleware/session.ts';

/** A password change re-derives the member's keys: new KDF salt, login key and wrap of the facility key. */
const MemberKeys = z.strictObject({
  kdfParams: base64Url(20, 20),
  loginPublicKey: base64Url(32, 32),
  wrappedFacilityKey: base64Url(73, 73),
});

export function memberRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();

  routes.get('/', requireSession(['admin']), async (c) => {
    const members = await c.var.deps.meta.listMembers(c.var.session.facilityId);
    return c.json({
      members: members.map((m) => ({
        memberId: m.memberId,
        role: m.role,
        createdAt: isoTime(m.createdAt),
        disabled: m.disabledAt !== null,
      })),
    });
  });

  // The admin adds a member on the admin's own device, where the new member
  // types their password: only there are the facility key and the new
  // member's key-encryption key both at hand.
  routes.post('/', requireSession(['admin']), async (c) => {
    const deps = c.var.deps;
    const { facilityId, memberId: adminId, deviceId } = c.var.session;
    const body = await readJson(c, CreateMemberRequest, 8 * 1024);
    const memberId = body.memberId;
    if (await deps.meta.getMember(facilityId, memberId)) throw new HttpError(409, 'conflict', 'This member ID is taken');
    const outcome = await deps.meta.createMember({
      facilityId,
      memberId,
      memberHandle: body.memberHandle,
      role: body.role,
      kdfParams: fromBase64Url(body.kdfParams),
      loginPublicKey: fromBase64Url(body.loginPublicKey),
      wrappedFacilityKey: fromBase64Url(body.wrappedFacilityKey),
      createdAt: deps.now(),
      disabledAt: null,
    });
    if (outcome === 'handle_taken') throw new HttpError(409, 'conflict', 'A member with this name already exists');
    await recordAccess(c, facilityId, 'member.create', { memberId: adminId, deviceId }, memberId);
    return c.json({ memberId }, 201);
  });

  for (const [path, disabled] of [['/:memberId/disable', true], ['/:memberId/enable', false]] as const) {
    routes.post(path, requireSession(['admin']), async (c) => {
      const deps = c.var.deps;
      const { facilityId, memberId: adminId, deviceId } = c.var.session;
      const memberId = readParam(c, 'memberId', MemberId);
      if (memberId === adminId) throw new HttpError(400, 'bad_request', 'You cannot disable yourself');
      if (!(await deps.meta.setMemberDisabled(facilityId, memberId, disabled ? deps.now() : null))) {
        throw new HttpError(404, 'not_found', 'No such member in this facility');
      }
      if (disabled) await recordAccess(c, facilityId, 'member.disable', { memberId: adminId, deviceId }, memberId);
      return c.body(null, 204);
    });
  }

  routes.put('/me/keys', requireSession(), async (c) => {
    const { facilityId, memberId } = c.var.session;
    const body = await readJson(c, MemberKeys, 4096);
    await c.var.deps.meta.updateMemberKeys(facilityId, memberId, {
      kdfParams: fromBase64Url(body.kdfParams),
      loginPublicKey: fromBase64Url(body.loginPublicKey),
      wrappedFacilityKey: fromBase64Url(body.wrappedFacilityKey),
    });
    return c.body(null, 204);
  });

  return routes;
}
