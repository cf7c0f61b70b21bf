import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  createKdfParams,
  createShareLink,
  deriveShareKey,
  deriveShareVerifier,
  encodeKdfParams,
  encryptBlobStream,
  fromBase64Url,
  generateLinkSecret,
  openShareBundle,
  parseShareLink,
  sealShareBundle,
  signShareChallenge,
  splitIntoParts,
  toBase64Url,
  derivePatientKey,
  generatePatientKeySecret,
} from '../../crypto/index.ts';
import { createDeviceWriter } from './testing/device-writer.ts';
import { addMember, createTestServer, registerFacility } from './testing/test-server.ts';

// Breach simulation: drive a whole flow with real crypto, planting canaries
// in every plaintext, then search everything the server keeps and prints for
// them in every encoding a leak could take. The server must hold none.

const CANARIES = {
  patientName: 'Canary^Hanako=カナリア^ハナコ',
  patientNumber: 'PN-CANARY-8841207',
  password: 'canary-password-horse-staple',
  passphrase: 'canary-passphrase-blue-harbour',
  description: 'CANARY CT HEAD WITHOUT CONTRAST',
};
/** A recognisable "image": 32 KiB of a repeating pixel pattern. */
const PIXEL_PATTERN = new TextEncoder().encode('KURA-CANARY-PIXEL-0123456789'.repeat(1200));

function encodings(secret: string | Uint8Array): { name: string; bytes: Buffer }[] {
  const raw = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret.subarray(0, 64));
  const text = typeof secret === 'string' ? secret : raw.toString('latin1');
  return [
    { name: 'utf-8', bytes: raw },
    { name: 'utf-16le', bytes: Buffer.from(text, 'utf16le') },
    { name: 'hex', bytes: Buffer.from(raw.toString('hex')) },
    { name: 'HEX', bytes: Buffer.from(raw.toString('hex').toUpperCase()) },
    { name: 'base64', bytes: Buffer.from(raw.toString('base64').slice(0, -4)) },
    { name: 'base64url', bytes: Buffer.from(raw.toString('base64url').slice(0, -4)) },
  ];
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const logged: string[] = [];
const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
  vi.spyOn(console, m).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' '))),
);
afterAll(() => spies.forEach((s) => s.mockRestore()));

describe('breach simulation', () => {
  it('leaves no canary in the database (with WAL), the blob folder or the log output', async () => {
    const server = createTestServer();
    const facility = await registerFacility(server, { name: 'Dr. Canary Admin', password: CANARIES.password });
    const clinician = await addMember(server, facility, 'clinician', { password: CANARIES.password });
    const patientKey = derivePatientKey(generatePatientKeySecret(), CANARIES.patientNumber);

    // Records whose plaintext holds the patient's name, number and the study description.
    const writer = createDeviceWriter(clinician);
    const records = [
      writer.seal(JSON.stringify({ patientNumber: CANARIES.patientNumber, name: CANARIES.patientName }), { patientKey, docId: 'patient_1', kind: 'patient-update' }),
      writer.seal(JSON.stringify({ description: CANARIES.description, password: CANARIES.password }), { patientKey }),
    ];
    expect((await server.call('POST', '/api/v1/log', { token: clinician.token, json: { records } })).status).toBe(200);

    // A blob holding the canary pixel pattern, encrypted and uploaded part by part.
    const addresses: string[] = [];
    const source = { size: PIXEL_PATTERN.length, chunks: [PIXEL_PATTERN] };
    for await (const part of splitIntoParts(encryptBlobStream(writer.docKey, 'blob_canary', source))) {
      const put = await server.call('PUT', `/api/v1/blobs/${part.address}`, {
        token: clinician.token,
        body: part.bytes as Uint8Array<ArrayBuffer>,
        headers: { 'Content-Type': 'application/octet-stream' },
      });
      expect(put.status).toBe(201);
      addresses.push(part.address);
    }

    // A share whose bundle names the patient, opened with link + passphrase.
    const shareId = `shr_${toBase64Url(generateLinkSecret()).slice(0, 22)}`;
    const linkSecret = generateLinkSecret();
    const params = createKdfParams({ logN: 14 });
    const shareKey = await deriveShareKey({ linkSecret, passphrase: CANARIES.passphrase, shareId, params });
    const bundle = new TextEncoder().encode(JSON.stringify({ name: CANARIES.patientName, blobs: addresses }));
    const created = await server.call('POST', '/api/v1/shares', {
      token: clinician.token,
      json: {
        shareId,
        kdfParams: toBase64Url(encodeKdfParams(params)),
        verifierPublicKey: toBase64Url(deriveShareVerifier(shareKey).publicKey),
        bundle: toBase64Url(sealShareBundle(shareKey, shareId, bundle)),
        blobs: addresses,
        expiresAt: new Date(server.clock.now() + 7 * 86400_000).toISOString(),
        maxOpens: 5,
      },
    });
    expect(created.status).toBe(201);
    const link = parseShareLink(createShareLink('https://kura.example', shareId, linkSecret));
    const challenge = await server.call('GET', `/api/v1/s/${shareId}`);
    const patientKeyForShare = await deriveShareKey({ linkSecret: link.linkSecret, passphrase: CANARIES.passphrase, shareId, params });
    const opened = await server.call('POST', `/api/v1/s/${shareId}/open`, {
      json: {
        nonce: challenge.body.nonce,
        signature: toBase64Url(signShareChallenge(deriveShareVerifier(patientKeyForShare), { shareId, nonce: fromBase64Url(challenge.body.nonce) })),
      },
    });
    expect(opened.status).toBe(200);
    expect(new TextDecoder().decode(openShareBundle(patientKeyForShare, shareId, fromBase64Url(opened.body.bundle)))).toContain('Canary');
    const download = await server.call('GET', `/api/v1/blobs/${addresses[0]}`, { headers: { Authorization: `Share ${opened.body.token}` } });
    expect(download.status).toBe(200);

    // A wrong passphrase attempt, and a failing login with a wrong password containing the canary too.
    await server.call('POST', `/api/v1/s/${shareId}/open`, { json: { nonce: challenge.body.nonce, signature: 'A'.repeat(86) } });
    await server.maintain();

    // Search before closing, so the WAL still holds the recent writes.
    const files = filesUnder(server.dataDir).filter((f) => !f.includes(`${server.dataDir}/pwa`));
    expect(files.some((f) => f.endsWith('kura.sqlite-wal'))).toBe(true);
    expect(files.filter((f) => f.includes('/blobs/')).length).toBeGreaterThan(0);
    const haystacks = [
      ...files.map((f) => ({ name: f, bytes: readFileSync(f) })),
      { name: 'server output', bytes: Buffer.from(logged.join('\n')) },
    ];
    const needles = [...Object.entries(CANARIES).map(([k, v]) => [k, v] as const), ['pixel pattern', PIXEL_PATTERN] as const];
    const hits: string[] = [];
    for (const [what, secret] of needles) {
      for (const { name: encoding, bytes } of encodings(secret)) {
        for (const hay of haystacks) if (hay.bytes.includes(bytes)) hits.push(`${what} (${encoding}) in ${hay.name}`);
      }
    }
    expect(hits).toEqual([]);
    await server.close();
  }, 60_000);
});
