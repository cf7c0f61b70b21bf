import { createHash, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PART_BYTES } from '../../crypto/index.ts';
import { DEFAULT_CONTENT_SECURITY_POLICY } from './middleware/security-headers.ts';
import { createDeviceWriter } from './testing/device-writer.ts';
import { createHttpCaller, createTestServer, registerFacility, type TestFacility, type TestServer } from './testing/test-server.ts';

// The server behind @hono/node-server on a real socket, as main.ts runs it.
// Other route tests call app.request in-process, which never takes the
// Node-only paths: bodies read from the request itself (with and without a
// Content-Length), responses written as bytes rather than streams.

let server: TestServer;
let http: ServerType;
let baseUrl: string;
let facility: TestFacility;

beforeEach(async () => {
  server = createTestServer();
  http = serve({ fetch: server.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => http.once('listening', resolve));
  baseUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  facility = await registerFacility(createHttpCaller(baseUrl));
});
afterEach(async () => {
  await new Promise((resolve) => http.close(resolve));
  await server.close();
});

function makePart(length: number): { bytes: Uint8Array<ArrayBuffer>; address: string } {
  const bytes = new Uint8Array(randomBytes(length));
  return { bytes, address: createHash('sha256').update(bytes).digest('hex') };
}

/** The bytes as a stream of 64 KiB pieces: fetch sends it chunked, with no Content-Length. */
function chunked(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + 65536));
      at += 65536;
    },
  });
}

function put(address: string, body: BodyInit, token = facility.admin.token): Promise<Response> {
  return fetch(`${baseUrl}/api/v1/blobs/${address}`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' },
    body,
    duplex: 'half',
  } as RequestInit);
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (const started = Date.now(); !condition(); ) {
    if (Date.now() - started > 5000) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function get(address: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${baseUrl}/api/v1/blobs/${address}`, {
    ...init,
    headers: { Authorization: `Bearer ${facility.admin.token}`, ...(init.headers as Record<string, string>) },
  });
}

describe('over a real socket', () => {
  it('stores a part sent with a Content-Length and serves it back whole, by range and by HEAD', async () => {
    const part = makePart(PART_BYTES);
    const res = await put(part.address, part.bytes);
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ address: part.address, size: PART_BYTES, stored: true });

    const whole = await get(part.address);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('Content-Length')).toBe(String(PART_BYTES));
    expect(whole.headers.get('Cache-Control')).toBe('no-store');
    expect(whole.headers.get('Content-Security-Policy')).toBe(DEFAULT_CONTENT_SECURITY_POLICY);
    expect(Buffer.from(await whole.arrayBuffer()).equals(Buffer.from(part.bytes))).toBe(true);

    const piece = await get(part.address, { headers: { Range: 'bytes=1000-1999' } });
    expect(piece.status).toBe(206);
    expect(piece.headers.get('Content-Range')).toBe(`bytes 1000-1999/${PART_BYTES}`);
    expect(Buffer.from(await piece.arrayBuffer()).equals(Buffer.from(part.bytes.subarray(1000, 2000)))).toBe(true);

    const head = await get(part.address, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('Content-Length')).toBe(String(PART_BYTES));
    expect(head.headers.get('Cache-Control')).toBe('no-store');
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });

  it('stores a part sent chunked, without a Content-Length', async () => {
    const part = makePart(300_000);
    const res = await put(part.address, chunked(part.bytes));
    expect(res.status).toBe(201);
    const back = await get(part.address);
    expect(Buffer.from(await back.arrayBuffer()).equals(Buffer.from(part.bytes))).toBe(true);
  });

  it('refuses a chunked body past one part with 413, and bytes that miss their address with 400', async () => {
    const big = makePart(PART_BYTES + 1);
    const tooLarge = await put(big.address, chunked(big.bytes));
    expect(tooLarge.status).toBe(413);
    expect((await tooLarge.json()).code).toBe('payload_too_large');

    const part = makePart(5000);
    const other = makePart(5000);
    const wrong = await put(part.address, other.bytes);
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).code).toBe('integrity_failed');
    expect((await get(part.address)).status).toBe(404);
  });

  it('keeps nothing of an upload whose client goes away mid-way, not even its temp file', async () => {
    const part = makePart(PART_BYTES);
    const tmp = join(server.dataDir, 'blobs', 'tmp');
    const req = request(`${baseUrl}/api/v1/blobs/${part.address}`, {
      method: 'PUT',
      headers: {
        Authorization: `Bearer ${facility.admin.token}`,
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(PART_BYTES),
      },
    });
    req.on('error', () => undefined); // the socket we destroy
    req.write(part.bytes.subarray(0, 300_000));
    // The body is written as it arrives: its temp file is there before the end.
    await waitFor(() => readdirSync(tmp).length === 1);
    req.destroy();
    await waitFor(() => readdirSync(tmp).length === 0);
    expect((await get(part.address, { method: 'HEAD' })).status).toBe(404);
    expect(await server.deps.meta.hasBlobRef(facility.facilityId, part.address)).toBe(false);
    expect(await server.deps.meta.bytesStored(facility.facilityId)).toBe(0);

    // Sent again in full, it is stored.
    const res = await put(part.address, part.bytes);
    expect(res.status).toBe(201);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('refuses a part past the quota from its Content-Length, writing nothing', async () => {
    const small = createTestServer({ limits: { quotaBytes: 10_000 } });
    const smallHttp = serve({ fetch: small.app.fetch, port: 0, hostname: '127.0.0.1' });
    try {
      await new Promise((resolve) => smallHttp.once('listening', resolve));
      const smallUrl = `http://127.0.0.1:${(smallHttp.address() as AddressInfo).port}`;
      const { admin } = await registerFacility(createHttpCaller(smallUrl));
      const putSmall = (p: { address: string; bytes: Uint8Array<ArrayBuffer> }) =>
        fetch(`${smallUrl}/api/v1/blobs/${p.address}`, {
          method: 'PUT',
          headers: { Authorization: `Bearer ${admin.token}`, 'Content-Type': 'application/octet-stream' },
          body: p.bytes,
        });
      const first = makePart(8000);
      expect((await putSmall(first)).status).toBe(201);
      const second = makePart(5000);
      const refused = await putSmall(second);
      expect(refused.status).toBe(413);
      expect((await refused.json()).code).toBe('quota_exceeded');
      expect(await small.deps.blobs.size(second.address)).toBeNull();
      expect(readdirSync(join(small.dataDir, 'blobs', 'tmp'))).toEqual([]);
      // A part already held is acknowledged at a full quota.
      expect((await putSmall(first)).status).toBe(200);
    } finally {
      await new Promise((resolve) => smallHttp.close(resolve));
      await small.close();
    }
  });

  it('answers JSON routes with no-store, and logs each download where the admin reads it', async () => {
    const writer = createDeviceWriter(facility.admin);
    const api = createHttpCaller(baseUrl);
    const pushed = await api.call('POST', '/api/v1/log', { token: facility.admin.token, json: { records: [writer.seal('a'), writer.seal('b')] } });
    expect(pushed.status).toBe(200);
    const pulled = await api.call('GET', '/api/v1/log?after=0', { token: facility.admin.token });
    expect(pulled.status).toBe(200);
    expect(pulled.headers.get('Cache-Control')).toBe('no-store');
    expect(pulled.body.records).toHaveLength(2);

    const part = makePart(2000);
    expect((await put(part.address, part.bytes)).status).toBe(201);
    await (await get(part.address)).arrayBuffer();
    const log = await api.call('GET', '/api/v1/access-log', { token: facility.admin.token });
    expect(log.headers.get('Cache-Control')).toBe('no-store');
    expect(log.body.entries.map((e: { action: string }) => e.action).slice(0, 2)).toEqual(['blob.download', 'log.pull']);
  });
});
