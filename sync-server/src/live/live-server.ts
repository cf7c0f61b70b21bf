import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { LiveClientMessage, type LiveServerMessage } from '../../../protocol/index.ts';
import type { Session } from '../deps.ts';
import type { LiveHub } from './live-hub.ts';

export const LIVE_PATH = '/api/v1/live';
/** A client that has not authenticated by then is dropped. */
const AUTH_TIMEOUT_MS = 10_000;
/** Pings find dead peers; each round also re-checks that the session is still valid. */
const HEARTBEAT_MS = 30_000;

interface Connection {
  ws: WebSocket;
  session: Session;
  token: string;
  alive: boolean;
}

export interface LiveServerOptions {
  /** Checks a token as the HTTP routes do (requireSession). */
  authenticate(authorization: string): Promise<Session>;
  head(facilityId: string): Promise<number>;
  /** Origins allowed besides the server's own (same host). */
  allowedOrigins: readonly string[];
}

export interface LiveServer extends LiveHub {
  /** For http.Server's 'upgrade' event. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): void;
}

/**
 * /api/v1/live: a WebSocket per device that hears "the log head is now N"
 * for its facility and then pulls. Browsers cannot set headers on a
 * WebSocket, so the session token is the first message, not part of the URL
 * (URLs end up in logs). The Origin is checked, since cookies are not used
 * but a page elsewhere should still not open sockets here.
 */
export function createLiveServer(options: LiveServerOptions): LiveServer {
  // 1 KiB: clients only send auth and ping messages.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  const byFacility = new Map<string, Set<Connection>>();

  const send = (ws: WebSocket, message: LiveServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };

  const remove = (conn: Connection) => {
    const set = byFacility.get(conn.session.facilityId);
    set?.delete(conn);
    if (set?.size === 0) byFacility.delete(conn.session.facilityId);
  };

  const heartbeat = setInterval(() => {
    for (const set of byFacility.values()) {
      for (const conn of set) {
        if (!conn.alive) {
          conn.ws.terminate();
          continue;
        }
        conn.alive = false;
        conn.ws.ping();
        options.authenticate(`Bearer ${conn.token}`).catch(() => conn.ws.close(4001, 'session ended'));
      }
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  function originAllowed(request: IncomingMessage): boolean {
    const origin = request.headers.origin;
    // Non-browser clients (devices' sync workers in Node, tests) send none.
    if (origin === undefined) return true;
    let host: string;
    try {
      host = new URL(origin).host;
    } catch {
      return false;
    }
    return host === request.headers.host || options.allowedOrigins.includes(origin);
  }

  wss.on('connection', (ws: WebSocket) => {
    let conn: Connection | null = null;
    const timer = setTimeout(() => ws.close(4001, 'authenticate first'), AUTH_TIMEOUT_MS);
    ws.on('pong', () => {
      if (conn) conn.alive = true;
    });
    ws.on('message', async (data, isBinary) => {
      let message;
      try {
        if (isBinary) throw new Error('binary');
        message = LiveClientMessage.parse(JSON.parse(data.toString()));
      } catch {
        send(ws, { type: 'error', code: 'bad_request', message: 'Messages are JSON: {"type":"auth","token":…} or {"type":"ping"}' });
        ws.close(4000, 'bad message');
        return;
      }
      if (message.type === 'ping') {
        send(ws, { type: 'pong' });
        return;
      }
      if (conn) return; // already authenticated
      try {
        const session = await options.authenticate(`Bearer ${message.token}`);
        clearTimeout(timer);
        conn = { ws, session, token: message.token, alive: true };
        const set = byFacility.get(session.facilityId) ?? new Set();
        set.add(conn);
        byFacility.set(session.facilityId, set);
        send(ws, { type: 'head', seq: await options.head(session.facilityId) });
      } catch {
        send(ws, { type: 'error', code: 'unauthorized', message: 'The session is not valid; sign in again' });
        ws.close(4001, 'unauthorized');
      }
    });
    ws.on('close', () => {
      clearTimeout(timer);
      if (conn) remove(conn);
    });
    ws.on('error', () => ws.terminate());
  });

  return {
    handleUpgrade(request, socket, head) {
      const path = new URL(request.url ?? '/', 'http://x').pathname;
      if (path !== LIVE_PATH || !originAllowed(request)) {
        socket.end(`HTTP/1.1 ${path !== LIVE_PATH ? '404 Not Found' : '403 Forbidden'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
    },
    announce(facilityId, head) {
      for (const conn of byFacility.get(facilityId) ?? []) send(conn.ws, { type: 'head', seq: head });
    },
    disconnectDevice(facilityId, deviceId) {
      for (const conn of byFacility.get(facilityId) ?? []) {
        if (conn.session.deviceId === deviceId) conn.ws.close(4003, 'device revoked');
      }
    },
    connectionCount() {
      let n = 0;
      for (const set of byFacility.values()) n += set.size;
      return n;
    },
    close() {
      clearInterval(heartbeat);
      for (const ws of wss.clients) ws.close(1001, 'server shutting down');
      wss.close();
    },
  };
}
