import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deriveMemberHandle } from '../../../crypto/index.ts';
import {
  addMember,
  createTestServer,
  login,
  registerFacility,
  unwrapReturnedFacilityKey,
  type TestFacility,
  type TestServer,
} from '../testing/test-server.ts';

let server: TestServer;
let facility: TestFacility;

beforeEach(async () => {
  server = createTestServer();
  facility = await registerFacility(server);
});
afterEach(() => server.close());

describe('registration and challenge login', () => {
  it('registers in two steps and opens a session for the first device', async () => {
    const me = await server.call('GET', '/api/v1/auth/session', { token: facility.admin.token });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      facilityId: facility.facilityId,
      memberId: facility.admin.memberId,
      deviceId: facility.admin.deviceId,
      role: 'admin',
    });
    const again = await server.call('POST', `/api/v1/facilities/${facility.facilityId}/activate`, { json: {} });
    expect(again.status).toBe(400);
  });

  it('signs in on an enrolled device with password + secret key, and returns the wrapped facility key', async () => {
    const s = await login(server, facility, { ...facility.admin, deviceId: facility.admin.deviceId });
    expect(s.deviceId).toBe(facility.admin.deviceId);
    expect(unwrapReturnedFacilityKey(s)).toEqual(facility.facilityKey);
  });

  it('refuses a wrong password or secret key with one answer, and logs it', async () => {
    const wrong = login(server, facility, { name: facility.admin.name, password: 'wrong password', deviceId: facility.admin.deviceId });
    await expect(wrong).rejects.toMatchObject({ status: 401, body: { code: 'login_failed' } });
    const log = await server.call('GET', '/api/v1/access-log', { token: facility.admin.token });
    expect(log.body.entries.map((e: { action: string }) => e.action)).toContain('login.failed');
  });

  it('answers prelogin for unknown facilities and members like for real ones, stably', async () => {
    const ask = (facilityId: string, name: string) =>
      server.call('POST', '/api/v1/auth/prelogin', { json: { facilityId, memberHandle: deriveMemberHandle(facilityId, name) } });
    const real = await ask(facility.facilityId, facility.admin.name);
    const unknownMember = await ask(facility.facilityId, 'Nobody');
    const unknownFacility = await ask('fac_AAAAAAAAAAAAAAAAAAAAAA', 'Nobody');
    for (const r of [real, unknownMember, unknownFacility]) {
      expect(r.status).toBe(200);
      expect(Object.keys(r.body).sort()).toEqual(['kdfParams', 'memberId', 'nonce']);
      expect(r.body.kdfParams).toHaveLength(real.body.kdfParams.length);
    }
    const twice = await ask('fac_AAAAAAAAAAAAAAAAAAAAAA', 'Nobody');
    expect(twice.body.memberId).toBe(unknownFacility.body.memberId);
    expect(twice.body.kdfParams).toBe(unknownFacility.body.kdfParams);
    expect(twice.body.nonce).not.toBe(unknownFacility.body.nonce);
  });

  it('uses each nonce once and only for 60 seconds', async () => {
    const pre = await server.call('POST', '/api/v1/auth/prelogin', {
      json: { facilityId: facility.facilityId, memberHandle: deriveMemberHandle(facility.facilityId, facility.admin.name) },
    });
    server.clock.advance(61_000);
    const late = await server.call('POST', '/api/v1/auth/login', {
      json: {
        facilityId: facility.facilityId,
        memberId: pre.body.memberId,
        nonce: pre.body.nonce,
        signature: 'A'.repeat(86),
        deviceId: facility.admin.deviceId,
      },
    });
    expect(late.status).toBe(401);
  });

  it('throttles failures per address without locking the facility out for others', async () => {
    for (let i = 0; i < 10; i++) {
      await expect(
        login(server, facility, { name: facility.admin.name, password: `guess ${i}`, deviceId: facility.admin.deviceId }),
      ).rejects.toMatchObject({ status: 401 });
    }
    const blocked = await server.call('POST', '/api/v1/auth/login', {
      json: { facilityId: facility.facilityId, memberId: facility.admin.memberId, nonce: 'A'.repeat(43), signature: 'A'.repeat(86), deviceId: facility.admin.deviceId },
    });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('Retry-After'))).toBeGreaterThan(0);
    // The attacker's address is throttled; the clinic, elsewhere, signs in.
    const pre = await server.call('POST', '/api/v1/auth/prelogin', {
      address: '10.1.2.3',
      json: { facilityId: facility.facilityId, memberHandle: deriveMemberHandle(facility.facilityId, facility.admin.name) },
    });
    expect(pre.status).toBe(200);
    const s = await loginFrom('10.1.2.3');
    expect(s.status).toBe(200);
  });

  it('ends sessions when idle and at their absolute limit, and on logout', async () => {
    const member = await addMember(server, facility, 'clinician');
    server.clock.advance(31 * 60_000);
    const idle = await server.call('GET', '/api/v1/auth/session', { token: member.token });
    expect(idle.status).toBe(401);
    expect(idle.body.code).toBe('session_expired');

    // Busy all day, one request every 20 minutes: still ends 12 hours after login.
    const s = await login(server, facility, { ...facility.admin, deviceId: facility.admin.deviceId });
    for (let minutes = 0; minutes < 12 * 60; minutes += 20) {
      expect((await server.call('GET', '/api/v1/auth/session', { token: s.token })).status).toBe(200);
      server.clock.advance(20 * 60_000);
    }
    expect((await server.call('GET', '/api/v1/auth/session', { token: s.token })).status).toBe(401);

    const t = await login(server, facility, { ...facility.admin, deviceId: facility.admin.deviceId });
    expect((await server.call('POST', '/api/v1/auth/logout', { token: t.token })).status).toBe(204);
    expect((await server.call('GET', '/api/v1/auth/session', { token: t.token })).status).toBe(401);
  });
});

/** A full client login from another address (the harness' login uses the default one). */
async function loginFrom(address: string) {
  const { deriveAccountKeys, fromBase64Url, parseKdfParams, signLoginChallenge, toBase64Url } = await import('../../../crypto/index.ts');
  const pre = await server.call('POST', '/api/v1/auth/prelogin', {
    address,
    json: { facilityId: facility.facilityId, memberHandle: deriveMemberHandle(facility.facilityId, facility.admin.name) },
  });
  const keys = await deriveAccountKeys(facility.admin.password, facility.secretKey, facility.facilityId, parseKdfParams(fromBase64Url(pre.body.kdfParams)));
  const sig = signLoginChallenge(keys.login.secretKey, { facilityId: facility.facilityId, memberId: pre.body.memberId, nonce: fromBase64Url(pre.body.nonce) });
  return server.call('POST', '/api/v1/auth/login', {
    address,
    json: { facilityId: facility.facilityId, memberId: pre.body.memberId, nonce: pre.body.nonce, signature: toBase64Url(sig), deviceId: facility.admin.deviceId },
  });
}

describe('bad requests get JSON 4xx, never 500', () => {
  const cases: [string, string, RequestInit & { headers?: Record<string, string> }, number][] = [
    ['malformed JSON', '/api/v1/auth/prelogin', { body: '{"facilityId":', headers: { 'Content-Type': 'application/json' } }, 400],
    ['wrong types', '/api/v1/auth/prelogin', { body: '{"facilityId":1,"memberHandle":[]}', headers: { 'Content-Type': 'application/json' } }, 400],
    ['unknown fields', '/api/v1/auth/prelogin', { body: JSON.stringify({ facilityId: 'fac_AAAAAAAAAAAAAAAAAAAAAA', memberHandle: 'A'.repeat(22), admin: true }), headers: { 'Content-Type': 'application/json' } }, 400],
    ['bad base64', '/api/v1/auth/prelogin', { body: JSON.stringify({ facilityId: 'fac_AAAAAAAAAAAAAAAAAAAAAA', memberHandle: '!!!!' }), headers: { 'Content-Type': 'application/json' } }, 400],
    ['not JSON', '/api/v1/auth/prelogin', { body: 'hello', headers: { 'Content-Type': 'text/plain' } }, 415],
    ['oversized body', '/api/v1/auth/prelogin', { body: JSON.stringify({ x: 'a'.repeat(5000) }), headers: { 'Content-Type': 'application/json' } }, 413],
    ['path traversal ID', '/api/v1/facilities/..%2F..%2Fetc/activate', { body: '{}', headers: { 'Content-Type': 'application/json' } }, 400],
    ['unknown API route', '/api/v1/nothing', {}, 404],
  ];
  for (const [name, path, init, status] of cases) {
    it(name, async () => {
      const res = await server.app.request(path, { method: 'POST', ...init });
      expect(res.status).toBe(status);
      const body = await res.json();
      expect(body).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    });
  }
});

describe('non-canonical base64url', () => {
  it('is refused with 400, not decoded into a 500', async () => {
    const res = await server.call('POST', '/api/v1/auth/login', {
      json: {
        facilityId: facility.facilityId,
        memberId: facility.admin.memberId,
        nonce: 'A'.repeat(42) + 'B',
        signature: 'A'.repeat(86),
        deviceId: facility.admin.deviceId,
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_request');
  });
});
