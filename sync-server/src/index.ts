export { createApp } from './app.ts';
export { openRuntime } from './runtime.ts';
export type { Runtime, RuntimeOptions } from './runtime.ts';
export type { ServerDeps, ServerLimits, Session, AppEnv } from './deps.ts';
export type { ErrorBody, ErrorCode } from './errors.ts';
