import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccessLogResponse } from '../../../protocol/index.ts';
import { addMember, createTestServer, registerFacility, type TestFacility, type TestServer } from '../testing/test-server.ts';

let server: TestServer;
let facility: TestFacility;

beforeEach(async () => {
  server = createTestServer();
  facility = await registerFacility(server);
});

afterEach(async () => {
  await server.close();
});

/** Appends `count` entries a second apart, as routes would. */
async function appendEntries(facilityId: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    server.clock.advance(1000);
    await server.deps.meta.appendAccess({
      facilityId,
      at: server.clock.now(),
      action: 'blob.download',
      memberId: facility.admin.memberId,
      deviceId: facility.admin.deviceId,
      subject: `entry-${i}`,
      address: '192.0.2.1',
    });
  }
}

describe('GET /api/v1/access-log', () => {
  it('lists the facility’s entries newest first with ISO times', async () => {
    const res = await server.call('GET', '/api/v1/access-log', { token: facility.admin.token });
    expect(res.status).toBe(200);
    expect(AccessLogResponse.safeParse(res.body).success).toBe(true);
    // Registration: facility.register and device.enrol.
    const actions = res.body.entries.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['facility.register', 'device.enrol']));
    expect(res.body.entries[0].at).toBe(new Date(server.clock.now()).toISOString());
    expect(res.body.next).toBeNull();
  });

  it('pages with limit and the next cursor, without gaps or repeats', async () => {
    await appendEntries(facility.facilityId, 7);
    const seen: string[] = [];
    let path = '/api/v1/access-log?limit=3';
    for (;;) {
      const res = await server.call('GET', path, { token: facility.admin.token });
      expect(res.status).toBe(200);
      expect(res.body.entries.length).toBeLessThanOrEqual(3);
      seen.push(...res.body.entries.map((e: { subject: string | null; action: string }) => e.subject ?? e.action));
      if (res.body.next === null) break;
      path = `/api/v1/access-log?limit=3&before=${res.body.next}`;
    }
    const total = (await server.deps.meta.listAccess(facility.facilityId, { limit: 500 })).entries.length;
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    expect(seen.slice(0, 7)).toEqual(['entry-6', 'entry-5', 'entry-4', 'entry-3', 'entry-2', 'entry-1', 'entry-0']);
  });

  it('defaults to 100 entries and allows up to 500', async () => {
    await appendEntries(facility.facilityId, 120);
    const first = await server.call('GET', '/api/v1/access-log', { token: facility.admin.token });
    expect(first.body.entries).toHaveLength(100);
    expect(first.body.next).toEqual(expect.any(String));
    const all = await server.call('GET', '/api/v1/access-log?limit=500', { token: facility.admin.token });
    expect(all.body.entries.length).toBeGreaterThanOrEqual(120);
    expect(all.body.next).toBeNull();
  });

  it('shows one facility nothing of another', async () => {
    const other = await registerFacility(server, { name: 'Other Admin' });
    await appendEntries(other.facilityId, 3);
    const res = await server.call('GET', '/api/v1/access-log?limit=500', { token: facility.admin.token });
    expect(res.body.entries.some((e: { subject: string | null }) => e.subject?.startsWith('entry-'))).toBe(false);
  });

  it('refuses bad queries with 400 JSON', async () => {
    for (const query of ['limit=0', 'limit=501', 'limit=abc', 'limit=1.5', 'limit=-1', 'before=-1', 'before=0', 'before=abc', 'before=1e3', 'after=3']) {
      const res = await server.call('GET', `/api/v1/access-log?${query}`, { token: facility.admin.token });
      expect(res.status, query).toBe(400);
      expect(res.body.code).toBe('invalid_request');
    }
  });

  it('is for admins only', async () => {
    for (const role of ['clinician', 'viewer'] as const) {
      const member = await addMember(server, facility, role);
      expect((await server.call('GET', '/api/v1/access-log', { token: member.token })).status).toBe(403);
    }
    expect((await server.call('GET', '/api/v1/access-log')).status).toBe(401);
    server.clock.advance(server.deps.limits.sessionIdleMs + 1);
    const expired = await server.call('GET', '/api/v1/access-log', { token: facility.admin.token });
    expect(expired.status).toBe(401);
  });
});
