import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export type ErrorCode = 'not_found' | 'internal';

export interface ErrorBody {
  code: ErrorCode;
  message: string;
}

// Every error leaves as JSON, never as an HTML page, so a failed script or
// .wasm fetch can not be mistaken for content, and clients read one shape.
export function respondWithError(c: Context, status: ContentfulStatusCode, code: ErrorCode, message: string): Response {
  c.header('Cache-Control', 'no-store');
  return c.json<ErrorBody>({ code, message }, status);
}
