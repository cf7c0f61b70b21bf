// protocol/: the wire contract between pwa/ and sync-server/ (DESIGN.md §5-6).
// Schemas share their type's name; every inbound message is parsed with one.

export {
  PROTOCOL_VERSION,
  base64Url,
  FacilityId,
  MemberId,
  DeviceId,
  ShareId,
  ClientId,
  BlobAddress,
  Role,
  ErrorBody,
} from './common.ts';
export {
  MemberHandle,
  CreateFacilityResponse,
  NewDevice,
  ActivateFacilityRequest,
  PreloginRequest,
  PreloginResponse,
  LoginRequest,
  SessionResponse,
  CreateMemberRequest,
  CreateMemberResponse,
  Member,
  MemberList,
  Device,
  DeviceList,
} from './accounts.ts';
export {
  MAX_RECORD_BYTES,
  MAX_PUSH_RECORDS,
  MAX_PULL_LIMIT,
  SealedRecord,
  PushRequest,
  PushResult,
  PushResponse,
  PullQuery,
  PulledRecord,
  PullResponse,
  LiveClientMessage,
  LiveServerMessage,
} from './log.ts';
export {
  MAX_SHARE_BUNDLE_BYTES,
  MAX_SHARE_BLOBS,
  CreateShareRequest,
  ShareSummary,
  ShareList,
  ShareChallengeResponse,
  OpenShareRequest,
  OpenShareResponse,
} from './shares.ts';
export { UsageMonth, UsageResponse, AccessAction, AccessEntry, AccessLogResponse } from './usage.ts';
