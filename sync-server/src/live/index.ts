export type { LiveHub } from './live-hub.ts';
export { createLiveServer, LIVE_PATH } from './live-server.ts';
export type { LiveServer, LiveServerOptions } from './live-server.ts';
