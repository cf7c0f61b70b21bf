import { z } from 'zod';

export const UsageMonth = z.strictObject({
  month: z.string().regex(/^\d{4}-\d{2}$/),
  bytesServed: z.number().int().nonnegative(),
  recordsPushed: z.number().int().nonnegative(),
  requests: z.number().int().nonnegative(),
});
export const UsageResponse = z.strictObject({
  bytesStored: z.number().int().nonnegative(),
  quotaBytes: z.number().int().nonnegative(),
  months: z.array(UsageMonth),
});
export type UsageResponse = z.infer<typeof UsageResponse>;

export const AccessAction = z.enum([
  'facility.register',
  'login',
  'login.failed',
  'member.create',
  'member.disable',
  'device.enrol',
  'device.revoke',
  'log.pull',
  'blob.download',
  'share.create',
  'share.open',
  'share.open.failed',
  'share.revoke',
]);
export type AccessAction = z.infer<typeof AccessAction>;

export const AccessEntry = z.strictObject({
  at: z.string(),
  action: AccessAction,
  memberId: z.string().nullable(),
  deviceId: z.string().nullable(),
  /** A share ID, blob address, record count or the like: never a secret, never a token. */
  subject: z.string().nullable(),
  address: z.string().nullable(),
});
export const AccessLogResponse = z.strictObject({ entries: z.array(AccessEntry), next: z.string().nullable() });
