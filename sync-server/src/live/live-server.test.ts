import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createDeviceWriter } from '../testing/device-writer.ts';
import { addMember, createTestServer, registerFacility, type TestFacility, type TestServer } from '../testing/test-server.ts';

let server: TestServer;
let http: ServerType;
let url: string;
let facility: TestFacility;

beforeEach(async () => {
  server = createTestServer();
  facility = await registerFacility(server);
  http = serve({ fetch: server.app.fetch, port: 0, hostname: '127.0.0.1' });
  http.on('upgrade', (req, socket, head) => server.live.handleUpgrade(req, socket, head));
  await new Promise((resolve) => http.once('listening', resolve));
  url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/api/v1/live`;
});
afterEach(async () => {
  await new Promise((resolve) => http.close(resolve));
  await server.close();
});

/** Opens a socket and collects its messages. */
function connect(headers: Record<string, string> = {}) {
  const ws = new WebSocket(url, { headers });
  const messages: any[] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (data) => {
    messages.push(JSON.parse(data.toString()));
    waiters.splice(0).forEach((w) => w());
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  const next = async (predicate: (m: any) => boolean) => {
    for (;;) {
      const found = messages.find(predicate);
      if (found) return found;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  const opened = new Promise<void>((resolve, reject) => {
    ws.on('open', () => resolve());
    ws.on('error', reject);
  });
  return { ws, messages, next, closed, opened };
}

describe('live heads', () => {
  it('announces the current head after auth, then every new head', async () => {
    const c = connect();
    await c.opened;
    c.ws.send(JSON.stringify({ type: 'auth', token: facility.admin.token }));
    expect(await c.next((m) => m.type === 'head')).toEqual({ type: 'head', seq: 0 });
    const w = createDeviceWriter(facility.admin);
    await server.call('POST', '/api/v1/log', { token: facility.admin.token, json: { records: [w.seal('a'), w.seal('b')] } });
    expect(await c.next((m) => m.type === 'head' && m.seq === 2)).toEqual({ type: 'head', seq: 2 });
    c.ws.send(JSON.stringify({ type: 'ping' }));
    expect(await c.next((m) => m.type === 'pong')).toEqual({ type: 'pong' });
    expect(server.live.connectionCount()).toBe(1);
    c.ws.close();
  });

  it('does not tell one facility about another', async () => {
    const other = await registerFacility(server, { name: 'Other Admin' });
    const c = connect();
    await c.opened;
    c.ws.send(JSON.stringify({ type: 'auth', token: other.admin.token }));
    await c.next((m) => m.type === 'head');
    const w = createDeviceWriter(facility.admin);
    await server.call('POST', '/api/v1/log', { token: facility.admin.token, json: { records: [w.seal('a')] } });
    c.ws.send(JSON.stringify({ type: 'ping' }));
    await c.next((m) => m.type === 'pong');
    expect(c.messages.filter((m) => m.type === 'head')).toEqual([{ type: 'head', seq: 0 }]);
    c.ws.close();
  });

  it('refuses a bad token, a bad message and a foreign origin', async () => {
    const bad = connect();
    await bad.opened;
    bad.ws.send(JSON.stringify({ type: 'auth', token: 'A'.repeat(43) }));
    expect(await bad.closed).toBe(4001);

    const junk = connect();
    await junk.opened;
    junk.ws.send('not json');
    expect(await junk.closed).toBe(4000);

    const foreign = connect({ Origin: 'https://evil.example' });
    await expect(foreign.opened).rejects.toThrow(/403/);
  });

  it('closes a revoked device’s connection at once', async () => {
    const m = await addMember(server, facility, 'clinician');
    const c = connect();
    await c.opened;
    c.ws.send(JSON.stringify({ type: 'auth', token: m.token }));
    await c.next((msg) => msg.type === 'head');
    await server.call('POST', `/api/v1/devices/${m.deviceId}/revoke`, { token: facility.admin.token });
    expect(await c.closed).toBe(4003);
  });
});
