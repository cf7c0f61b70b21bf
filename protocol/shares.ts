import { z } from 'zod';
import { base64Url, BlobAddress, ShareId } from './common.ts';

export const MAX_SHARE_BUNDLE_BYTES = 1024 * 1024;
export const MAX_SHARE_BLOBS = 20_000;

export const CreateShareRequest = z.strictObject({
  /** Chosen by the client, since the share key is derived with it before upload. */
  shareId: ShareId,
  kdfParams: base64Url(20, 20),
  verifierPublicKey: base64Url(32, 32),
  bundle: base64Url(MAX_SHARE_BUNDLE_BYTES),
  blobs: z.array(BlobAddress).max(MAX_SHARE_BLOBS),
  expiresAt: z.iso.datetime(),
  maxOpens: z.number().int().min(1).max(10_000).nullable(),
});
export type CreateShareRequest = z.infer<typeof CreateShareRequest>;

export const ShareSummary = z.strictObject({
  shareId: ShareId,
  createdAt: z.string(),
  expiresAt: z.string(),
  maxOpens: z.number().int().nullable(),
  opens: z.number().int(),
  failedAttempts: z.number().int(),
  revokedAt: z.string().nullable(),
  blobCount: z.number().int(),
});
export const ShareList = z.strictObject({ shares: z.array(ShareSummary) });

/** GET /api/v1/s/:shareId — what the patient's browser needs to derive the key; consumes nothing. */
export const ShareChallengeResponse = z.strictObject({ kdfParams: base64Url(20, 20), nonce: base64Url(32, 32) });

export const OpenShareRequest = z.strictObject({ nonce: base64Url(32, 32), signature: base64Url(64, 64) });
export const OpenShareResponse = z.strictObject({
  bundle: base64Url(MAX_SHARE_BUNDLE_BYTES),
  /** Reads exactly the share's blobs, until it expires. */
  token: base64Url(32, 32),
  expiresAt: z.string(),
});
