import type Database from 'better-sqlite3';
import type { AccountStore, ChallengeRow, DeviceRow, FacilityRow, MemberRow, Role, SessionRow } from '../contract.ts';
import { toBytes, toBytesOrNull } from './bytes.ts';

interface FacilityColumns {
  facility_id: string;
  created_at: number;
  activated_at: number | null;
  transfer_public_key: Buffer | null;
  quota_bytes: number;
}

interface MemberColumns {
  facility_id: string;
  member_id: string;
  member_handle: string;
  role: Role;
  kdf_params: Buffer;
  login_public_key: Buffer;
  wrapped_facility_key: Buffer;
  created_at: number;
  disabled_at: number | null;
}

interface DeviceColumns {
  facility_id: string;
  device_id: string;
  member_id: string;
  label: string;
  public_key: Buffer;
  created_at: number;
  last_seen_at: number | null;
  revoked_at: number | null;
  last_device_seq: number;
  last_record_hash: Buffer | null;
}

interface ChallengeColumns {
  nonce: Buffer;
  facility_id: string;
  subject: string;
  expires_at: number;
}

interface SessionColumns {
  token_hash: Buffer;
  facility_id: string;
  member_id: string;
  device_id: string;
  created_at: number;
  last_used_at: number;
  absolute_expires_at: number;
}

function toFacilityRow(c: FacilityColumns): FacilityRow {
  return {
    facilityId: c.facility_id,
    createdAt: c.created_at,
    activatedAt: c.activated_at,
    transferPublicKey: toBytesOrNull(c.transfer_public_key),
    quotaBytes: c.quota_bytes,
  };
}

function toMemberRow(c: MemberColumns): MemberRow {
  return {
    facilityId: c.facility_id,
    memberId: c.member_id,
    memberHandle: c.member_handle,
    role: c.role,
    kdfParams: toBytes(c.kdf_params),
    loginPublicKey: toBytes(c.login_public_key),
    wrappedFacilityKey: toBytes(c.wrapped_facility_key),
    createdAt: c.created_at,
    disabledAt: c.disabled_at,
  };
}

function toDeviceRow(c: DeviceColumns): DeviceRow {
  return {
    facilityId: c.facility_id,
    deviceId: c.device_id,
    memberId: c.member_id,
    label: c.label,
    publicKey: toBytes(c.public_key),
    createdAt: c.created_at,
    lastSeenAt: c.last_seen_at,
    revokedAt: c.revoked_at,
    lastDeviceSeq: c.last_device_seq,
    lastRecordHash: toBytesOrNull(c.last_record_hash),
  };
}

function toChallengeRow(c: ChallengeColumns): ChallengeRow {
  return { nonce: toBytes(c.nonce), facilityId: c.facility_id, subject: c.subject, expiresAt: c.expires_at };
}

function toSessionRow(c: SessionColumns): SessionRow {
  return {
    tokenHash: toBytes(c.token_hash),
    facilityId: c.facility_id,
    memberId: c.member_id,
    deviceId: c.device_id,
    createdAt: c.created_at,
    lastUsedAt: c.last_used_at,
    absoluteExpiresAt: c.absolute_expires_at,
  };
}

/** Facilities, members, devices, login challenges and sessions. */
export function createAccountStore(db: Database.Database): AccountStore {
  const insertFacility = db.prepare<[{ facilityId: string; memberId: string; createdAt: number; quotaBytes: number }]>(`
    INSERT INTO facilities (facility_id, pending_admin_id, created_at, quota_bytes)
    VALUES (@facilityId, @memberId, @createdAt, @quotaBytes)
  `);
  // Activation happens once, and only for the admin reserved at step 1: the
  // WHERE clause is the check, so two racing activations cannot both succeed.
  const activate = db.prepare<[{ facilityId: string; memberId: string; transferPublicKey: Uint8Array; at: number }]>(`
    UPDATE facilities
    SET activated_at = @at, transfer_public_key = @transferPublicKey
    WHERE facility_id = @facilityId AND activated_at IS NULL AND pending_admin_id = @memberId
  `);
  const selectFacility = db.prepare<[string], FacilityColumns>(`
    SELECT facility_id, created_at, activated_at, transfer_public_key, quota_bytes
    FROM facilities WHERE facility_id = ?
  `);
  const selectPendingAdmin = db.prepare<[string], { pending_admin_id: string }>(`
    SELECT pending_admin_id FROM facilities WHERE facility_id = ? AND activated_at IS NULL
  `);
  const deletePending = db.prepare<[number]>(`
    DELETE FROM facilities WHERE activated_at IS NULL AND created_at < ?
  `);

  // ON CONFLICT names the handle constraint only: a repeated member ID is a
  // caller bug and still fails loudly.
  const insertMember = db.prepare<[Omit<MemberColumns, 'kdf_params' | 'login_public_key' | 'wrapped_facility_key'> & {
    kdf_params: Uint8Array;
    login_public_key: Uint8Array;
    wrapped_facility_key: Uint8Array;
  }]>(`
    INSERT INTO members (
      facility_id, member_id, member_handle, role,
      kdf_params, login_public_key, wrapped_facility_key, created_at, disabled_at
    ) VALUES (
      @facility_id, @member_id, @member_handle, @role,
      @kdf_params, @login_public_key, @wrapped_facility_key, @created_at, @disabled_at
    )
    ON CONFLICT (facility_id, member_handle) DO NOTHING
  `);
  const selectMember = db.prepare<[string, string], MemberColumns>(`
    SELECT * FROM members WHERE facility_id = ? AND member_id = ?
  `);
  const selectMemberByHandle = db.prepare<[string, string], MemberColumns>(`
    SELECT * FROM members WHERE facility_id = ? AND member_handle = ?
  `);
  const selectMembers = db.prepare<[string], MemberColumns>(`
    SELECT * FROM members WHERE facility_id = ? ORDER BY created_at, member_id
  `);
  const updateMemberDisabled = db.prepare<[number | null, string, string]>(`
    UPDATE members SET disabled_at = ? WHERE facility_id = ? AND member_id = ?
  `);
  const updateMemberKeys = db.prepare<[{
    facilityId: string;
    memberId: string;
    kdfParams: Uint8Array;
    loginPublicKey: Uint8Array;
    wrappedFacilityKey: Uint8Array;
  }]>(`
    UPDATE members
    SET kdf_params = @kdfParams, login_public_key = @loginPublicKey, wrapped_facility_key = @wrappedFacilityKey
    WHERE facility_id = @facilityId AND member_id = @memberId
  `);

  const insertDevice = db.prepare<[{
    facilityId: string;
    deviceId: string;
    memberId: string;
    label: string;
    publicKey: Uint8Array;
    createdAt: number;
  }]>(`
    INSERT INTO devices (facility_id, device_id, member_id, label, public_key, created_at)
    VALUES (@facilityId, @deviceId, @memberId, @label, @publicKey, @createdAt)
  `);
  const selectDevice = db.prepare<[string, string], DeviceColumns>(`
    SELECT * FROM devices WHERE facility_id = ? AND device_id = ?
  `);
  const selectDevices = db.prepare<[string], DeviceColumns>(`
    SELECT * FROM devices WHERE facility_id = ? ORDER BY created_at, device_id
  `);
  // COALESCE keeps the first revocation time: revoking twice changes nothing.
  const updateDeviceRevoked = db.prepare<[number, string, string]>(`
    UPDATE devices SET revoked_at = COALESCE(revoked_at, ?) WHERE facility_id = ? AND device_id = ?
  `);
  const deleteDeviceSessions = db.prepare<[string, string]>(`
    DELETE FROM sessions WHERE facility_id = ? AND device_id = ?
  `);
  // A device is "seen" when it logs in or uses its session; MAX keeps the
  // time from moving backwards when requests finish out of order.
  const updateDeviceSeen = db.prepare<[{ at: number; facilityId: string; deviceId: string }]>(`
    UPDATE devices SET last_seen_at = MAX(COALESCE(last_seen_at, 0), @at)
    WHERE facility_id = @facilityId AND device_id = @deviceId
  `);

  const insertChallenge = db.prepare<[Omit<ChallengeColumns, 'nonce'> & { nonce: Uint8Array }]>(`
    INSERT INTO challenges (nonce, facility_id, subject, expires_at)
    VALUES (@nonce, @facility_id, @subject, @expires_at)
  `);
  const deleteChallenge = db.prepare<[Uint8Array], ChallengeColumns>(`
    DELETE FROM challenges WHERE nonce = ? RETURNING *
  `);

  const insertSession = db.prepare<[Omit<SessionColumns, 'token_hash'> & { token_hash: Uint8Array }]>(`
    INSERT INTO sessions (token_hash, facility_id, member_id, device_id, created_at, last_used_at, absolute_expires_at)
    VALUES (@token_hash, @facility_id, @member_id, @device_id, @created_at, @last_used_at, @absolute_expires_at)
  `);
  const selectSession = db.prepare<[Uint8Array], SessionColumns>(`
    SELECT * FROM sessions WHERE token_hash = ?
  `);
  const updateSessionUsed = db.prepare<[{ at: number; tokenHash: Uint8Array }], { facility_id: string; device_id: string }>(`
    UPDATE sessions SET last_used_at = MAX(last_used_at, @at) WHERE token_hash = @tokenHash
    RETURNING facility_id, device_id
  `);
  const deleteSession = db.prepare<[Uint8Array]>(`
    DELETE FROM sessions WHERE token_hash = ?
  `);
  // A session ends at its absolute expiry or after idleMs without use,
  // whichever comes first.
  const deleteExpiredSessions = db.prepare<[{ now: number; idleMs: number }]>(`
    DELETE FROM sessions WHERE absolute_expires_at <= @now OR last_used_at <= @now - @idleMs
  `);
  const deleteExpiredChallenges = db.prepare<[number]>(`
    DELETE FROM challenges WHERE expires_at <= ?
  `);
  // Share tokens are the sessions of share viewers: they expire with the rest.
  const deleteExpiredShareTokens = db.prepare<[number]>(`
    DELETE FROM share_tokens WHERE expires_at <= ?
  `);

  const activateFacility = db.transaction((input: Parameters<AccountStore['activateFacility']>[0]): boolean => {
    const { facilityId, transferPublicKey, admin, device, at } = input;
    if (activate.run({ facilityId, memberId: admin.memberId, transferPublicKey, at }).changes === 0) return false;
    insertMember.run({
      facility_id: facilityId,
      member_id: admin.memberId,
      member_handle: admin.memberHandle,
      role: 'admin',
      kdf_params: admin.kdfParams,
      login_public_key: admin.loginPublicKey,
      wrapped_facility_key: admin.wrappedFacilityKey,
      created_at: at,
      disabled_at: null,
    });
    // The devices → members foreign key makes a first device that is not the
    // admin's fail, rolling the activation back.
    insertDevice.run({ facilityId, ...device });
    return true;
  });

  const revokeDevice = db.transaction((facilityId: string, deviceId: string, at: number): boolean => {
    if (updateDeviceRevoked.run(at, facilityId, deviceId).changes === 0) return false;
    deleteDeviceSessions.run(facilityId, deviceId);
    return true;
  });

  const takeChallenge = db.transaction((nonce: Uint8Array, now: number): ChallengeRow | null => {
    // Deleted whether or not it is still valid: an expired nonce is useless.
    const row = deleteChallenge.get(nonce);
    return row !== undefined && row.expires_at > now ? toChallengeRow(row) : null;
  });

  const createSession = db.transaction((row: SessionRow): void => {
    insertSession.run({
      token_hash: row.tokenHash,
      facility_id: row.facilityId,
      member_id: row.memberId,
      device_id: row.deviceId,
      created_at: row.createdAt,
      last_used_at: row.lastUsedAt,
      absolute_expires_at: row.absoluteExpiresAt,
    });
    updateDeviceSeen.run({ at: row.createdAt, facilityId: row.facilityId, deviceId: row.deviceId });
  });

  const touchSession = db.transaction((tokenHash: Uint8Array, at: number): void => {
    const session = updateSessionUsed.get({ at, tokenHash });
    if (session !== undefined) updateDeviceSeen.run({ at, facilityId: session.facility_id, deviceId: session.device_id });
  });

  const deleteExpired = db.transaction((now: number, idleMs: number): void => {
    deleteExpiredSessions.run({ now, idleMs });
    deleteExpiredChallenges.run(now);
    deleteExpiredShareTokens.run(now);
  });

  return {
    async createFacility(row) {
      insertFacility.run(row);
    },
    async activateFacility(input) {
      return activateFacility.immediate(input);
    },
    async getFacility(facilityId) {
      const row = selectFacility.get(facilityId);
      return row === undefined ? null : toFacilityRow(row);
    },
    async getPendingAdmin(facilityId) {
      return selectPendingAdmin.get(facilityId)?.pending_admin_id ?? null;
    },
    async deletePendingFacilities(before) {
      return deletePending.run(before).changes;
    },

    async createMember(row) {
      const { changes } = insertMember.run({
        facility_id: row.facilityId,
        member_id: row.memberId,
        member_handle: row.memberHandle,
        role: row.role,
        kdf_params: row.kdfParams,
        login_public_key: row.loginPublicKey,
        wrapped_facility_key: row.wrappedFacilityKey,
        created_at: row.createdAt,
        disabled_at: row.disabledAt,
      });
      return changes === 1 ? 'created' : 'handle_taken';
    },
    async getMember(facilityId, memberId) {
      const row = selectMember.get(facilityId, memberId);
      return row === undefined ? null : toMemberRow(row);
    },
    async findMemberByHandle(facilityId, memberHandle) {
      const row = selectMemberByHandle.get(facilityId, memberHandle);
      return row === undefined ? null : toMemberRow(row);
    },
    async listMembers(facilityId) {
      return selectMembers.all(facilityId).map(toMemberRow);
    },
    async setMemberDisabled(facilityId, memberId, at) {
      return updateMemberDisabled.run(at, facilityId, memberId).changes === 1;
    },
    async updateMemberKeys(facilityId, memberId, keys) {
      return updateMemberKeys.run({ facilityId, memberId, ...keys }).changes === 1;
    },

    async createDevice(row) {
      insertDevice.run(row);
    },
    async getDevice(facilityId, deviceId) {
      const row = selectDevice.get(facilityId, deviceId);
      return row === undefined ? null : toDeviceRow(row);
    },
    async listDevices(facilityId) {
      return selectDevices.all(facilityId).map(toDeviceRow);
    },
    async revokeDevice(facilityId, deviceId, at) {
      return revokeDevice.immediate(facilityId, deviceId, at);
    },

    async putChallenge(row) {
      insertChallenge.run({ nonce: row.nonce, facility_id: row.facilityId, subject: row.subject, expires_at: row.expiresAt });
    },
    async takeChallenge(nonce, now) {
      return takeChallenge.immediate(nonce, now);
    },

    async createSession(row) {
      createSession.immediate(row);
    },
    async getSession(tokenHash) {
      const row = selectSession.get(tokenHash);
      return row === undefined ? null : toSessionRow(row);
    },
    async touchSession(tokenHash, at) {
      touchSession.immediate(tokenHash, at);
    },
    async deleteSession(tokenHash) {
      deleteSession.run(tokenHash);
    },
    async deleteExpired(now, idleMs) {
      deleteExpired.immediate(now, idleMs);
    },
  };
}
