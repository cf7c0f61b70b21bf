import { z } from 'zod';
import { base64Url, ClientId } from './common.ts';

/** A sealed record (crypto's record envelope), base64url. Bodies are small; bulk bytes go in blobs. */
export const MAX_RECORD_BYTES = 256 * 1024;
export const MAX_PUSH_RECORDS = 500;
export const SealedRecord = base64Url(MAX_RECORD_BYTES);

export const PushRequest = z.strictObject({ records: z.array(SealedRecord).min(1).max(MAX_PUSH_RECORDS) });
export type PushRequest = z.infer<typeof PushRequest>;

export const PushResult = z.strictObject({
  recordId: ClientId,
  seq: z.number().int().positive(),
  /** 'duplicate': this record ID was stored before, with the same bytes; nothing changed. */
  status: z.enum(['stored', 'duplicate']),
});
export const PushResponse = z.strictObject({ results: z.array(PushResult), head: z.number().int().nonnegative() });
export type PushResponse = z.infer<typeof PushResponse>;

export const MAX_PULL_LIMIT = 1000;
export const PullQuery = z.strictObject({
  after: z.coerce.number().int().nonnegative().default(0),
  limit: z.coerce.number().int().min(1).max(MAX_PULL_LIMIT).default(500),
});
export const PulledRecord = z.strictObject({ seq: z.number().int().positive(), record: SealedRecord });
export const PullResponse = z.strictObject({
  records: z.array(PulledRecord),
  head: z.number().int().nonnegative(),
  more: z.boolean(),
});
export type PullResponse = z.infer<typeof PullResponse>;

/** WebSocket messages of /api/v1/live. The first client message authenticates; the server then announces heads. */
export const LiveClientMessage = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('auth'), token: base64Url(32, 32) }),
  z.strictObject({ type: z.literal('ping') }),
]);
export const LiveServerMessage = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('head'), seq: z.number().int().nonnegative() }),
  z.strictObject({ type: z.literal('pong') }),
  z.strictObject({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type LiveServerMessage = z.infer<typeof LiveServerMessage>;
