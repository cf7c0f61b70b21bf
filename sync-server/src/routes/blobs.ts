import { Hono, type Context } from 'hono';
import { fromBase64Url, PART_BYTES } from '../../../crypto/index.ts';
import { BlobAddress } from '../../../protocol/index.ts';
import { recordReadAccess } from '../access.ts';
import type { AppEnv } from '../deps.ts';
import { HttpError } from '../errors.ts';
import { declaredLength, readBytes, readChunks, readParam, tooLarge } from '../middleware/read-body.ts';
import { authenticate, hashToken, requireSession } from '../middleware/session.ts';
import { BlobHashMismatchError, BlobTooLargeError } from '../store/index.ts';

/**
 * Blob parts (DESIGN.md §5): encrypted bytes addressed by the SHA-256 of
 * their ciphertext, uploaded part by part before the record that references
 * them. A PUT is idempotent, so an interrupted upload resumes by sending the
 * parts again; the server checks every part's hash and never reads it.
 *
 * A facility reads only blobs it holds a reference to (it uploaded the bytes
 * itself); everything else is a 404, never a 403, so no one learns that
 * another facility stores the same bytes. A patient reads with a share token,
 * and only the blobs listed in that share.
 */
export function blobRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();

  routes.put('/:address', requireSession(['admin', 'clinician']), async (c) => {
    const deps = c.var.deps;
    const session = c.var.session;
    const address = readParam(c, 'address', BlobAddress);
    if (!/^application\/octet-stream\b/i.test(c.req.header('Content-Type') ?? '')) {
      throw new HttpError(415, 'unsupported_media_type', 'Send the blob part as application/octet-stream');
    }
    // A part the facility already holds costs nothing more, so re-sending it
    // (a resumed upload) succeeds even at a full quota.
    const held = await deps.meta.hasBlobRef(session.facilityId, address);
    const checkQuota = async (size: number): Promise<void> => {
      if (held) return;
      const facility = await deps.meta.getFacility(session.facilityId);
      if (!facility) throw new HttpError(401, 'unauthorized', 'This facility no longer exists');
      const used = await deps.meta.bytesStored(session.facilityId);
      if (used + size > facility.quotaBytes) {
        throw new HttpError(
          413,
          'quota_exceeded',
          `Storage quota reached: ${formatBytes(used)} of ${formatBytes(facility.quotaBytes)} used; ` +
            `this part needs ${formatBytes(size)} more. Ask the provider to raise the quota.`,
        );
      }
    };

    let size: number;
    try {
      const declared = declaredLength(c);
      if (declared !== null) {
        // The usual case (browsers send a Content-Length for a part): the
        // quota is checked before a byte is read, and the body goes to the
        // blob store as it arrives, hashed and written while the rest is
        // still on the wire.
        if (declared > PART_BYTES) throw tooLarge(PART_BYTES);
        if (declared === 0) throw emptyPart();
        await checkQuota(declared);
        size = await deps.blobs.putStream(address, readChunks(c, declared), { maxBytes: PART_BYTES });
      } else {
        // Chunked, size unknown until the end: read whole, then checked and stored.
        const bytes = await readBytes(c, PART_BYTES);
        if (bytes.length === 0) throw emptyPart();
        await checkQuota(bytes.length);
        await deps.blobs.put(address, bytes);
        size = bytes.length;
      }
    } catch (error) {
      if (error instanceof BlobHashMismatchError) {
        throw new HttpError(400, 'integrity_failed', 'The part does not match its address: its SHA-256 differs');
      }
      if (error instanceof BlobTooLargeError) throw tooLarge(PART_BYTES);
      throw error;
    }
    const ref = await deps.meta.addBlobRef(session.facilityId, address, size, deps.now());
    const stored = ref === 'added';
    return c.json({ address, size, stored }, stored ? 201 : 200);
  });

  // Hono answers HEAD with this GET handler and drops the body; c.req.method
  // still says HEAD, so HEAD opens no file, logs nothing and bills nothing.
  routes.get('/:address', async (c) => {
    const deps = c.var.deps;
    const address = readParam(c, 'address', BlobAddress);
    const reader = await authoriseRead(c, address);
    deps.meter.count(reader.facilityId, { requests: 1 });

    const rangeHeader = c.req.header('Range');
    let size: number;
    let range: { start: number; end: number } | undefined;
    let bytes: Uint8Array | null = null;
    if (c.req.method === 'GET' && rangeHeader === undefined) {
      // The whole part, the common case: one open of the file gives its size
      // and its bytes, without a stat of its own first.
      bytes = await deps.blobs.read(address);
      if (!bytes) throw notFound();
      size = bytes.length;
    } else {
      const found = await deps.blobs.size(address);
      if (found === null) throw notFound();
      size = found;
      range = parseRange(rangeHeader, size);
    }

    const status = range ? 206 : 200;
    const start = range?.start ?? 0;
    const end = range?.end ?? size; // exclusive
    const headers: Record<string, string> = {
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(end - start),
      'Accept-Ranges': 'bytes',
      // The app keeps its own encrypted copy; nothing behind a session or
      // share token belongs in a browser or proxy cache.
      'Cache-Control': 'no-store',
    };
    if (range) headers['Content-Range'] = `bytes ${start}-${end - 1}/${size}`;

    if (c.req.method === 'HEAD') return new Response(null, { status, headers });

    bytes ??= await deps.blobs.read(address, { start, end });
    if (!bytes) throw notFound();
    recordReadAccess(c, reader.facilityId, 'blob.download', reader.who, address);
    deps.meter.count(reader.facilityId, { bytesServed: bytes.length });
    // Bytes, not a stream: @hono/node-server writes them to the socket as they are.
    return new Response(bytes as Uint8Array<ArrayBuffer>, { status, headers });
  });

  return routes;
}

interface BlobReader {
  /** The facility billed for the bytes and whose access log records the download. */
  facilityId: string;
  who: { memberId: string | null; deviceId: string | null };
}

const SHARE_TOKEN = /^Share ([A-Za-z0-9_-]{43})$/;

async function authoriseRead(c: Context<AppEnv>, address: string): Promise<BlobReader> {
  const deps = c.var.deps;
  const authorization = c.req.header('Authorization');

  if (authorization?.startsWith('Share ')) {
    const match = SHARE_TOKEN.exec(authorization);
    let token: Uint8Array | null = null;
    try {
      if (match) token = fromBase64Url(match[1]!);
    } catch {
      token = null;
    }
    if (!token) throw new HttpError(401, 'unauthorized', 'The share token is not valid; open the link again');
    const now = deps.now();
    const row = await deps.meta.getShareToken(hashToken(token));
    if (!row) throw new HttpError(401, 'unauthorized', 'The share token is not valid; open the link again');
    if (now >= row.expiresAt) {
      throw new HttpError(401, 'session_expired', 'Access through this link has timed out; open the link again');
    }
    const share = await deps.meta.getShare(row.shareId);
    if (!share || share.revokedAt !== null || now >= share.expiresAt) {
      throw new HttpError(410, 'gone', 'This share has expired or was withdrawn; ask the clinic for a new link');
    }
    if (!share.blobs.includes(address)) throw notFound();
    return { facilityId: share.facilityId, who: { memberId: null, deviceId: null } };
  }

  const session = await authenticate(authorization, deps);
  if (!(await deps.meta.hasBlobRef(session.facilityId, address))) throw notFound();
  return { facilityId: session.facilityId, who: { memberId: session.memberId, deviceId: session.deviceId } };
}

function emptyPart(): HttpError {
  return new HttpError(400, 'bad_request', 'The blob part is empty');
}

function notFound(): HttpError {
  return new HttpError(404, 'not_found', 'No such blob');
}

/**
 * One range of RFC 9110 §14.1.2 (`bytes=a-b`, `bytes=a-`, `bytes=-n`), as
 * [start, end) clamped to the blob; undefined without a Range header. A
 * header this server cannot serve exactly (malformed, several ranges, past
 * the end) is a 416 rather than the whole part, so a client never mistakes
 * the whole part for the piece it asked for.
 */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  if (header === undefined) return undefined;
  const unsatisfiable = () =>
    new HttpError(416, 'range_not_satisfiable', `The blob has ${size} bytes; ask for one range within them`, undefined, {
      'Content-Range': `bytes */${size}`,
    });
  const match = /^bytes=(?:(\d{1,15})-(\d{0,15})|-(\d{1,15}))$/i.exec(header.trim());
  if (!match) throw unsatisfiable();
  if (match[3] !== undefined) {
    const suffix = Number(match[3]);
    if (suffix === 0 || size === 0) throw unsatisfiable();
    return { start: Math.max(0, size - suffix), end: size };
  }
  const start = Number(match[1]);
  const last = match[2] === '' ? size - 1 : Number(match[2]);
  if (start >= size || last < start) throw unsatisfiable();
  return { start, end: Math.min(last, size - 1) + 1 };
}

/** Binary units, as storage is sold: 50 * 1024³ bytes reads "50 GB". */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${bytes} bytes`;
  const rounded = value >= 100 ? Math.round(value).toString() : (Math.round(value * 10) / 10).toString();
  return `${rounded} ${units[unit]}`;
}
