import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageResponse } from '../../../protocol/index.ts';
import { addMember, createTestServer, login, registerFacility, type TestFacility, type TestServer, uploadPart } from '../testing/test-server.ts';

let server: TestServer;
let facility: TestFacility;

beforeEach(async () => {
  server = createTestServer({ limits: { quotaBytes: 5 * 1024 ** 2 } });
  facility = await registerFacility(server);
});

afterEach(async () => {
  await server.close();
});

async function upload(token: string): Promise<{ address: string; size: number }> {
  const part = await uploadPart(server, token, 4000);
  expect(part.status).toBe(201);
  return part;
}

describe('GET /api/v1/usage', () => {
  it('reports bytes stored, the quota and this month’s counters, including what the meter has not written yet', async () => {
    const token = facility.admin.token;
    const blob = await upload(token);
    await server.call('GET', `/api/v1/blobs/${blob.address}`, { token });

    const res = await server.call('GET', '/api/v1/usage', { token });
    expect(res.status).toBe(200);
    expect(UsageResponse.safeParse(res.body).success).toBe(true);
    expect(res.body.bytesStored).toBe(blob.size);
    expect(res.body.quotaBytes).toBe(5 * 1024 ** 2);
    expect(res.body.months).toHaveLength(1);
    expect(res.body.months[0]).toMatchObject({ month: '2026-11', bytesServed: blob.size });
    // The upload, the download and this request at least.
    expect(res.body.months[0].requests).toBeGreaterThanOrEqual(3);
  });

  it('lists months newest first and counts each facility apart', async () => {
    const other = await registerFacility(server, { name: 'Other Admin' });
    await upload(other.admin.token);
    await server.call('GET', '/api/v1/usage', { token: facility.admin.token });
    server.clock.advance(40 * 24 * 3600_000);
    // The session has long ended: the admin signs in again.
    const { token } = await login(server, facility, { name: facility.admin.name, password: facility.admin.password, newDevice: true });
    const res = await server.call('GET', '/api/v1/usage', { token });
    expect(res.status).toBe(200);
    expect(res.body.bytesStored).toBe(0);
    expect(res.body.months.map((m: { month: string }) => m.month)).toEqual(['2027-01', '2026-11']);
  });

  it('is for admins only', async () => {
    for (const role of ['clinician', 'viewer'] as const) {
      const member = await addMember(server, facility, role);
      const res = await server.call('GET', '/api/v1/usage', { token: member.token });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('forbidden');
    }
    expect((await server.call('GET', '/api/v1/usage')).status).toBe(401);
    server.clock.advance(server.deps.limits.sessionIdleMs + 1);
    const expired = await server.call('GET', '/api/v1/usage', { token: facility.admin.token });
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe('session_expired');
  });
});
