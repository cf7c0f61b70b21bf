import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addressOf,
  createKdfParams,
  deriveShareKey,
  deriveShareVerifier,
  encodeKdfParams,
  encryptBlob,
  fromBase64Url,
  generateDocumentKey,
  generateLinkSecret,
  parseKdfParams,
  PART_BYTES,
  sealShareBundle,
  signShareChallenge,
  splitIntoParts,
  systemRandom,
  toBase64Url,
} from '../../../crypto/index.ts';
import {
  addMember,
  authHeader,
  createTestServer,
  registerFacility,
  type MemberSession,
  type TestFacility,
  type TestServer,
} from '../testing/test-server.ts';
import { formatBytes, parseRange } from './blobs.ts';

const OCTETS = { 'Content-Type': 'application/octet-stream' };

/** A real encrypted blob part, as a device uploads it. */
async function makePart(plaintextBytes: number): Promise<{ address: string; bytes: Uint8Array }> {
  const ciphertext = await encryptBlob(generateDocumentKey(), 'blob-1', systemRandom(plaintextBytes));
  return { address: await addressOf(ciphertext), bytes: ciphertext };
}

function putBlob(server: TestServer, token: string, part: { address: string; bytes: Uint8Array }) {
  return server.call('PUT', `/api/v1/blobs/${part.address}`, {
    token,
    body: part.bytes as Uint8Array<ArrayBuffer>,
    headers: OCTETS,
  });
}

/** The raw response, for binary bodies and HEAD. */
function request(server: TestServer, method: string, path: string, headers: Record<string, string> = {}) {
  return server.app.request(path, { method, headers }, { incoming: { socket: { remoteAddress: '127.0.0.1' } } });
}

async function expectJsonError(response: Response, status: number, code: string): Promise<{ message: string }> {
  expect(response.status).toBe(status);
  expect(response.headers.get('Content-Type')).toMatch(/^application\/json/);
  const body = (await response.json()) as { code: string; message: string };
  expect(body.code).toBe(code);
  expect(body.message).toEqual(expect.any(String));
  return body;
}

let server: TestServer;
let facility: TestFacility;
let admin: MemberSession;

beforeEach(async () => {
  server = createTestServer();
  facility = await registerFacility(server);
  admin = facility.admin;
});

afterEach(async () => {
  await server.close();
});

describe('PUT /api/v1/blobs/:address', () => {
  it('stores a part once and acknowledges a repeat without storing it again', async () => {
    const part = await makePart(5000);
    const first = await putBlob(server, admin.token, part);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ address: part.address, size: part.bytes.length, stored: true });

    const again = await putBlob(server, admin.token, part);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ address: part.address, size: part.bytes.length, stored: false });
    expect(await server.deps.meta.bytesStored(facility.facilityId)).toBe(part.bytes.length);
  });

  it('stores every part of a multi-part blob, a clinician too, and resumes by re-sending parts', async () => {
    const clinician = await addMember(server, facility, 'clinician');
    const ciphertext = await encryptBlob(generateDocumentKey(), 'big', systemRandom(PART_BYTES + 1000));
    const parts = [];
    for await (const part of splitIntoParts([ciphertext])) parts.push(part);
    expect(parts.length).toBe(2);
    expect(parts[0]!.bytes.length).toBe(PART_BYTES);

    // "Interrupted" after the first part, then the whole upload is retried.
    expect((await putBlob(server, clinician.token, parts[0]!)).status).toBe(201);
    const retried = await Promise.all(parts.map((p) => putBlob(server, clinician.token, p)));
    expect(retried.map((r) => r.status)).toEqual([200, 201]);
    expect(await server.deps.meta.bytesStored(facility.facilityId)).toBe(ciphertext.length);
  });

  it('refuses bytes that do not hash to the address', async () => {
    const part = await makePart(100);
    const other = await makePart(100);
    const res = await putBlob(server, admin.token, { address: part.address, bytes: other.bytes });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('integrity_failed');
    expect(await server.deps.meta.hasBlobRef(facility.facilityId, part.address)).toBe(false);
  });

  it('refuses bad addresses with 400 and never touches a path', async () => {
    const part = await makePart(100);
    for (const address of ['..%2F..%2Fetc%2Fpasswd', part.address.toUpperCase(), part.address.slice(1), `${part.address}0`, 'x'.repeat(64)]) {
      const res = await server.call('PUT', `/api/v1/blobs/${address}`, { token: admin.token, body: part.bytes as Uint8Array<ArrayBuffer>, headers: OCTETS });
      expect(res.status, address).toBe(400);
      expect(res.body.code).toBe('invalid_request');
    }
    const traversal = await server.call('PUT', '/api/v1/blobs/../../x', { token: admin.token, body: part.bytes as Uint8Array<ArrayBuffer>, headers: OCTETS });
    expect(traversal.status).toBeGreaterThanOrEqual(400);
    expect(traversal.status).toBeLessThan(500);
    expect(traversal.body.code).toEqual(expect.any(String));
  });

  it('refuses a body larger than one part with 413 JSON', async () => {
    const bytes = systemRandom(PART_BYTES + 1);
    const res = await putBlob(server, admin.token, { address: await addressOf(bytes), bytes });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('payload_too_large');
  });

  it('refuses an empty body and a body that is not octets', async () => {
    const empty = new Uint8Array(0);
    const res = await putBlob(server, admin.token, { address: await addressOf(empty), bytes: empty });
    expect(res.status).toBe(400);
    const part = await makePart(100);
    const json = await server.call('PUT', `/api/v1/blobs/${part.address}`, { token: admin.token, json: { bytes: 'x' } });
    expect(json.status).toBe(415);
    expect(json.body.code).toBe('unsupported_media_type');
  });

  it('needs a session of an admin or clinician', async () => {
    const part = await makePart(100);
    const viewer = await addMember(server, facility, 'viewer');
    const asViewer = await putBlob(server, viewer.token, part);
    expect(asViewer.status).toBe(403);
    expect(asViewer.body.code).toBe('forbidden');

    const anonymous = await server.call('PUT', `/api/v1/blobs/${part.address}`, { body: part.bytes as Uint8Array<ArrayBuffer>, headers: OCTETS });
    expect(anonymous.status).toBe(401);

    server.clock.advance(server.deps.limits.sessionIdleMs + 1);
    const expired = await putBlob(server, admin.token, part);
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe('session_expired');
  });
});

describe('PUT quota', () => {
  it('refuses a new part past the quota with a readable 413, but accepts parts already held', async () => {
    await server.close();
    server = createTestServer({ limits: { quotaBytes: 10_000 } });
    facility = await registerFacility(server);
    admin = facility.admin;

    const first = await makePart(6000);
    expect((await putBlob(server, admin.token, first)).status).toBe(201);
    const second = await makePart(6000);
    const refused = await putBlob(server, admin.token, second);
    expect(refused.status).toBe(413);
    expect(refused.body.code).toBe('quota_exceeded');
    expect(refused.body.message).toMatch(/^Storage quota reached: [\d.]+ KB of 9\.8 KB used/);
    expect(await server.deps.meta.hasBlobRef(facility.facilityId, second.address)).toBe(false);

    // A resumed upload re-sends what is already there: no new bytes, no refusal.
    const repeat = await putBlob(server, admin.token, first);
    expect(repeat.status).toBe(200);
  });

  it('formats sizes the way an admin reads them', () => {
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(50 * 1024 ** 3)).toBe('50 GB');
    expect(formatBytes(49.9 * 1024 ** 3)).toBe('49.9 GB');
    expect(formatBytes(1536)).toBe('1.5 KB');
  });
});

describe('GET and HEAD /api/v1/blobs/:address', () => {
  let part: { address: string; bytes: Uint8Array };

  beforeEach(async () => {
    part = await makePart(3000);
    expect((await putBlob(server, admin.token, part)).status).toBe(201);
  });

  it('serves the bytes to every role of the facility, uncached', async () => {
    const viewer = await addMember(server, facility, 'viewer');
    for (const token of [admin.token, viewer.token]) {
      const res = await request(server, 'GET', `/api/v1/blobs/${part.address}`, authHeader(token));
      expect(res.status).toBe(200);
      expect(res.headers.get('Content-Type')).toBe('application/octet-stream');
      expect(res.headers.get('Cache-Control')).toBe('no-store');
      expect(res.headers.get('Content-Length')).toBe(String(part.bytes.length));
      expect(res.headers.get('Accept-Ranges')).toBe('bytes');
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(part.bytes);
    }
  });

  it('answers HEAD with the size and no body, without logging a download', async () => {
    const before = await server.deps.meta.listAccess(facility.facilityId, { limit: 100 });
    const res = await request(server, 'HEAD', `/api/v1/blobs/${part.address}`, authHeader(admin.token));
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Length')).toBe(String(part.bytes.length));
    expect((await res.arrayBuffer()).byteLength).toBe(0);
    const after = await server.deps.meta.listAccess(facility.facilityId, { limit: 100 });
    expect(after.entries.length).toBe(before.entries.length);
  });

  it('logs one blob.download per GET and bills the bytes served', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await request(server, 'GET', `/api/v1/blobs/${part.address}`, authHeader(admin.token));
      await res.arrayBuffer();
    }
    const { entries } = await server.deps.meta.listAccess(facility.facilityId, { limit: 100 });
    const downloads = entries.filter((e) => e.action === 'blob.download');
    expect(downloads).toHaveLength(2);
    expect(downloads[0]).toMatchObject({ subject: part.address, memberId: admin.memberId, deviceId: admin.deviceId });
    await server.deps.meter.flush();
    const [month] = await server.deps.meta.listUsage(facility.facilityId);
    expect(month!.bytesServed).toBe(2 * part.bytes.length);
  });

  it('keeps facilities apart: another facility gets 404, not 403', async () => {
    const other = await registerFacility(server, { name: 'Other Admin' });
    for (const method of ['GET', 'HEAD']) {
      const res = await request(server, method, `/api/v1/blobs/${part.address}`, authHeader(other.admin.token));
      expect(res.status).toBe(404);
    }
    const body = await expectJsonError(
      await request(server, 'GET', `/api/v1/blobs/${part.address}`, authHeader(other.admin.token)),
      404,
      'not_found',
    );
    expect(body.message).not.toMatch(/facility/i);

    // Uploading the same bytes gives the other facility its own reference: stored for it, and then readable.
    const put = await putBlob(server, other.admin.token, part);
    expect(put.status).toBe(201);
    expect(put.body.stored).toBe(true);
    expect((await request(server, 'GET', `/api/v1/blobs/${part.address}`, authHeader(other.admin.token))).status).toBe(200);
  });

  it('answers 404 for an address nobody stored and 400 for a malformed one', async () => {
    const missing = await makePart(10);
    await expectJsonError(await request(server, 'GET', `/api/v1/blobs/${missing.address}`, authHeader(admin.token)), 404, 'not_found');
    await expectJsonError(await request(server, 'GET', `/api/v1/blobs/${'A'.repeat(64)}`, authHeader(admin.token)), 400, 'invalid_request');
    await expectJsonError(await request(server, 'GET', '/api/v1/blobs/..%2F..%2Fdata', authHeader(admin.token)), 400, 'invalid_request');
  });

  it('needs a session or a share token', async () => {
    await expectJsonError(await request(server, 'GET', `/api/v1/blobs/${part.address}`), 401, 'unauthorized');
    await expectJsonError(
      await request(server, 'GET', `/api/v1/blobs/${part.address}`, { Authorization: `Bearer ${'A'.repeat(43)}` }),
      401,
      'unauthorized',
    );
    await expectJsonError(
      await request(server, 'GET', `/api/v1/blobs/${part.address}`, { Authorization: `Bearer ${'A'.repeat(42)}B` }),
      401,
      'unauthorized',
    );
    for (const token of ['', 'abc', '!'.repeat(43), `${'A'.repeat(42)}B` /* non-zero trailing bits */]) {
      await expectJsonError(
        await request(server, 'GET', `/api/v1/blobs/${part.address}`, { Authorization: `Share ${token}` }),
        401,
        'unauthorized',
      );
    }
    server.clock.advance(server.deps.limits.sessionIdleMs + 1);
    await expectJsonError(await request(server, 'GET', `/api/v1/blobs/${part.address}`, authHeader(admin.token)), 401, 'session_expired');
  });

  describe('ranges', () => {
    const get = (range: string) => request(server, 'GET', `/api/v1/blobs/${part.address}`, { ...authHeader(admin.token), Range: range });

    it('serves bytes=a-b, bytes=a- and bytes=-n as 206 with Content-Range', async () => {
      const size = part.bytes.length;
      const cases: [string, number, number][] = [
        ['bytes=0-9', 0, 10],
        ['bytes=100-199', 100, 200],
        ['bytes=2000-', 2000, size],
        ['bytes=-16', size - 16, size],
        ['bytes=-999999', 0, size],
        ['bytes=10-99999999', 10, size],
        [`bytes=${size - 1}-${size - 1}`, size - 1, size],
      ];
      for (const [range, start, end] of cases) {
        const res = await get(range);
        expect(res.status, range).toBe(206);
        expect(res.headers.get('Content-Range')).toBe(`bytes ${start}-${end - 1}/${size}`);
        expect(res.headers.get('Content-Length')).toBe(String(end - start));
        expect(new Uint8Array(await res.arrayBuffer())).toEqual(part.bytes.slice(start, end));
      }
    });

    it('bills only the bytes of the range', async () => {
      await (await get('bytes=0-99')).arrayBuffer();
      await server.deps.meter.flush();
      const [month] = await server.deps.meta.listUsage(facility.facilityId);
      expect(month!.bytesServed).toBe(100);
    });

    it('answers 416 JSON for ranges it cannot serve exactly', async () => {
      const size = part.bytes.length;
      for (const range of [`bytes=${size}-`, 'bytes=20-10', 'bytes=-0', 'bytes=0-1,5-6', 'items=0-1', 'bytes=a-b', 'bytes=', 'bytes=--1']) {
        const res = await get(range);
        await expectJsonError(res, 416, 'range_not_satisfiable');
        expect(res.headers.get('Content-Range')).toBe(`bytes */${size}`);
      }
    });

    it('parses ranges per RFC 9110', () => {
      expect(parseRange(undefined, 10)).toBeUndefined();
      expect(parseRange('bytes=0-0', 10)).toEqual({ start: 0, end: 1 });
      expect(parseRange('BYTES=5-', 10)).toEqual({ start: 5, end: 10 });
      expect(() => parseRange('bytes=-1', 0)).toThrow();
      expect(() => parseRange('bytes=0-', 0)).toThrow();
    });
  });
});

describe('GET /api/v1/blobs/:address with a share token', () => {
  const passphrase = 'blue heron 42';

  async function shareAndOpen(blobs: string[]): Promise<{ shareId: string; token: string }> {
    const shareId = `shr_${toBase64Url(systemRandom(16)).slice(0, 22)}`;
    const linkSecret = generateLinkSecret();
    const params = createKdfParams({ logN: 14 });
    const shareKey = await deriveShareKey({ linkSecret, passphrase, shareId, params });
    const created = await server.call('POST', '/api/v1/shares', {
      token: admin.token,
      json: {
        shareId,
        kdfParams: toBase64Url(encodeKdfParams(params)),
        verifierPublicKey: toBase64Url(deriveShareVerifier(shareKey).publicKey),
        bundle: toBase64Url(sealShareBundle(shareKey, shareId, new TextEncoder().encode('study keys'))),
        blobs,
        expiresAt: new Date(server.clock.now() + 7 * 24 * 3600_000).toISOString(),
        maxOpens: null,
      },
    });
    expect(created.status).toBe(201);
    // The patient's browser: challenge, derive, sign, open.
    const challenge = await server.call('GET', `/api/v1/s/${shareId}`);
    const key = await deriveShareKey({ linkSecret, passphrase, shareId, params: parseKdfParams(fromBase64Url(challenge.body.kdfParams)) });
    const signature = signShareChallenge(deriveShareVerifier(key), { shareId, nonce: fromBase64Url(challenge.body.nonce) });
    const opened = await server.call('POST', `/api/v1/s/${shareId}/open`, {
      json: { nonce: challenge.body.nonce, signature: toBase64Url(signature) },
    });
    expect(opened.status).toBe(200);
    return { shareId, token: opened.body.token };
  }

  it('reads exactly the shared blobs, logged and billed to the facility', async () => {
    const shared = await makePart(2000);
    const notShared = await makePart(2000);
    await putBlob(server, admin.token, shared);
    await putBlob(server, admin.token, notShared);
    const { token } = await shareAndOpen([shared.address]);

    const res = await request(server, 'GET', `/api/v1/blobs/${shared.address}`, { Authorization: `Share ${token}` });
    expect(res.status).toBe(200);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(shared.bytes);
    const ranged = await request(server, 'GET', `/api/v1/blobs/${shared.address}`, { Authorization: `Share ${token}`, Range: 'bytes=0-3' });
    expect(ranged.status).toBe(206);
    expect(new Uint8Array(await ranged.arrayBuffer())).toEqual(shared.bytes.slice(0, 4));
    expect((await request(server, 'HEAD', `/api/v1/blobs/${shared.address}`, { Authorization: `Share ${token}` })).status).toBe(200);

    await expectJsonError(
      await request(server, 'GET', `/api/v1/blobs/${notShared.address}`, { Authorization: `Share ${token}` }),
      404,
      'not_found',
    );
    // A share token is no session: it cannot upload.
    const put = await server.call('PUT', `/api/v1/blobs/${shared.address}`, {
      headers: { ...OCTETS, Authorization: `Share ${token}` },
      body: shared.bytes as Uint8Array<ArrayBuffer>,
    });
    expect(put.status).toBe(401);

    const { entries } = await server.deps.meta.listAccess(facility.facilityId, { limit: 100 });
    const downloads = entries.filter((e) => e.action === 'blob.download');
    expect(downloads).toHaveLength(2);
    expect(downloads[0]).toMatchObject({ subject: shared.address, memberId: null, deviceId: null });
    await server.deps.meter.flush();
    const [month] = await server.deps.meta.listUsage(facility.facilityId);
    expect(month!.bytesServed).toBe(shared.bytes.length + 4);
  });

  it('stops when the token times out, or the share is revoked', async () => {
    const shared = await makePart(100);
    await putBlob(server, admin.token, shared);
    const first = await shareAndOpen([shared.address]);
    const second = await shareAndOpen([shared.address]);
    const read = (token: string) => request(server, 'GET', `/api/v1/blobs/${shared.address}`, { Authorization: `Share ${token}` });

    expect((await server.call('POST', `/api/v1/shares/${second.shareId}/revoke`, { token: admin.token })).status).toBe(200);
    await expectJsonError(await read(second.token), 410, 'gone');
    expect((await read(first.token)).status).toBe(200);

    server.clock.advance(12 * 3600_000);
    await expectJsonError(await read(first.token), 401, 'session_expired');
    await expectJsonError(await read(toBase64Url(systemRandom(32))), 401, 'unauthorized');
  });
});
