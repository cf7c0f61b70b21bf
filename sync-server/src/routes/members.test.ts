import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addMember, createTestServer, login, registerFacility, type TestFacility, type TestServer } from '../testing/test-server.ts';

let server: TestServer;
let facility: TestFacility;

beforeEach(async () => {
  server = createTestServer();
  facility = await registerFacility(server);
});
afterEach(() => server.close());

describe('members and devices', () => {
  it('the admin adds named staff; each signs in with their own name and password', async () => {
    const nurse = await addMember(server, facility, 'clinician', { name: 'Nurse Kato', password: 'kato password 1' });
    expect(nurse.role).toBe('clinician');
    const again = await login(server, facility, { name: 'nurse kato', password: 'kato password 1', deviceId: nurse.deviceId });
    expect(again.memberId).toBe(nurse.memberId);
    const list = await server.call('GET', '/api/v1/members', { token: facility.admin.token });
    expect(list.body.members.map((m: { role: string }) => m.role).sort()).toEqual(['admin', 'clinician']);
    // Names are not stored: the member list has IDs and roles only.
    expect(JSON.stringify(list.body)).not.toContain('Kato');
  });

  it('enforces roles on every administrative route', async () => {
    const viewer = await addMember(server, facility, 'viewer');
    const clinician = await addMember(server, facility, 'clinician');
    for (const token of [viewer.token, clinician.token]) {
      expect((await server.call('GET', '/api/v1/members', { token })).status).toBe(403);
      // The device list is not administrative: every client needs the keys to check records.
      const devices = await server.call('GET', '/api/v1/devices', { token });
      expect(devices.status).toBe(200);
      expect(devices.body.devices.map((d: { deviceId: string }) => d.deviceId)).toContain(facility.admin.deviceId);
      expect((await server.call('POST', `/api/v1/devices/${facility.admin.deviceId}/revoke`, { token })).status).toBe(403);
    }
    expect((await server.call('GET', '/api/v1/members')).status).toBe(401);
  });

  it('a disabled member cannot sign in and their sessions end', async () => {
    const m = await addMember(server, facility, 'clinician', { name: 'Dr Leaving', password: 'leaving pass 1' });
    expect((await server.call('POST', `/api/v1/members/${m.memberId}/disable`, { token: facility.admin.token })).status).toBe(204);
    expect((await server.call('GET', '/api/v1/auth/session', { token: m.token })).status).toBe(401);
    await expect(login(server, facility, { name: 'Dr Leaving', password: 'leaving pass 1', deviceId: m.deviceId })).rejects.toMatchObject({ status: 401 });
    expect((await server.call('POST', `/api/v1/members/${m.memberId}/enable`, { token: facility.admin.token })).status).toBe(204);
    await login(server, facility, { name: 'Dr Leaving', password: 'leaving pass 1', deviceId: m.deviceId });
  });

  it('revoking a device ends its session at once and refuses it later', async () => {
    const m = await addMember(server, facility, 'clinician', { name: 'Dr Lost Tablet', password: 'tablet pass 1' });
    const revoke = await server.call('POST', `/api/v1/devices/${m.deviceId}/revoke`, { token: facility.admin.token });
    expect(revoke.status).toBe(204);
    expect((await server.call('GET', '/api/v1/auth/session', { token: m.token })).status).toBe(401);
    await expect(
      login(server, facility, { name: 'Dr Lost Tablet', password: 'tablet pass 1', deviceId: m.deviceId }),
    ).rejects.toMatchObject({ status: 401, body: { code: 'device_revoked' } });
    const devices = await server.call('GET', '/api/v1/devices', { token: facility.admin.token });
    const d = devices.body.devices.find((x: { deviceId: string }) => x.deviceId === m.deviceId);
    expect(d.revokedAt).not.toBeNull();
    const log = await server.call('GET', '/api/v1/access-log', { token: facility.admin.token });
    expect(log.body.entries.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['device.revoke', 'device.enrol', 'member.create', 'login']));
  });

  it('refuses a second member with the same name', async () => {
    await addMember(server, facility, 'viewer', { name: 'Same Name' });
    await expect(addMember(server, facility, 'viewer', { name: 'same  name' })).rejects.toThrow(/409/);
  });
});
