import type Database from 'better-sqlite3';
import type { ShareRow, ShareStore, ShareTokenRow } from '../contract.ts';
import { toBytes } from './bytes.ts';

interface ShareColumns {
  share_id: string;
  facility_id: string;
  member_id: string;
  kdf_params: Buffer;
  verifier_public_key: Buffer;
  bundle: Buffer;
  blobs: string;
  created_at: number;
  expires_at: number;
  max_opens: number | null;
  opens: number;
  failed_attempts: number;
  failure_window_start: number | null;
  locked_until: number | null;
  revoked_at: number | null;
}

function toShareRow(c: ShareColumns): ShareRow {
  return {
    shareId: c.share_id,
    facilityId: c.facility_id,
    memberId: c.member_id,
    kdfParams: toBytes(c.kdf_params),
    verifierPublicKey: toBytes(c.verifier_public_key),
    bundle: toBytes(c.bundle),
    blobs: JSON.parse(c.blobs) as string[],
    createdAt: c.created_at,
    expiresAt: c.expires_at,
    maxOpens: c.max_opens,
    opens: c.opens,
    failedAttempts: c.failed_attempts,
    failureWindowStart: c.failure_window_start,
    lockedUntil: c.locked_until,
    revokedAt: c.revoked_at,
  };
}

/** Share links: the sealed bundle, the open counter, the lockout state and the viewers' tokens. */
export function createShareStore(db: Database.Database): ShareStore {
  const insertShare = db.prepare<[{
    shareId: string;
    facilityId: string;
    memberId: string;
    kdfParams: Uint8Array;
    verifierPublicKey: Uint8Array;
    bundle: Uint8Array;
    blobs: string;
    createdAt: number;
    expiresAt: number;
    maxOpens: number | null;
  }]>(`
    INSERT INTO shares (
      share_id, facility_id, member_id, kdf_params, verifier_public_key,
      bundle, blobs, created_at, expires_at, max_opens
    ) VALUES (
      @shareId, @facilityId, @memberId, @kdfParams, @verifierPublicKey,
      @bundle, @blobs, @createdAt, @expiresAt, @maxOpens
    )
    ON CONFLICT (share_id) DO NOTHING
  `);
  const selectShare = db.prepare<[string], ShareColumns>(`
    SELECT * FROM shares WHERE share_id = ?
  `);
  const selectShares = db.prepare<[string], ShareColumns>(`
    SELECT * FROM shares WHERE facility_id = ? ORDER BY created_at DESC, share_id
  `);
  // COALESCE keeps the first revocation time: revoking twice changes nothing.
  const updateRevoked = db.prepare<[number, string, string]>(`
    UPDATE shares SET revoked_at = COALESCE(revoked_at, ?) WHERE facility_id = ? AND share_id = ?
  `);
  const updateFailure = db.prepare<[{ shareId: string; failedAttempts: number; failureWindowStart: number; lockedUntil: number | null }]>(`
    UPDATE shares
    SET failed_attempts = @failedAttempts, failure_window_start = @failureWindowStart, locked_until = @lockedUntil
    WHERE share_id = @shareId
  `);
  // The guard is in the WHERE clause, so counting an open and checking that
  // one is left are one step: two viewers racing for the last open cannot
  // both get it. A verified open also clears the failure count, as a correct
  // password ends a run of wrong ones. Expiry and lockout need the current
  // time, which the caller checks before verifying.
  const updateOpened = db.prepare<[string]>(`
    UPDATE shares
    SET opens = opens + 1, failed_attempts = 0, failure_window_start = NULL, locked_until = NULL
    WHERE share_id = ?
      AND revoked_at IS NULL
      AND (max_opens IS NULL OR opens < max_opens)
  `);
  const insertToken = db.prepare<[{ tokenHash: Uint8Array; shareId: string; expiresAt: number }]>(`
    INSERT INTO share_tokens (token_hash, share_id, expires_at) VALUES (@tokenHash, @shareId, @expiresAt)
  `);
  const selectToken = db.prepare<[Uint8Array], { token_hash: Buffer; share_id: string; expires_at: number }>(`
    SELECT token_hash, share_id, expires_at FROM share_tokens WHERE token_hash = ?
  `);

  const consumeShareOpen = db.transaction((shareId: string, token: ShareTokenRow): boolean => {
    if (updateOpened.run(shareId).changes === 0) return false;
    insertToken.run({ tokenHash: token.tokenHash, shareId, expiresAt: token.expiresAt });
    return true;
  });

  return {
    async createShare(row) {
      const { changes } = insertShare.run({
        shareId: row.shareId,
        facilityId: row.facilityId,
        memberId: row.memberId,
        kdfParams: row.kdfParams,
        verifierPublicKey: row.verifierPublicKey,
        bundle: row.bundle,
        blobs: JSON.stringify(row.blobs),
        createdAt: row.createdAt,
        expiresAt: row.expiresAt,
        maxOpens: row.maxOpens,
      });
      return changes === 1 ? 'created' : 'exists';
    },
    async getShare(shareId) {
      const row = selectShare.get(shareId);
      return row === undefined ? null : toShareRow(row);
    },
    async listShares(facilityId) {
      return selectShares.all(facilityId).map(toShareRow);
    },
    async revokeShare(facilityId, shareId, at) {
      return updateRevoked.run(at, facilityId, shareId).changes === 1;
    },
    async recordShareFailure(shareId, update) {
      updateFailure.run({ shareId, ...update });
    },
    async consumeShareOpen(shareId, token) {
      return consumeShareOpen.immediate(shareId, token);
    },
    async getShareToken(tokenHash) {
      const row = selectToken.get(tokenHash);
      return row === undefined ? null : { tokenHash: toBytes(row.token_hash), shareId: row.share_id, expiresAt: row.expires_at };
    },
  };
}
