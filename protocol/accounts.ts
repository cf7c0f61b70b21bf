import { z } from 'zod';
import { base64Url, DeviceId, FacilityId, MemberId, Role } from './common.ts';

// Bytes the server keeps for accounts, all opaque to it: KDF parameters
// (20 B), Ed25519/X25519 public keys (32 B), wrapped keys (73 B).
const KdfParams = base64Url(20, 20);
const PublicKey = base64Url(32, 32);
const WrappedKey = base64Url(73, 73);
const Signature = base64Url(64, 64);
const Nonce = base64Url(32, 32);
/**
 * Members are found by a handle the client derives from the facility and the
 * member's name (crypto's deriveMemberHandle), so the server never stores
 * staff names in clear.
 */
export const MemberHandle = base64Url(16, 16);

/** Step 1 of registration: the server issues the facility and admin IDs (the keys are derived with them). */
export const CreateFacilityResponse = z.strictObject({ facilityId: FacilityId, memberId: MemberId });
export type CreateFacilityResponse = z.infer<typeof CreateFacilityResponse>;

export const NewDevice = z.strictObject({ publicKey: PublicKey, label: z.string().min(1).max(80) });

/** Step 2: the admin's keys and first device; answers with a session. */
export const ActivateFacilityRequest = z.strictObject({
  memberHandle: MemberHandle,
  kdfParams: KdfParams,
  loginPublicKey: PublicKey,
  wrappedFacilityKey: WrappedKey,
  /** X25519 key for transfers from other facilities. */
  transferPublicKey: PublicKey,
  device: NewDevice,
});
export type ActivateFacilityRequest = z.infer<typeof ActivateFacilityRequest>;

export const PreloginRequest = z.strictObject({ facilityId: FacilityId, memberHandle: MemberHandle });
export const PreloginResponse = z.strictObject({ memberId: MemberId, kdfParams: KdfParams, nonce: Nonce });
export type PreloginResponse = z.infer<typeof PreloginResponse>;

export const LoginRequest = z
  .strictObject({
    facilityId: FacilityId,
    memberId: MemberId,
    nonce: Nonce,
    signature: Signature,
    /** An enrolled device of this facility, or a new one to enrol. */
    deviceId: DeviceId.optional(),
    newDevice: NewDevice.optional(),
  })
  .refine((r) => (r.deviceId === undefined) !== (r.newDevice === undefined), {
    message: 'give exactly one of deviceId and newDevice',
  });
export type LoginRequest = z.infer<typeof LoginRequest>;

export const SessionResponse = z.strictObject({
  token: base64Url(32, 32),
  facilityId: FacilityId,
  memberId: MemberId,
  deviceId: DeviceId,
  role: Role,
  wrappedFacilityKey: WrappedKey,
  idleExpiresAt: z.string(),
  absoluteExpiresAt: z.string(),
});
export type SessionResponse = z.infer<typeof SessionResponse>;

export const CreateMemberRequest = z.strictObject({
  /** Chosen by the admin's device (random, like server IDs), since the facility key's wrap names it. */
  memberId: MemberId,
  memberHandle: MemberHandle,
  role: Role,
  kdfParams: KdfParams,
  loginPublicKey: PublicKey,
  wrappedFacilityKey: WrappedKey,
});
export const CreateMemberResponse = z.strictObject({ memberId: MemberId });

export const Member = z.strictObject({
  memberId: MemberId,
  role: Role,
  createdAt: z.string(),
  disabled: z.boolean(),
});
export const MemberList = z.strictObject({ members: z.array(Member) });

export const Device = z.strictObject({
  deviceId: DeviceId,
  memberId: MemberId,
  label: z.string(),
  publicKey: PublicKey,
  createdAt: z.string(),
  lastSeenAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type Device = z.infer<typeof Device>;
export const DeviceList = z.strictObject({ devices: z.array(Device) });
