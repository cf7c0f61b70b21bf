import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Stable codes clients can branch on; the message is for people. */
export type ErrorCode =
  | 'bad_request'
  | 'invalid_json'
  | 'invalid_request'
  | 'payload_too_large'
  | 'unauthorized'
  | 'login_failed'
  | 'session_expired'
  | 'forbidden'
  | 'device_revoked'
  | 'not_found'
  | 'conflict'
  | 'chain_broken'
  | 'integrity_failed'
  | 'gone'
  | 'locked'
  | 'quota_exceeded'
  | 'rate_limited'
  | 'unsupported_media_type'
  | 'range_not_satisfiable'
  | 'internal';

export interface ErrorIssue {
  path: string;
  message: string;
}

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  issues?: ErrorIssue[];
}

/** Thrown by handlers and middleware; app.onError turns it into the JSON error response. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly issues?: ErrorIssue[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

// Every error leaves as JSON, never as an HTML page, so a failed script or
// .wasm fetch can not be mistaken for content, and clients read one shape.
export function respondWithError(
  c: Context,
  status: ContentfulStatusCode,
  code: ErrorCode,
  message: string,
  issues?: ErrorIssue[],
): Response {
  c.header('Cache-Control', 'no-store');
  return c.json<ErrorBody>(issues ? { code, message, issues } : { code, message }, status);
}
