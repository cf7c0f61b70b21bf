// The store contract as tests, one suite per interface, run against every
// adapter (STYLE.md principle 6): sqlite/sqlite-store.test.ts and
// blob-folder.test.ts today, the PostgreSQL and S3 adapters later. Each
// adapter's test file calls these with a factory that opens a fresh store.
//
// Tests use fresh random IDs, so an adapter whose factory reuses one
// database (a shared PostgreSQL schema) still gets isolated facilities.
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BlobHashMismatchError, BlobTooLargeError } from './blob-folder.ts';
import type { BlobStore, MetaStore, RecordToAppend, SessionRow, ShareRow } from './contract.ts';

type Factory<T> = () => Promise<T> | T;

const T0 = 1_700_000_000_000;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const ZERO_HASH = new Uint8Array(32);

const runId = randomBytes(4).toString('hex');
let counter = 0;
function newId(prefix: string): string {
  counter += 1;
  return `${prefix}_${runId}_${counter}`;
}

function randomU8(length: number): Uint8Array {
  return new Uint8Array(randomBytes(length));
}

function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

// Length and digest rather than toEqual on the arrays: vitest compares typed
// arrays element by element, which takes seconds for 100 kB.
function describeBytes(bytes: Uint8Array): { length: number; sha256: string } {
  return { length: bytes.byteLength, sha256: sha256Hex(bytes) };
}

/** A record continuing `after` (the device's chain head), with fresh bytes. */
function makeRecord(deviceId: string, after: ChainHead, docId = 'doc-a'): RecordToAppend {
  const bytes = randomU8(40);
  return {
    recordId: newId('rec'),
    deviceId,
    deviceSeq: after.deviceSeq + 1,
    prevHash: after.hash,
    docId,
    patientKey: 'pk-1',
    kind: 'update',
    bytes,
    hash: sha256(bytes),
  };
}

/** `count` records continuing the chain from `after` (the device's first by default). */
interface ChainHead {
  deviceSeq: number;
  hash: Uint8Array;
}

function makeChain(deviceId: string, count: number, after: ChainHead = { deviceSeq: 0, hash: ZERO_HASH }): RecordToAppend[] {
  const records: RecordToAppend[] = [];
  let head = after;
  for (let i = 0; i < count; i++) {
    const record = makeRecord(deviceId, head);
    records.push(record);
    head = { deviceSeq: record.deviceSeq, hash: record.hash };
  }
  return records;
}

function headOf(record: RecordToAppend): ChainHead {
  return { deviceSeq: record.deviceSeq, hash: record.hash };
}

function makeAdmin(memberId: string) {
  return {
    memberId,
    memberHandle: newId('handle'),
    kdfParams: randomU8(16),
    loginPublicKey: randomU8(32),
    wrappedFacilityKey: randomU8(72),
  };
}

interface ActiveFacility {
  facilityId: string;
  memberId: string;
  deviceId: string;
}

async function createActiveFacility(store: MetaStore, at = T0): Promise<ActiveFacility> {
  const facilityId = newId('fac');
  const memberId = newId('mem');
  const deviceId = newId('dev');
  await store.createFacility({ facilityId, memberId, createdAt: at, quotaBytes: 10_000 });
  const activated = await store.activateFacility({
    facilityId,
    transferPublicKey: randomU8(32),
    admin: makeAdmin(memberId),
    device: { deviceId, memberId, label: 'Reception PC', publicKey: randomU8(32), createdAt: at },
    at,
  });
  expect(activated).toBe(true);
  return { facilityId, memberId, deviceId };
}

async function addDevice(store: MetaStore, facilityId: string, memberId: string, at = T0): Promise<string> {
  const deviceId = newId('dev');
  await store.createDevice({ facilityId, deviceId, memberId, label: 'Tablet', publicKey: randomU8(32), createdAt: at });
  return deviceId;
}

function makeSession(f: ActiveFacility, overrides: Partial<SessionRow> = {}): SessionRow {
  return {
    tokenHash: randomU8(32),
    facilityId: f.facilityId,
    memberId: f.memberId,
    deviceId: f.deviceId,
    createdAt: T0,
    lastUsedAt: T0,
    absoluteExpiresAt: T0 + 12 * HOUR,
    ...overrides,
  };
}

type NewShare = Parameters<MetaStore['createShare']>[0];

function makeShare(f: ActiveFacility, overrides: Partial<NewShare> = {}): NewShare {
  return {
    shareId: newId('shr'),
    facilityId: f.facilityId,
    memberId: f.memberId,
    kdfParams: randomU8(16),
    verifierPublicKey: randomU8(32),
    bundle: randomU8(200),
    blobs: [sha256Hex(randomU8(8)), sha256Hex(randomU8(8))],
    createdAt: T0,
    expiresAt: T0 + 7 * 24 * HOUR,
    maxOpens: null,
    ...overrides,
  };
}

export function describeMetaStoreContract(name: string, makeStore: Factory<MetaStore>): void {
  describe(`MetaStore contract: ${name}`, () => {
    let store: MetaStore;

    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });

    describe('facilities', () => {
      it('creates a pending facility, then activates it once with its admin and first device', async () => {
        const facilityId = newId('fac');
        const memberId = newId('mem');
        const deviceId = newId('dev');
        await store.createFacility({ facilityId, memberId, createdAt: T0, quotaBytes: 5_000 });

        expect(await store.getFacility(facilityId)).toEqual({
          facilityId,
          createdAt: T0,
          activatedAt: null,
          transferPublicKey: null,
          quotaBytes: 5_000,
        });
        expect(await store.getPendingAdmin(facilityId)).toBe(memberId);

        const admin = makeAdmin(memberId);
        const transferPublicKey = randomU8(32);
        const device = { deviceId, memberId, label: 'Reception PC', publicKey: randomU8(32), createdAt: T0 + 5 };
        const activation = { facilityId, transferPublicKey, admin, device, at: T0 + 10 };
        expect(await store.activateFacility(activation)).toBe(true);

        expect(await store.getFacility(facilityId)).toEqual({
          facilityId,
          createdAt: T0,
          activatedAt: T0 + 10,
          transferPublicKey,
          quotaBytes: 5_000,
        });
        expect(await store.getPendingAdmin(facilityId)).toBeNull();
        expect(await store.getMember(facilityId, memberId)).toEqual({
          ...admin,
          facilityId,
          role: 'admin',
          createdAt: T0 + 10,
          disabledAt: null,
        });
        expect(await store.getDevice(facilityId, deviceId)).toEqual({
          ...device,
          facilityId,
          lastSeenAt: null,
          revokedAt: null,
          lastDeviceSeq: 0,
          lastRecordHash: null,
        });

        // Once only: a second activation changes nothing.
        const again = { ...activation, admin: makeAdmin(memberId), at: T0 + 20 };
        expect(await store.activateFacility(again)).toBe(false);
        expect((await store.getFacility(facilityId))!.activatedAt).toBe(T0 + 10);
        expect(await store.listMembers(facilityId)).toHaveLength(1);
      });

      it('refuses to activate an unknown facility or for a member other than the reserved admin', async () => {
        const unknown = newId('fac');
        const memberId = newId('mem');
        const device = { deviceId: newId('dev'), memberId, label: 'PC', publicKey: randomU8(32), createdAt: T0 };
        expect(
          await store.activateFacility({ facilityId: unknown, transferPublicKey: randomU8(32), admin: makeAdmin(memberId), device, at: T0 }),
        ).toBe(false);
        expect(await store.getFacility(unknown)).toBeNull();
        expect(await store.getPendingAdmin(unknown)).toBeNull();

        const facilityId = newId('fac');
        await store.createFacility({ facilityId, memberId: newId('mem'), createdAt: T0, quotaBytes: 1 });
        expect(
          await store.activateFacility({ facilityId, transferPublicKey: randomU8(32), admin: makeAdmin(memberId), device, at: T0 }),
        ).toBe(false);
        expect((await store.getFacility(facilityId))!.activatedAt).toBeNull();
        expect(await store.listMembers(facilityId)).toEqual([]);
      });

      it('deletes only pending facilities created before the cut-off', async () => {
        const oldPending = newId('fac');
        const newPending = newId('fac');
        await store.createFacility({ facilityId: oldPending, memberId: newId('mem'), createdAt: T0, quotaBytes: 1 });
        await store.createFacility({ facilityId: newPending, memberId: newId('mem'), createdAt: T0 + HOUR, quotaBytes: 1 });
        const active = await createActiveFacility(store, T0);

        expect(await store.deletePendingFacilities(T0 + 1)).toBe(1);
        expect(await store.getFacility(oldPending)).toBeNull();
        expect(await store.getFacility(newPending)).not.toBeNull();
        expect(await store.getFacility(active.facilityId)).not.toBeNull();
        expect(await store.deletePendingFacilities(T0 + 1)).toBe(0);
      });
    });

    describe('members', () => {
      it('creates members with handles unique per facility', async () => {
        const f = await createActiveFacility(store);
        const other = await createActiveFacility(store);
        const member = {
          facilityId: f.facilityId,
          memberId: newId('mem'),
          memberHandle: 'handle-nurse',
          role: 'clinician' as const,
          kdfParams: randomU8(16),
          loginPublicKey: randomU8(32),
          wrappedFacilityKey: randomU8(72),
          createdAt: T0 + 1,
          disabledAt: null,
        };
        expect(await store.createMember(member)).toBe('created');
        expect(await store.getMember(f.facilityId, member.memberId)).toEqual(member);
        expect(await store.findMemberByHandle(f.facilityId, 'handle-nurse')).toEqual(member);

        expect(await store.createMember({ ...member, memberId: newId('mem') })).toBe('handle_taken');
        // The same handle in another facility is another person.
        expect(await store.createMember({ ...member, facilityId: other.facilityId, memberId: newId('mem') })).toBe('created');

        const members = await store.listMembers(f.facilityId);
        expect(members.map((m) => m.memberId)).toEqual([f.memberId, member.memberId]);
        expect(await store.findMemberByHandle(f.facilityId, 'nobody')).toBeNull();
        expect(await store.getMember(f.facilityId, newId('mem'))).toBeNull();
      });

      it('disables and re-enables a member', async () => {
        const f = await createActiveFacility(store);
        expect(await store.setMemberDisabled(f.facilityId, f.memberId, T0 + 5)).toBe(true);
        expect((await store.getMember(f.facilityId, f.memberId))!.disabledAt).toBe(T0 + 5);
        expect(await store.setMemberDisabled(f.facilityId, f.memberId, null)).toBe(true);
        expect((await store.getMember(f.facilityId, f.memberId))!.disabledAt).toBeNull();
        expect(await store.setMemberDisabled(f.facilityId, newId('mem'), T0)).toBe(false);
      });

      it('replaces a member’s keys', async () => {
        const f = await createActiveFacility(store);
        const keys = { kdfParams: randomU8(16), loginPublicKey: randomU8(32), wrappedFacilityKey: randomU8(72) };
        expect(await store.updateMemberKeys(f.facilityId, f.memberId, keys)).toBe(true);
        expect(await store.getMember(f.facilityId, f.memberId)).toMatchObject(keys);
        expect(await store.updateMemberKeys(f.facilityId, newId('mem'), keys)).toBe(false);
      });
    });

    describe('devices', () => {
      it('creates, lists and revokes devices; revoking deletes only that device’s sessions', async () => {
        const f = await createActiveFacility(store);
        const tablet = await addDevice(store, f.facilityId, f.memberId, T0 + 1);
        expect(await store.getDevice(f.facilityId, tablet)).toMatchObject({
          facilityId: f.facilityId,
          deviceId: tablet,
          memberId: f.memberId,
          label: 'Tablet',
          createdAt: T0 + 1,
          revokedAt: null,
          lastDeviceSeq: 0,
          lastRecordHash: null,
        });
        expect((await store.listDevices(f.facilityId)).map((d) => d.deviceId)).toEqual([f.deviceId, tablet]);

        const tabletSession = makeSession(f, { deviceId: tablet });
        const pcSession = makeSession(f);
        await store.createSession(tabletSession);
        await store.createSession(pcSession);

        expect(await store.revokeDevice(f.facilityId, tablet, T0 + 50)).toBe(true);
        expect((await store.getDevice(f.facilityId, tablet))!.revokedAt).toBe(T0 + 50);
        expect(await store.getSession(tabletSession.tokenHash)).toBeNull();
        expect(await store.getSession(pcSession.tokenHash)).toEqual(pcSession);

        // Revoking again keeps the first time.
        expect(await store.revokeDevice(f.facilityId, tablet, T0 + 90)).toBe(true);
        expect((await store.getDevice(f.facilityId, tablet))!.revokedAt).toBe(T0 + 50);
        expect(await store.revokeDevice(f.facilityId, newId('dev'), T0)).toBe(false);
        expect(await store.getDevice(f.facilityId, newId('dev'))).toBeNull();
      });
    });

    describe('challenges', () => {
      it('gives a challenge back once', async () => {
        const challenge = { nonce: randomU8(32), facilityId: newId('fac'), subject: newId('mem'), expiresAt: T0 + MINUTE };
        // The facility need not exist: unknown facilities get challenges too,
        // so a probe cannot tell which ones exist.
        await store.putChallenge(challenge);
        expect(await store.takeChallenge(challenge.nonce, T0)).toEqual(challenge);
        expect(await store.takeChallenge(challenge.nonce, T0)).toBeNull();
      });

      it('refuses an expired challenge and forgets it', async () => {
        const challenge = { nonce: randomU8(32), facilityId: newId('fac'), subject: newId('mem'), expiresAt: T0 + MINUTE };
        await store.putChallenge(challenge);
        expect(await store.takeChallenge(challenge.nonce, T0 + MINUTE)).toBeNull();
        expect(await store.takeChallenge(challenge.nonce, T0)).toBeNull();
        expect(await store.takeChallenge(randomU8(32), T0)).toBeNull();
      });
    });

    describe('sessions', () => {
      it('stores, touches and deletes a session; login and use mark the device seen', async () => {
        const f = await createActiveFacility(store);
        const session = makeSession(f);
        await store.createSession(session);
        expect(await store.getSession(session.tokenHash)).toEqual(session);
        expect((await store.getDevice(f.facilityId, f.deviceId))!.lastSeenAt).toBe(T0);

        await store.touchSession(session.tokenHash, T0 + MINUTE);
        expect(await store.getSession(session.tokenHash)).toEqual({ ...session, lastUsedAt: T0 + MINUTE });
        expect((await store.getDevice(f.facilityId, f.deviceId))!.lastSeenAt).toBe(T0 + MINUTE);

        await store.deleteSession(session.tokenHash);
        expect(await store.getSession(session.tokenHash)).toBeNull();
        await store.touchSession(session.tokenHash, T0 + HOUR); // gone: nothing to touch
        expect(await store.getSession(session.tokenHash)).toBeNull();
        expect(await store.getSession(randomU8(32))).toBeNull();
      });

      it('deletes sessions past their idle or absolute expiry, expired challenges and share tokens', async () => {
        const f = await createActiveFacility(store);
        const idleMs = 30 * MINUTE;
        const now = T0 + 30 * MINUTE;
        const idle = makeSession(f, { lastUsedAt: T0 });
        const live = makeSession(f, { lastUsedAt: T0 + 20 * MINUTE });
        const ended = makeSession(f, { lastUsedAt: T0 + 25 * MINUTE, absoluteExpiresAt: T0 + 26 * MINUTE });
        for (const s of [idle, live, ended]) await store.createSession(s);

        const oldChallenge = { nonce: randomU8(32), facilityId: f.facilityId, subject: f.memberId, expiresAt: now - 1 };
        const freshChallenge = { nonce: randomU8(32), facilityId: f.facilityId, subject: f.memberId, expiresAt: now + MINUTE };
        await store.putChallenge(oldChallenge);
        await store.putChallenge(freshChallenge);

        const share = makeShare(f);
        await store.createShare(share);
        const oldToken = { tokenHash: randomU8(32), shareId: share.shareId, expiresAt: now };
        const freshToken = { tokenHash: randomU8(32), shareId: share.shareId, expiresAt: now + HOUR };
        expect(await store.consumeShareOpen(share.shareId, oldToken)).toBe(true);
        expect(await store.consumeShareOpen(share.shareId, freshToken)).toBe(true);

        await store.deleteExpired(now, idleMs);

        expect(await store.getSession(idle.tokenHash)).toBeNull();
        expect(await store.getSession(ended.tokenHash)).toBeNull();
        expect(await store.getSession(live.tokenHash)).toEqual(live);
        expect(await store.getShareToken(oldToken.tokenHash)).toBeNull();
        expect(await store.getShareToken(freshToken.tokenHash)).toEqual(freshToken);
        expect(await store.takeChallenge(oldChallenge.nonce, T0)).toBeNull();
        expect(await store.takeChallenge(freshChallenge.nonce, T0)).toEqual(freshChallenge);
      });
    });

    describe('log', () => {
      it('assigns seqs 1..n in order and advances the device chain', async () => {
        const f = await createActiveFacility(store);
        const records = makeChain(f.deviceId, 3);
        expect(await store.head(f.facilityId)).toBe(0);

        expect(await store.append(f.facilityId, records, T0)).toEqual({
          ok: true,
          results: [
            { status: 'stored', seq: 1 },
            { status: 'stored', seq: 2 },
            { status: 'stored', seq: 3 },
          ],
        });
        expect(await store.head(f.facilityId)).toBe(3);
        expect(await store.read(f.facilityId, 0, 10)).toEqual(
          records.map((r, i) => ({ seq: i + 1, recordId: r.recordId, bytes: r.bytes })),
        );
        const device = await store.getDevice(f.facilityId, f.deviceId);
        expect(device).toMatchObject({ lastDeviceSeq: 3, lastRecordHash: records[2]!.hash });
      });

      it('accepts an empty batch', async () => {
        const f = await createActiveFacility(store);
        expect(await store.append(f.facilityId, [], T0)).toEqual({ ok: true, results: [] });
        expect(await store.head(f.facilityId)).toBe(0);
      });

      it('acknowledges a repeated record with its seq and stores it once', async () => {
        const f = await createActiveFacility(store);
        const [first, second] = makeChain(f.deviceId, 2) as [RecordToAppend, RecordToAppend];
        await store.append(f.facilityId, [first], T0);

        // A retry after a lost acknowledgement: the repeat is not stored
        // again and leaves the chain as it is, so the next record still fits.
        expect(await store.append(f.facilityId, [first, second], T0 + 1)).toEqual({
          ok: true,
          results: [
            { status: 'duplicate', seq: 1 },
            { status: 'stored', seq: 2 },
          ],
        });
        expect(await store.append(f.facilityId, [second, second], T0 + 2)).toEqual({
          ok: true,
          results: [
            { status: 'duplicate', seq: 2 },
            { status: 'duplicate', seq: 2 },
          ],
        });
        expect(await store.head(f.facilityId)).toBe(2);
        expect((await store.read(f.facilityId, 0, 10)).map((r) => r.recordId)).toEqual([first.recordId, second.recordId]);
        expect(await store.getDevice(f.facilityId, f.deviceId)).toMatchObject({ lastDeviceSeq: 2, lastRecordHash: second.hash });
      });

      it('treats a record repeated within one batch as a duplicate of its first copy', async () => {
        const f = await createActiveFacility(store);
        const [record] = makeChain(f.deviceId, 1) as [RecordToAppend];
        expect(await store.append(f.facilityId, [record, record], T0)).toEqual({
          ok: true,
          results: [
            { status: 'stored', seq: 1 },
            { status: 'duplicate', seq: 1 },
          ],
        });
      });

      it('refuses a record ID stored with other bytes, and rolls the whole batch back', async () => {
        const f = await createActiveFacility(store);
        const [first, second] = makeChain(f.deviceId, 2) as [RecordToAppend, RecordToAppend];
        await store.append(f.facilityId, [first], T0);

        const forged = { ...first, bytes: randomU8(40) };
        expect(await store.append(f.facilityId, [second, forged], T0 + 1)).toEqual({ ok: false, index: 1, reason: 'conflict' });
        expect(await store.head(f.facilityId)).toBe(1);
        expect((await store.read(f.facilityId, 0, 10)).map((r) => r.recordId)).toEqual([first.recordId]);
        expect(await store.getDevice(f.facilityId, f.deviceId)).toMatchObject({ lastDeviceSeq: 1, lastRecordHash: first.hash });

        // Nothing of the refused batch stuck: its good record still fits.
        expect(await store.append(f.facilityId, [second], T0 + 2)).toEqual({ ok: true, results: [{ status: 'stored', seq: 2 }] });
      });

      it('refuses a broken chain (gap, replay, fork, bad first link, unknown device) and stores nothing', async () => {
        const f = await createActiveFacility(store);
        const [first, second, third] = makeChain(f.deviceId, 3) as [RecordToAppend, RecordToAppend, RecordToAppend];
        await store.append(f.facilityId, [first], T0);

        const attempts: [string, RecordToAppend[], { index: number; expectedSeq?: number }][] = [
          ['gap', [third], { index: 0, expectedSeq: 2 }],
          ['replay', [{ ...makeRecord(f.deviceId, { deviceSeq: 0, hash: ZERO_HASH }) }], { index: 0, expectedSeq: 2 }],
          ['fork', [makeRecord(f.deviceId, { deviceSeq: 1, hash: sha256(randomU8(8)) })], { index: 0, expectedSeq: 2 }],
          ['good then gap', [second, makeRecord(f.deviceId, { deviceSeq: 3, hash: second.hash })], { index: 1, expectedSeq: 3 }],
          ['unknown device', [makeRecord(newId('dev'), { deviceSeq: 0, hash: ZERO_HASH })], { index: 0 }],
        ];
        for (const [what, batch, failure] of attempts) {
          const result = await store.append(f.facilityId, batch, T0 + 1);
          expect(result, what).toEqual({ ok: false, reason: 'chain_broken', ...failure });
          expect(await store.head(f.facilityId), what).toBe(1);
        }

        const tablet = await addDevice(store, f.facilityId, f.memberId);
        const badFirst = makeRecord(tablet, { deviceSeq: 0, hash: sha256(randomU8(8)) });
        expect(await store.append(f.facilityId, [badFirst], T0)).toEqual({ ok: false, index: 0, reason: 'chain_broken', expectedSeq: 1 });

        expect((await store.read(f.facilityId, 0, 10)).map((r) => r.recordId)).toEqual([first.recordId]);
        expect(await store.getDevice(f.facilityId, f.deviceId)).toMatchObject({ lastDeviceSeq: 1, lastRecordHash: first.hash });
        expect(await store.getDevice(f.facilityId, tablet)).toMatchObject({ lastDeviceSeq: 0, lastRecordHash: null });
      });

      it('advances each device’s chain record by record within one batch', async () => {
        const f = await createActiveFacility(store);
        const tablet = await addDevice(store, f.facilityId, f.memberId);
        const [p1, p2, p3] = makeChain(f.deviceId, 3) as [RecordToAppend, RecordToAppend, RecordToAppend];
        const [t1, t2] = makeChain(tablet, 2) as [RecordToAppend, RecordToAppend];

        const result = await store.append(f.facilityId, [p1, t1, p2, t2, p3], T0);
        expect(result).toEqual({ ok: true, results: range(1, 5).map((seq) => ({ status: 'stored', seq })) });
        expect(await store.getDevice(f.facilityId, f.deviceId)).toMatchObject({ lastDeviceSeq: 3, lastRecordHash: p3.hash });
        expect(await store.getDevice(f.facilityId, tablet)).toMatchObject({ lastDeviceSeq: 2, lastRecordHash: t2.hash });

        const next = makeRecord(tablet, headOf(t2));
        expect(await store.append(f.facilityId, [next], T0)).toEqual({ ok: true, results: [{ status: 'stored', seq: 6 }] });
      });

      it('keeps an independent seq per facility', async () => {
        const a = await createActiveFacility(store);
        const b = await createActiveFacility(store);
        const aRecords = makeChain(a.deviceId, 3);
        const bRecords = makeChain(b.deviceId, 2);
        await store.append(a.facilityId, aRecords.slice(0, 2), T0);
        expect(await store.append(b.facilityId, bRecords, T0)).toEqual({
          ok: true,
          results: [
            { status: 'stored', seq: 1 },
            { status: 'stored', seq: 2 },
          ],
        });
        expect(await store.append(a.facilityId, aRecords.slice(2), T0)).toEqual({ ok: true, results: [{ status: 'stored', seq: 3 }] });
        expect(await store.head(a.facilityId)).toBe(3);
        expect(await store.head(b.facilityId)).toBe(2);
        expect((await store.read(b.facilityId, 0, 10)).map((r) => r.recordId)).toEqual(bRecords.map((r) => r.recordId));
      });

      it('reads in pages after a seq', async () => {
        const f = await createActiveFacility(store);
        const records = makeChain(f.deviceId, 7);
        await store.append(f.facilityId, records, T0);

        const pages: number[][] = [];
        let after = 0;
        for (;;) {
          const page = await store.read(f.facilityId, after, 3);
          if (page.length === 0) break;
          pages.push(page.map((r) => r.seq));
          after = page[page.length - 1]!.seq;
        }
        expect(pages).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
        expect(await store.read(f.facilityId, 7, 3)).toEqual([]);
        expect(await store.read(newId('fac'), 0, 3)).toEqual([]);
        expect(await store.head(newId('fac'))).toBe(0);
      });

      it('refuses a page size below 1 or a negative cursor', async () => {
        const f = await createActiveFacility(store);
        await expect(store.read(f.facilityId, 0, 0)).rejects.toThrow(RangeError);
        await expect(store.read(f.facilityId, -1, 10)).rejects.toThrow(RangeError);
      });

      it('gives concurrent appenders seqs 1..N with no gap and no repeat', async () => {
        const f = await createActiveFacility(store);
        const devices = [f.deviceId];
        for (let i = 0; i < 4; i++) devices.push(await addDevice(store, f.facilityId, f.memberId));
        const perDevice = 24;
        const batchSize = 3;

        const acknowledged = new Map<string, number>();
        await Promise.all(
          devices.map(async (deviceId) => {
            // Each device pushes its own chain in order, as a device does;
            // the five devices race each other.
            const records = makeChain(deviceId, perDevice);
            for (let i = 0; i < records.length; i += batchSize) {
              const batch = records.slice(i, i + batchSize);
              const result = await store.append(f.facilityId, batch, T0);
              if (!result.ok) throw new Error(`append refused: ${JSON.stringify(result)}`);
              result.results.forEach((r, j) => acknowledged.set(batch[j]!.recordId, r.seq));
            }
          }),
        );

        const total = devices.length * perDevice;
        const stored = await store.read(f.facilityId, 0, total + 10);
        expect(stored.map((r) => r.seq)).toEqual(range(1, total));
        expect(new Set(stored.map((r) => r.recordId)).size).toBe(total);
        for (const r of stored) expect(acknowledged.get(r.recordId)).toBe(r.seq);
        expect(await store.head(f.facilityId)).toBe(total);
      });
    });

    describe('blob references', () => {
      it('counts each distinct blob once per facility', async () => {
        const f = await createActiveFacility(store);
        const other = await createActiveFacility(store);
        const a = sha256Hex(randomU8(8));
        const b = sha256Hex(randomU8(8));
        expect(await store.bytesStored(f.facilityId)).toBe(0);

        expect(await store.addBlobRef(f.facilityId, a, 1_000, T0)).toBe('added');
        expect(await store.addBlobRef(f.facilityId, a, 1_000, T0 + 1)).toBe('existing');
        expect(await store.addBlobRef(f.facilityId, b, 250, T0)).toBe('added');
        expect(await store.addBlobRef(other.facilityId, a, 1_000, T0)).toBe('added');

        expect(await store.bytesStored(f.facilityId)).toBe(1_250);
        expect(await store.bytesStored(other.facilityId)).toBe(1_000);
        expect(await store.hasBlobRef(f.facilityId, b)).toBe(true);
        expect(await store.hasBlobRef(other.facilityId, b)).toBe(false);
      });
    });

    describe('shares', () => {
      it('creates a share once and reads it back with fresh counters', async () => {
        const f = await createActiveFacility(store);
        const share = makeShare(f, { maxOpens: 3 });
        expect(await store.createShare(share)).toBe('created');
        expect(await store.createShare({ ...share, bundle: randomU8(10) })).toBe('exists');

        const expected: ShareRow = {
          ...share,
          opens: 0,
          failedAttempts: 0,
          failureWindowStart: null,
          lockedUntil: null,
          revokedAt: null,
        };
        expect(await store.getShare(share.shareId)).toEqual(expected);
        expect(await store.getShare(newId('shr'))).toBeNull();
      });

      it('lists a facility’s shares, newest first', async () => {
        const f = await createActiveFacility(store);
        const other = await createActiveFacility(store);
        const older = makeShare(f, { createdAt: T0 });
        const newer = makeShare(f, { createdAt: T0 + 1 });
        await store.createShare(older);
        await store.createShare(newer);
        await store.createShare(makeShare(other));
        expect((await store.listShares(f.facilityId)).map((s) => s.shareId)).toEqual([newer.shareId, older.shareId]);
      });

      it('revokes a share within its facility only', async () => {
        const f = await createActiveFacility(store);
        const other = await createActiveFacility(store);
        const share = makeShare(f);
        await store.createShare(share);
        expect(await store.revokeShare(other.facilityId, share.shareId, T0)).toBe(false);
        expect(await store.revokeShare(f.facilityId, share.shareId, T0 + 5)).toBe(true);
        expect(await store.revokeShare(f.facilityId, share.shareId, T0 + 9)).toBe(true);
        expect((await store.getShare(share.shareId))!.revokedAt).toBe(T0 + 5);
        expect(await store.consumeShareOpen(share.shareId, { tokenHash: randomU8(32), shareId: share.shareId, expiresAt: T0 + HOUR })).toBe(false);
      });

      it('records failures, and a verified open clears them and issues a token', async () => {
        const f = await createActiveFacility(store);
        const share = makeShare(f);
        await store.createShare(share);
        await store.recordShareFailure(share.shareId, { failedAttempts: 3, failureWindowStart: T0, lockedUntil: T0 + MINUTE });
        expect(await store.getShare(share.shareId)).toMatchObject({ failedAttempts: 3, failureWindowStart: T0, lockedUntil: T0 + MINUTE });

        const token = { tokenHash: randomU8(32), shareId: share.shareId, expiresAt: T0 + HOUR };
        expect(await store.consumeShareOpen(share.shareId, token)).toBe(true);
        expect(await store.getShare(share.shareId)).toMatchObject({ opens: 1, failedAttempts: 0, failureWindowStart: null, lockedUntil: null });
        expect(await store.getShareToken(token.tokenHash)).toEqual(token);
        expect(await store.getShareToken(randomU8(32))).toBeNull();
      });

      it('stops at maxOpens and issues no token past it', async () => {
        const f = await createActiveFacility(store);
        const share = makeShare(f, { maxOpens: 2 });
        await store.createShare(share);
        const tokens = [0, 1, 2].map(() => ({ tokenHash: randomU8(32), shareId: share.shareId, expiresAt: T0 + HOUR }));
        const opened = await Promise.all(tokens.map((t) => store.consumeShareOpen(share.shareId, t)));
        expect(opened.filter(Boolean)).toHaveLength(2);
        expect((await store.getShare(share.shareId))!.opens).toBe(2);
        const refused = tokens[opened.indexOf(false)]!;
        expect(await store.getShareToken(refused.tokenHash)).toBeNull();
        expect(await store.consumeShareOpen(newId('shr'), { ...refused, tokenHash: randomU8(32) })).toBe(false);
      });

      it('allows any number of opens when maxOpens is null', async () => {
        const f = await createActiveFacility(store);
        const share = makeShare(f, { maxOpens: null });
        await store.createShare(share);
        for (let i = 0; i < 5; i++) {
          expect(await store.consumeShareOpen(share.shareId, { tokenHash: randomU8(32), shareId: share.shareId, expiresAt: T0 + HOUR })).toBe(true);
        }
        expect((await store.getShare(share.shareId))!.opens).toBe(5);
      });
    });

    describe('usage', () => {
      it('adds to the month’s counters, per facility', async () => {
        const f = await createActiveFacility(store);
        const other = await createActiveFacility(store);
        await store.addUsage(f.facilityId, '2026-02', { requests: 1 });
        await store.addUsage(f.facilityId, '2026-01', { bytesServed: 500, requests: 2 });
        await store.addUsage(f.facilityId, '2026-01', { recordsPushed: 7, bytesServed: 100 });
        await store.addUsage(f.facilityId, '2026-01', {});
        await store.addUsage(other.facilityId, '2026-01', { requests: 99 });

        expect(await store.listUsage(f.facilityId)).toEqual([
          { month: '2026-01', bytesServed: 600, recordsPushed: 7, requests: 2 },
          { month: '2026-02', bytesServed: 0, recordsPushed: 0, requests: 1 },
        ]);
        expect(await store.listUsage(newId('fac'))).toEqual([]);
      });

      it('refuses a malformed month or a negative delta', async () => {
        const f = await createActiveFacility(store);
        await expect(store.addUsage(f.facilityId, '2026-1', { requests: 1 })).rejects.toThrow(RangeError);
        await expect(store.addUsage(f.facilityId, '2026-01', { requests: -1 })).rejects.toThrow(RangeError);
        expect(await store.listUsage(f.facilityId)).toEqual([]);
      });
    });

    describe('access log', () => {
      it('lists entries newest first, paged by id', async () => {
        const f = await createActiveFacility(store);
        const other = await createActiveFacility(store);
        const entries = range(1, 5).map((i) => ({
          facilityId: f.facilityId,
          at: T0 + i,
          action: i % 2 ? 'login' : 'blob.download',
          memberId: f.memberId,
          deviceId: i === 3 ? null : f.deviceId,
          subject: null,
          address: i % 2 ? null : sha256Hex(randomU8(4)),
        }));
        for (const entry of entries) {
          await store.appendAccess(entry);
          await store.appendAccess({ ...entry, facilityId: other.facilityId });
        }

        const first = await store.listAccess(f.facilityId, { limit: 2 });
        expect(first.entries.map(({ id: _id, ...e }) => e)).toEqual([entries[4], entries[3]]);
        const second = await store.listAccess(f.facilityId, { before: first.entries[1]!.id, limit: 2 });
        expect(second.entries.map((e) => e.at)).toEqual([T0 + 3, T0 + 2]);
        const third = await store.listAccess(f.facilityId, { before: second.entries[1]!.id, limit: 2 });
        expect(third.entries.map((e) => e.at)).toEqual([T0 + 1]);
        expect((await store.listAccess(f.facilityId, { before: third.entries[0]!.id, limit: 2 })).entries).toEqual([]);

        const ids = [...first.entries, ...second.entries, ...third.entries].map((e) => e.id);
        expect(ids).toEqual([...ids].sort((x, y) => y - x));
        expect(new Set(ids).size).toBe(5);
        expect((await store.listAccess(other.facilityId, { limit: 10 })).entries).toHaveLength(5);
      });

      it('writes queued read entries before a durable append and before any listing, in order of events', async () => {
        const f = await createActiveFacility(store);
        const entry = (i: number, action: string) => ({
          facilityId: f.facilityId,
          at: T0 + i,
          action,
          memberId: f.memberId,
          deviceId: f.deviceId,
          subject: `subject-${i}`,
          address: '192.0.2.7',
        });
        store.queueAccess(entry(1, 'log.pull'));
        store.queueAccess(entry(2, 'blob.download'));
        await store.appendAccess(entry(3, 'device.revoke'));
        store.queueAccess(entry(4, 'blob.download'));
        // Listed at once: the listing writes what is queued first.
        const { entries } = await store.listAccess(f.facilityId, { limit: 10 });
        expect(entries.map(({ id: _id, ...e }) => e)).toEqual([entry(4, 'blob.download'), entry(3, 'device.revoke'), entry(2, 'blob.download'), entry(1, 'log.pull')]);
        const ids = entries.map((e) => e.id);
        expect(ids).toEqual([...ids].sort((x, y) => y - x));

        store.queueAccess(entry(5, 'log.pull'));
        await store.flushAccess();
        await store.flushAccess(); // nothing left: a no-op
        expect((await store.listAccess(f.facilityId, { limit: 10 })).entries.map((e) => e.at)).toEqual([5, 4, 3, 2, 1].map((i) => T0 + i));
      });
    });
  });
}

export function describeBlobStoreContract(name: string, makeStore: Factory<BlobStore>): void {
  describe(`BlobStore contract: ${name}`, () => {
    let blobs: BlobStore;

    beforeEach(async () => {
      blobs = await makeStore();
    });

    function makeBlob(length = 5_000): { address: string; bytes: Uint8Array } {
      const bytes = randomU8(length);
      return { address: sha256Hex(bytes), bytes };
    }

    it('stores a blob and reads it back whole', async () => {
      const { address, bytes } = makeBlob();
      await blobs.put(address, bytes);
      expect(await blobs.size(address)).toBe(bytes.byteLength);
      expect(describeBytes(await (await blobs.read(address))!)).toEqual(describeBytes(bytes));
    });

    it('reads a byte range [start, end)', async () => {
      const { address, bytes } = makeBlob(100_000);
      await blobs.put(address, bytes);
      // 100 kB crosses the 64 KiB chunks a file stream reads in.
      const readRange = async (start: number, end: number) => describeBytes(await (await blobs.read(address, { start, end }))!);
      expect(await readRange(10, 70_000)).toEqual(describeBytes(bytes.slice(10, 70_000)));
      expect(await readRange(99_999, 100_000)).toEqual(describeBytes(bytes.slice(99_999)));
      expect(await readRange(0, 100_000)).toEqual(describeBytes(bytes));
      expect(await (await blobs.read(address, { start: 5, end: 5 }))!).toEqual(new Uint8Array(0));
    });

    it('refuses a range outside the blob', async () => {
      const { address, bytes } = makeBlob(100);
      await blobs.put(address, bytes);
      await expect(blobs.read(address, { start: 0, end: 101 })).rejects.toThrow(RangeError);
      await expect(blobs.read(address, { start: 60, end: 50 })).rejects.toThrow(RangeError);
      await expect(blobs.read(address, { start: -1, end: 50 })).rejects.toThrow(RangeError);
    });

    it('stores the empty blob', async () => {
      const bytes = new Uint8Array(0);
      const address = sha256Hex(bytes);
      await blobs.put(address, bytes);
      expect(await blobs.size(address)).toBe(0);
      expect(await (await blobs.read(address))!).toEqual(bytes);
    });

    it('answers null for an absent blob', async () => {
      const { address } = makeBlob(10);
      expect(await blobs.size(address)).toBeNull();
      expect(await blobs.read(address)).toBeNull();
      expect(await blobs.read(address, { start: 0, end: 1 })).toBeNull();
    });

    it('refuses bytes that do not hash to the address, and stores nothing', async () => {
      const { address, bytes } = makeBlob(100);
      const tampered = bytes.slice();
      tampered[0]! ^= 1;
      await expect(blobs.put(address, tampered)).rejects.toThrow(BlobHashMismatchError);
      expect(await blobs.size(address)).toBeNull();
    });

    it('treats a repeated put as a no-op, even when concurrent', async () => {
      const { address, bytes } = makeBlob(50_000);
      await Promise.all([blobs.put(address, bytes), blobs.put(address, bytes), blobs.put(address, bytes)]);
      await blobs.put(address, bytes);
      expect(await blobs.size(address)).toBe(bytes.byteLength);
      expect(describeBytes(await (await blobs.read(address))!)).toEqual(describeBytes(bytes));
    });

    it('refuses an address that is not 64 lowercase hex digits', async () => {
      const { address, bytes } = makeBlob(10);
      for (const bad of ['../x', `../${address.slice(3)}`, address.toUpperCase(), address.slice(1), `${address}0`, '']) {
        await expect(blobs.put(bad, bytes), bad).rejects.toThrow(TypeError);
        await expect(blobs.size(bad), bad).rejects.toThrow(TypeError);
        await expect(blobs.read(bad), bad).rejects.toThrow(TypeError);
      }
    });

    it('collects no stored blob as an orphan', async () => {
      const { address, bytes } = makeBlob(10);
      await blobs.put(address, bytes);
      expect(await blobs.collectOrphans(Date.now() + HOUR)).toBe(0);
      expect(await blobs.size(address)).toBe(10);
    });

    describe('putStream', () => {
      /** The bytes in pieces of `size`, as a socket hands them over, a turn of the event loop apart. */
      async function* pieces(bytes: Uint8Array, size = 64 * 1024, failAfter = Infinity): AsyncGenerator<Uint8Array> {
        for (let at = 0, n = 0; at < bytes.length; at += size, n++) {
          if (n >= failAfter) throw new Error('aborted');
          await new Promise((resolve) => setImmediate(resolve));
          yield bytes.slice(at, at + size);
        }
      }

      it('stores the bytes as they arrive and reads them back whole', async () => {
        const { address, bytes } = makeBlob(300_000);
        expect(await blobs.putStream(address, pieces(bytes), { maxBytes: 1 << 20 })).toBe(bytes.length);
        expect(await blobs.size(address)).toBe(bytes.length);
        expect(describeBytes(await (await blobs.read(address))!)).toEqual(describeBytes(bytes));
        // Pieces of odd sizes land at the right offsets.
        const other = makeBlob(100_001);
        expect(await blobs.putStream(other.address, pieces(other.bytes, 7_777), { maxBytes: 1 << 20 })).toBe(100_001);
        expect(describeBytes(await (await blobs.read(other.address))!)).toEqual(describeBytes(other.bytes));
      });

      it('refuses bytes that miss the address, and stores nothing', async () => {
        const { address, bytes } = makeBlob(200_000);
        const tampered = bytes.slice();
        tampered[150_000]! ^= 1;
        await expect(blobs.putStream(address, pieces(tampered), { maxBytes: 1 << 20 })).rejects.toThrow(BlobHashMismatchError);
        expect(await blobs.size(address)).toBeNull();
        expect(await blobs.read(address)).toBeNull();
      });

      it('refuses more than maxBytes, and stores nothing', async () => {
        const { address, bytes } = makeBlob(200_001);
        await expect(blobs.putStream(address, pieces(bytes), { maxBytes: 200_000 })).rejects.toThrow(BlobTooLargeError);
        expect(await blobs.size(address)).toBeNull();
      });

      it('rejects with the error of a body cut off mid-way, and stores nothing', async () => {
        const { address, bytes } = makeBlob(300_000);
        await expect(blobs.putStream(address, pieces(bytes, 64 * 1024, 2), { maxBytes: 1 << 20 })).rejects.toThrow('aborted');
        expect(await blobs.size(address)).toBeNull();
        expect(await blobs.read(address)).toBeNull();
        // The same part, sent again in full, is stored.
        await blobs.putStream(address, pieces(bytes), { maxBytes: 1 << 20 });
        expect(await blobs.size(address)).toBe(bytes.length);
      });

      it('reads and checks a part already stored, and leaves it as it was', async () => {
        const { address, bytes } = makeBlob(100_000);
        await blobs.put(address, bytes);
        expect(await blobs.putStream(address, pieces(bytes), { maxBytes: 1 << 20 })).toBe(bytes.length);
        const tampered = bytes.slice();
        tampered[0]! ^= 1;
        await expect(blobs.putStream(address, pieces(tampered), { maxBytes: 1 << 20 })).rejects.toThrow(BlobHashMismatchError);
        expect(describeBytes(await (await blobs.read(address))!)).toEqual(describeBytes(bytes));
      });
    });
  });
}
