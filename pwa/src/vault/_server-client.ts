import { VaultError } from './vault-error.ts';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/**
 * JSON calls to the sync server. A failed connection is 'offline'; an answer
 * with a 4xx/5xx body is 'server' (or the caller's mapping), with the
 * server's own sentence, which protocol/ promises is readable.
 */
export class ServerClient {
  constructor(
    private readonly fetchFn: FetchLike,
    readonly serverUrl: string,
  ) {}

  async call<T>(
    method: string,
    path: string,
    options: { json?: unknown; token?: string | null; expect?: number[] } = {},
  ): Promise<{ status: number; body: T }> {
    const headers: Record<string, string> = { 'kura-protocol': '1' };
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    let res: Response;
    try {
      res = await this.fetchFn(new URL(path, this.serverUrl).toString(), { method, headers, body });
    } catch (e) {
      throw new VaultError('offline', `The server at ${this.serverUrl} cannot be reached. Check the network and try again.`, {
        cause: e,
      });
    }
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    const expected = options.expect ?? [200, 201];
    if (!expected.includes(res.status)) {
      const message =
        typeof parsed === 'object' && parsed !== null && typeof (parsed as { message?: unknown }).message === 'string'
          ? (parsed as { message: string }).message
          : `HTTP ${res.status}`;
      throw Object.assign(
        new VaultError(res.status === 403 ? 'forbidden' : 'server', `The server refused: ${message}`),
        { status: res.status },
      );
    }
    return { status: res.status, body: parsed as T };
  }
}

export function httpStatus(e: unknown): number | null {
  const s = (e as { status?: unknown } | null)?.status;
  return typeof s === 'number' ? s : null;
}
