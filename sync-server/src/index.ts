export { createApp } from './app.ts';
export type { AppDeps } from './app.ts';
export type { ErrorBody, ErrorCode } from './errors.ts';
