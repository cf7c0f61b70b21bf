import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createKdfParams,
  deriveShareKey,
  deriveShareVerifier,
  encodeKdfParams,
  fromBase64Url,
  generateLinkSecret,
  openShareBundle,
  parseKdfParams,
  sealShareBundle,
  signShareChallenge,
  systemRandom,
  toBase64Url,
  type ShareVerifier,
} from '../../../crypto/index.ts';
import { MAX_SHARE_BUNDLE_BYTES, OpenShareResponse, ShareChallengeResponse, ShareList } from '../../../protocol/index.ts';
import {
  addMember,
  createTestServer,
  registerFacility,
  type MemberSession,
  type TestFacility,
  type TestServer,
  uploadPart,
} from '../testing/test-server.ts';
import { nextFailureState, SHARE_FAILURE_WINDOW_MS } from './shares.ts';

const PASSPHRASE = 'violet otter 7 lighthouse';
const BUNDLE = new TextEncoder().encode('{"studyKeys":["..."]}');
const DAY = 24 * 3600_000;
const MINUTE = 60_000;

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

function newShareId(): string {
  return `shr_${toBase64Url(systemRandom(16)).slice(0, 22)}`;
}

async function uploadOne(token: string): Promise<string> {
  const part = await uploadPart(server, token);
  expect(part.status).toBe(201);
  return part.address;
}

/** What the clinician's browser sends, and what the patient's link + passphrase hold. */
async function prepareShare(blobs: string[], options: { maxOpens?: number | null; expiresInMs?: number } = {}) {
  const shareId = newShareId();
  const linkSecret = generateLinkSecret();
  const params = createKdfParams({ logN: 14 });
  const shareKey = await deriveShareKey({ linkSecret, passphrase: PASSPHRASE, shareId, params });
  const request = {
    shareId,
    kdfParams: toBase64Url(encodeKdfParams(params)),
    verifierPublicKey: toBase64Url(deriveShareVerifier(shareKey).publicKey),
    bundle: toBase64Url(sealShareBundle(shareKey, shareId, BUNDLE)),
    blobs,
    expiresAt: new Date(server.clock.now() + (options.expiresInMs ?? 7 * DAY)).toISOString(),
    maxOpens: options.maxOpens === undefined ? null : options.maxOpens,
  };
  return { shareId, linkSecret, request };
}

async function createShare(blobs: string[], options: { maxOpens?: number | null; expiresInMs?: number; token?: string } = {}) {
  const prepared = await prepareShare(blobs, options);
  const res = await server.call('POST', '/api/v1/shares', { token: options.token ?? admin.token, json: prepared.request });
  expect(res.status).toBe(201);
  expect(res.body).toEqual({ shareId: prepared.shareId });
  return prepared;
}

/** The patient's verifier, derived as the share page does from the server's KDF parameters. */
async function patientVerifier(share: { shareId: string; linkSecret: Uint8Array }, passphrase = PASSPHRASE): Promise<ShareVerifier> {
  const challenge = await server.call('GET', `/api/v1/s/${share.shareId}`);
  expect(challenge.status).toBe(200);
  const params = parseKdfParams(fromBase64Url(challenge.body.kdfParams));
  return deriveShareVerifier(await deriveShareKey({ linkSecret: share.linkSecret, passphrase, shareId: share.shareId, params }));
}

/** One attempt: a fresh challenge, signed by `verifier`. */
async function attemptOpen(shareId: string, verifier: ShareVerifier, address = '198.51.100.7') {
  const challenge = await server.call('GET', `/api/v1/s/${shareId}`, { address });
  if (challenge.status !== 200) return challenge;
  const nonce = fromBase64Url(challenge.body.nonce);
  const signature = signShareChallenge(verifier, { shareId, nonce });
  return server.call('POST', `/api/v1/s/${shareId}/open`, {
    address,
    json: { nonce: challenge.body.nonce, signature: toBase64Url(signature) },
  });
}

async function accessActions(facilityId = facility.facilityId) {
  const { entries } = await server.deps.meta.listAccess(facilityId, { limit: 500 });
  return entries;
}

describe('POST /api/v1/shares', () => {
  it('creates a share of blobs the facility holds, logged as share.create', async () => {
    const address = await uploadOne(admin.token);
    const clinician = await addMember(server, facility, 'clinician');
    const share = await createShare([address], { token: clinician.token, maxOpens: 3 });
    const row = await server.deps.meta.getShare(share.shareId);
    expect(row).toMatchObject({ facilityId: facility.facilityId, memberId: clinician.memberId, blobs: [address], maxOpens: 3, opens: 0 });
    const entry = (await accessActions()).find((e) => e.action === 'share.create');
    expect(entry).toMatchObject({ subject: share.shareId, memberId: clinician.memberId });
  });

  it('refuses blobs the facility does not hold, naming the first', async () => {
    const ours = await uploadOne(admin.token);
    const other = await registerFacility(server, { name: 'Other Admin' });
    const theirs = await uploadOne(other.admin.token);
    const { request } = await prepareShare([ours, theirs]);
    const res = await server.call('POST', '/api/v1/shares', { token: admin.token, json: request });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain(theirs);
    expect(await server.deps.meta.getShare(request.shareId)).toBeNull();
  });

  it('refuses an expiry in the past or more than a year ahead', async () => {
    for (const expiresInMs of [-1000, 0, 367 * DAY]) {
      const { request } = await prepareShare([], { expiresInMs });
      const res = await server.call('POST', '/api/v1/shares', { token: admin.token, json: request });
      expect(res.status, String(expiresInMs)).toBe(400);
      expect(res.body.code).toBe('invalid_request');
    }
    const { request } = await prepareShare([], { expiresInMs: 365 * DAY });
    expect((await server.call('POST', '/api/v1/shares', { token: admin.token, json: request })).status).toBe(201);
  });

  it('refuses a share ID that exists with 409', async () => {
    const first = await createShare([]);
    const { request } = await prepareShare([]);
    const res = await server.call('POST', '/api/v1/shares', { token: admin.token, json: { ...request, shareId: first.shareId } });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('conflict');
  });

  it('answers bad input with 4xx JSON, never 500', async () => {
    const { request } = await prepareShare([]);
    const post = (init: { json?: unknown; body?: string; headers?: Record<string, string> }) =>
      server.call('POST', '/api/v1/shares', { token: admin.token, ...init });

    const malformed = await post({ body: '{"shareId":', headers: { 'Content-Type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('invalid_json');

    const cases: Record<string, unknown>[] = [
      { ...request, maxOpens: '3' },
      { ...request, blobs: 'abc' },
      { ...request, unknownField: 1 },
      { ...request, shareId: '../../etc/passwd' },
      { ...request, bundle: 'not base64!' },
      { ...request, verifierPublicKey: toBase64Url(systemRandom(31)) },
      { ...request, kdfParams: `${request.kdfParams.slice(0, -1)}B` }, // non-zero trailing bits
      { ...request, verifierPublicKey: `${request.verifierPublicKey.slice(0, -1)}B` },
      { ...request, kdfParams: toBase64Url(new Uint8Array(20)) }, // version 0: unsupported
      { ...request, bundle: '' },
      { ...request, blobs: ['A'.repeat(64)] },
      { ...request, expiresAt: 'tomorrow' },
      { ...request, maxOpens: 0 },
    ];
    for (const json of cases) {
      const res = await post({ json });
      expect(res.status, JSON.stringify(json).slice(0, 200)).toBe(400);
      expect(res.body.code).toEqual(expect.stringMatching(/^invalid_/));
    }
    const { shareId: _, ...missing } = request;
    expect((await post({ json: missing })).status).toBe(400);
    expect((await post({ json: [] })).status).toBe(400);

    const wrongType = await post({ body: JSON.stringify(request), headers: { 'Content-Type': 'text/plain' } });
    expect(wrongType.status).toBe(415);

    const huge = await post({ json: { ...request, bundle: 'A'.repeat(3 * MAX_SHARE_BUNDLE_BYTES) } });
    expect(huge.status).toBe(413);
    expect(huge.body.code).toBe('payload_too_large');
  });

  it('accepts the largest bundle the protocol allows', async () => {
    const { request } = await prepareShare([]);
    const res = await server.call('POST', '/api/v1/shares', {
      token: admin.token,
      json: { ...request, bundle: toBase64Url(systemRandom(MAX_SHARE_BUNDLE_BYTES)) },
    });
    expect(res.status).toBe(201);
  });

  it('needs an admin or clinician session', async () => {
    const viewer = await addMember(server, facility, 'viewer');
    const { request } = await prepareShare([]);
    const asViewer = await server.call('POST', '/api/v1/shares', { token: viewer.token, json: request });
    expect(asViewer.status).toBe(403);
    expect(asViewer.body.code).toBe('forbidden');
    expect((await server.call('GET', '/api/v1/shares', { token: viewer.token })).status).toBe(403);
    expect((await server.call('POST', `/api/v1/shares/${request.shareId}/revoke`, { token: viewer.token })).status).toBe(403);
    expect((await server.call('POST', '/api/v1/shares', { json: request })).status).toBe(401);
    server.clock.advance(server.deps.limits.sessionIdleMs + 1);
    const expired = await server.call('POST', '/api/v1/shares', { token: admin.token, json: request });
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe('session_expired');
  });
});

describe('GET /api/v1/shares and revoke', () => {
  it('lists the facility’s own shares with their counters', async () => {
    const address = await uploadOne(admin.token);
    const share = await createShare([address], { maxOpens: 2 });
    const other = await registerFacility(server, { name: 'Other Admin' });
    await createShare([], { token: other.admin.token });
    await attemptOpen(share.shareId, await patientVerifier(share));
    await attemptOpen(share.shareId, await patientVerifier(share, 'wrong passphrase'));

    const res = await server.call('GET', '/api/v1/shares', { token: admin.token });
    expect(res.status).toBe(200);
    expect(ShareList.safeParse(res.body).success).toBe(true);
    expect(res.body.shares).toEqual([
      {
        shareId: share.shareId,
        createdAt: new Date(server.clock.now()).toISOString(),
        expiresAt: share.request.expiresAt,
        maxOpens: 2,
        opens: 1,
        failedAttempts: 1,
        revokedAt: null,
        blobCount: 1,
      },
    ]);
  });

  it('revokes only the facility’s own shares, logged as share.revoke', async () => {
    const share = await createShare([]);
    const other = await registerFacility(server, { name: 'Other Admin' });
    const theirs = await createShare([], { token: other.admin.token });

    const notOurs = await server.call('POST', `/api/v1/shares/${theirs.shareId}/revoke`, { token: admin.token });
    expect(notOurs.status).toBe(404);
    expect((await server.deps.meta.getShare(theirs.shareId))!.revokedAt).toBeNull();
    expect((await server.call('POST', `/api/v1/shares/${newShareId()}/revoke`, { token: admin.token })).status).toBe(404);
    expect((await server.call('POST', '/api/v1/shares/..%2F..%2Fx/revoke', { token: admin.token })).status).toBe(400);

    const res = await server.call('POST', `/api/v1/shares/${share.shareId}/revoke`, { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ shareId: share.shareId, revokedAt: new Date(server.clock.now()).toISOString() });
    // Revoking again is harmless and logs nothing new.
    expect((await server.call('POST', `/api/v1/shares/${share.shareId}/revoke`, { token: admin.token })).status).toBe(200);
    const revokes = (await accessActions()).filter((e) => e.action === 'share.revoke');
    expect(revokes).toHaveLength(1);
    expect(revokes[0]).toMatchObject({ subject: share.shareId, memberId: admin.memberId });
  });
});

describe('the patient’s side: /api/v1/s/:shareId', () => {
  it('hands out a challenge without counting an open; a verified open counts and returns the bundle', async () => {
    const address = await uploadOne(admin.token);
    const share = await createShare([address], { maxOpens: 1 });
    for (let i = 0; i < 3; i++) {
      const challenge = await server.call('GET', `/api/v1/s/${share.shareId}`);
      expect(challenge.status).toBe(200);
      expect(ShareChallengeResponse.safeParse(challenge.body).success).toBe(true);
      expect(challenge.body.kdfParams).toBe(share.request.kdfParams);
    }
    expect((await server.deps.meta.getShare(share.shareId))!.opens).toBe(0);

    const verifier = await patientVerifier(share);
    const opened = await attemptOpen(share.shareId, verifier);
    expect(opened.status).toBe(200);
    expect(OpenShareResponse.safeParse(opened.body).success).toBe(true);
    expect(opened.body.expiresAt).toBe(new Date(server.clock.now() + 12 * 3600_000).toISOString());
    // The patient, and only the patient, can open the bundle.
    const shareKey = await deriveShareKey({
      linkSecret: share.linkSecret,
      passphrase: PASSPHRASE,
      shareId: share.shareId,
      params: parseKdfParams(fromBase64Url(share.request.kdfParams)),
    });
    expect(openShareBundle(shareKey, share.shareId, fromBase64Url(opened.body.bundle))).toEqual(BUNDLE);
    expect((await server.deps.meta.getShare(share.shareId))!.opens).toBe(1);
    expect((await accessActions()).find((e) => e.action === 'share.open')).toMatchObject({ subject: share.shareId, memberId: null });

    // maxOpens reached: the next verified open, and the challenge, are refused.
    const again = await server.call('POST', `/api/v1/s/${share.shareId}/open`, {
      json: { nonce: toBase64Url(systemRandom(32)), signature: toBase64Url(systemRandom(64)) },
    });
    expect(again.status).toBe(410);
    expect(again.body.message).toMatch(/maximum number of times/);
  });

  it('answers 410 once maxOpens is used up, even to the right proof', async () => {
    const share = await createShare([], { maxOpens: 2 });
    const verifier = await patientVerifier(share);
    expect((await attemptOpen(share.shareId, verifier)).status).toBe(200);
    // A challenge taken before the last open was used: the proof is right, the open is not left.
    const challenge = await server.call('GET', `/api/v1/s/${share.shareId}`);
    expect((await attemptOpen(share.shareId, verifier)).status).toBe(200);
    const signature = signShareChallenge(verifier, { shareId: share.shareId, nonce: fromBase64Url(challenge.body.nonce) });
    const late = await server.call('POST', `/api/v1/s/${share.shareId}/open`, {
      json: { nonce: challenge.body.nonce, signature: toBase64Url(signature) },
    });
    expect(late.status).toBe(410);
    expect(late.body).toEqual({ code: 'gone', message: 'This share has been opened the maximum number of times; ask the clinic for a new link' });
    expect((await server.deps.meta.getShare(share.shareId))!.opens).toBe(2);
  });

  it('answers 410 for a revoked or expired share and 404 for an unknown one, in words a patient understands', async () => {
    const revoked = await createShare([]);
    const verifier = await patientVerifier(revoked);
    await server.call('POST', `/api/v1/shares/${revoked.shareId}/revoke`, { token: admin.token });
    const gone = await server.call('GET', `/api/v1/s/${revoked.shareId}`);
    expect(gone.status).toBe(410);
    expect(gone.body).toEqual({ code: 'gone', message: 'This share has expired or was withdrawn; ask the clinic for a new link' });
    expect((await server.call('POST', `/api/v1/s/${revoked.shareId}/open`, {
      json: { nonce: toBase64Url(systemRandom(32)), signature: toBase64Url(signSafe(verifier)) },
    })).status).toBe(410);

    const expiring = await createShare([], { expiresInMs: 2 * DAY });
    server.clock.advance(2 * DAY);
    expect((await server.call('GET', `/api/v1/s/${expiring.shareId}`)).status).toBe(410);

    const unknown = await server.call('GET', `/api/v1/s/${newShareId()}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('not_found');
  });

  it('refuses a wrong passphrase with 401, counted and logged, and a good proof on another share’s nonce', async () => {
    const share = await createShare([]);
    const otherShare = await createShare([]);
    const wrong = await attemptOpen(share.shareId, await patientVerifier(share, 'violet otter 8 lighthouse'));
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ code: 'unauthorized', message: 'The passphrase does not match this link' });

    // A nonce issued for another share, or used twice, is no proof.
    const right = await patientVerifier(share);
    const foreign = await server.call('GET', `/api/v1/s/${otherShare.shareId}`);
    const sign = (nonce: string) => toBase64Url(signShareChallenge(right, { shareId: share.shareId, nonce: fromBase64Url(nonce) }));
    const misused = await server.call('POST', `/api/v1/s/${share.shareId}/open`, {
      json: { nonce: foreign.body.nonce, signature: sign(foreign.body.nonce) },
    });
    expect(misused.status).toBe(401);
    expect((await server.deps.meta.getShare(share.shareId))!.failedAttempts).toBe(2);
    const challenge = await server.call('GET', `/api/v1/s/${share.shareId}`);
    const open = () =>
      server.call('POST', `/api/v1/s/${share.shareId}/open`, { json: { nonce: challenge.body.nonce, signature: sign(challenge.body.nonce) } });
    expect((await open()).status).toBe(200);
    // A verified open ends a run of wrong ones: the count starts again.
    expect((await server.deps.meta.getShare(share.shareId))!.failedAttempts).toBe(0);
    expect((await open()).status).toBe(401);
    // An expired nonce too.
    const stale = await server.call('GET', `/api/v1/s/${share.shareId}`);
    server.clock.advance(server.deps.limits.challengeMs + 1);
    const late = await server.call('POST', `/api/v1/s/${share.shareId}/open`, {
      json: { nonce: stale.body.nonce, signature: sign(stale.body.nonce) },
    });
    expect(late.status).toBe(401);

    expect((await server.deps.meta.getShare(share.shareId))!.failedAttempts).toBe(2);
    const failures = (await accessActions()).filter((e) => e.action === 'share.open.failed');
    expect(failures).toHaveLength(4);
    expect(failures[0]).toMatchObject({ subject: share.shareId, memberId: null, address: '127.0.0.1' });
  });

  it('answers bad open requests with 4xx JSON without counting them as guesses', async () => {
    const share = await createShare([]);
    const path = `/api/v1/s/${share.shareId}/open`;
    const nonce = toBase64Url(systemRandom(32));
    const signature = toBase64Url(systemRandom(64));
    const cases: { json?: unknown; body?: string; headers?: Record<string, string> }[] = [
      { body: '{', headers: { 'Content-Type': 'application/json' } },
      { json: { nonce } },
      { json: { nonce, signature, extra: true } },
      { json: { nonce: 42, signature } },
      { json: { nonce: toBase64Url(systemRandom(31)), signature } },
      { json: { nonce: `${nonce.slice(0, -1)}B`, signature } },
      { json: { nonce, signature: `${signature.slice(0, -1)}B` } },
      { json: { nonce, signature: 'x'.repeat(5000) } },
    ];
    for (const init of cases) {
      const res = await server.call('POST', path, init);
      expect(res.status, JSON.stringify(init).slice(0, 120)).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.body.code).toEqual(expect.any(String));
    }
    const oversized = await server.call('POST', path, { json: { nonce, signature: 'A'.repeat(10_000) } });
    expect(oversized.status).toBe(413);
    expect((await server.call('GET', '/api/v1/s/..%2F..%2Fetc')).status).toBe(400);
    expect((await server.call('POST', '/api/v1/s/shr_short/open', { json: { nonce, signature } })).status).toBe(400);
    expect((await server.deps.meta.getShare(share.shareId))!.failedAttempts).toBe(0);
  });

  it('locks out: the 11th attempt within the window is refused even with the right proof until the backoff passes', async () => {
    const share = await createShare([]);
    const right = await patientVerifier(share);
    const wrong = await patientVerifier(share, 'a guess');

    for (let i = 1; i <= 10; i++) {
      const res = await attemptOpen(share.shareId, wrong);
      expect(res.status, `attempt ${i}`).toBe(401);
      server.clock.advance(10_000);
    }
    // 10 failures within 100 s: locked for 2^0 minutes from the 10th.
    const locked = await attemptOpen(share.shareId, right);
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('locked');
    expect(Number(locked.headers.get('Retry-After'))).toBe(50);
    expect((await server.deps.meta.getShare(share.shareId))!.opens).toBe(0);

    server.clock.advance(50_000);
    const opened = await attemptOpen(share.shareId, right);
    expect(opened.status).toBe(200);
    expect(opened.body.token).toEqual(expect.any(String));
  });

  it('doubles the lock with each further failure, and starts counting afresh after a quiet window', async () => {
    const share = await createShare([]);
    const right = await patientVerifier(share);
    const wrong = await patientVerifier(share, 'a guess');
    for (let i = 0; i < 10; i++) await attemptOpen(share.shareId, wrong);

    server.clock.advance(MINUTE);
    expect((await attemptOpen(share.shareId, wrong)).status).toBe(401);
    const locked = await attemptOpen(share.shareId, right);
    expect(locked.status).toBe(429);
    expect(locked.headers.get('Retry-After')).toBe('120');

    server.clock.advance(2 * MINUTE);
    expect((await attemptOpen(share.shareId, wrong)).status).toBe(401);
    expect((await attemptOpen(share.shareId, right)).headers.get('Retry-After')).toBe('240');

    // Waiting out the lock and the window, then one failure: counted as the first of a new window.
    server.clock.advance(4 * MINUTE + SHARE_FAILURE_WINDOW_MS);
    expect((await attemptOpen(share.shareId, wrong)).status).toBe(401);
    const row = (await server.deps.meta.getShare(share.shareId))!;
    expect(row).toMatchObject({ failedAttempts: 1, lockedUntil: null });
    expect((await attemptOpen(share.shareId, right)).status).toBe(200);
  });

  it('limits failed opens per client address across shares', async () => {
    const share = await createShare([]);
    const right = await patientVerifier(share);
    const body = { nonce: toBase64Url(systemRandom(32)), signature: toBase64Url(systemRandom(64)) };
    // Walking share IDs from one address.
    for (let i = 0; i < 50; i++) {
      const res = await server.call('POST', `/api/v1/s/${newShareId()}/open`, { address: '203.0.113.9', json: body });
      expect(res.status).toBe(404);
    }
    const blocked = await attemptOpen(share.shareId, right, '203.0.113.9');
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe('rate_limited');
    expect(Number(blocked.headers.get('Retry-After'))).toBeGreaterThan(0);
    // Another address, and the share itself, are unaffected.
    expect((await attemptOpen(share.shareId, right, '203.0.113.10')).status).toBe(200);
    server.clock.advance(SHARE_FAILURE_WINDOW_MS);
    expect((await attemptOpen(share.shareId, right, '203.0.113.9')).status).toBe(200);
  });
});

describe('nextFailureState', () => {
  const empty = { failedAttempts: 0, failureWindowStart: null, lockedUntil: null };

  it('locks at the 10th failure of a window, doubling up to a day', () => {
    let state: { failedAttempts: number; failureWindowStart: number | null; lockedUntil: number | null } = empty;
    let t = 1_000_000;
    for (let i = 1; i <= 9; i++) {
      state = nextFailureState(state, t);
      expect(state.lockedUntil).toBeNull();
    }
    state = nextFailureState(state, t);
    expect(state).toEqual({ failedAttempts: 10, failureWindowStart: t, lockedUntil: t + MINUTE });
    for (let i = 11; i <= 30; i++) {
      t = state.lockedUntil!;
      state = nextFailureState(state, t);
      expect(state.lockedUntil! - t).toBe(Math.min(2 ** (i - 10) * MINUTE, DAY));
    }
  });

  it('starts afresh after the window when nothing is locked', () => {
    const nine = { failedAttempts: 9, failureWindowStart: 0, lockedUntil: null };
    expect(nextFailureState(nine, SHARE_FAILURE_WINDOW_MS - 1).failedAttempts).toBe(10);
    expect(nextFailureState(nine, SHARE_FAILURE_WINDOW_MS)).toEqual({
      failedAttempts: 1,
      failureWindowStart: SHARE_FAILURE_WINDOW_MS,
      lockedUntil: null,
    });
  });
});

function signSafe(verifier: ShareVerifier): Uint8Array {
  return signShareChallenge(verifier, { shareId: newShareId(), nonce: systemRandom(32) });
}
