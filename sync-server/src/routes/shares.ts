import { Hono } from 'hono';
import { fromBase64Url, parseKdfParams, toBase64Url, verifyShareChallenge } from '../../../crypto/index.ts';
import {
  CreateShareRequest,
  MAX_SHARE_BLOBS,
  MAX_SHARE_BUNDLE_BYTES,
  OpenShareRequest,
  ShareId,
  ShareList,
  ShareSummary,
} from '../../../protocol/index.ts';
import type { z } from 'zod';
import { clientAddress, recordAccess } from '../access.ts';
import type { AppEnv, ServerDeps } from '../deps.ts';
import { HttpError } from '../errors.ts';
import { readJson, readParam } from '../middleware/read-body.ts';
import { hashToken, requireSession } from '../middleware/session.ts';
import type { ShareRow } from '../store/index.ts';

/**
 * Shares (DESIGN.md §4, Share): the facility uploads a sealed bundle and an
 * Ed25519 verifier public key derived from linkSecret + passphrase; the
 * server never sees either secret. A patient proves the passphrase by signing
 * a single-use nonce, and only then receives the bundle and a token that
 * reads exactly the shared blobs. Failed proofs are counted per share and per
 * client address, so a passphrase cannot be guessed online.
 */

// Every request the schema admits fits: the largest bundle in base64url plus
// the most blob addresses (64 hex + quotes + comma), plus the small fields.
const CREATE_SHARE_MAX_BYTES = Math.ceil((MAX_SHARE_BUNDLE_BYTES * 4) / 3) + MAX_SHARE_BLOBS * 67 + 4096;
const OPEN_SHARE_MAX_BYTES = 1024;
// One calendar year, a leap year's included.
const MAX_SHARE_LIFETIME_MS = 366 * 24 * 3600_000;
const SHARE_TOKEN_MS = 12 * 3600_000;

/** The lockout policy for one share. */
export const SHARE_FAILURE_WINDOW_MS = 15 * 60_000;
export const SHARE_FAILURES_BEFORE_LOCK = 10;
export const SHARE_MAX_LOCK_MS = 24 * 3600_000;
/** Failed opens from one client address, over all shares, before it is refused for a while. */
export const ADDRESS_SHARE_FAILURES = 50;

const GONE_MESSAGE = 'This share has expired or was withdrawn; ask the clinic for a new link';
const UNKNOWN_MESSAGE = 'This link is not valid; check that it was copied completely, or ask the clinic for a new link';
const EXHAUSTED_MESSAGE = 'This share has been opened the maximum number of times; ask the clinic for a new link';
const WRONG_PROOF_MESSAGE = 'The passphrase does not match this link';

/** /api/v1/shares: the facility's side. */
export function shareRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();

  routes.post('/', requireSession(['admin', 'clinician']), async (c) => {
    const deps = c.var.deps;
    const session = c.var.session;
    const body = await readJson(c, CreateShareRequest, CREATE_SHARE_MAX_BYTES);
    const now = deps.now();

    const expiresAt = Date.parse(body.expiresAt);
    if (!(expiresAt > now)) throw invalid('expiresAt', 'The expiry must be in the future');
    if (expiresAt > now + MAX_SHARE_LIFETIME_MS) throw invalid('expiresAt', 'A share may last at most one year');

    const kdfParams = decodeField(body.kdfParams, 'kdfParams');
    try {
      // Public parameters, but a share made with ones no browser accepts could never be opened.
      parseKdfParams(kdfParams);
    } catch {
      throw invalid('kdfParams', 'The KDF parameters are not supported');
    }
    const verifierPublicKey = decodeField(body.verifierPublicKey, 'verifierPublicKey');
    const bundle = decodeField(body.bundle, 'bundle');
    if (bundle.length === 0) throw invalid('bundle', 'The bundle is empty');

    const blobs = [...new Set(body.blobs)];
    for (const address of blobs) {
      if (!(await deps.meta.hasBlobRef(session.facilityId, address))) {
        throw invalid('blobs', `The blob ${address} is not stored for this facility; upload it before sharing`);
      }
    }

    const result = await deps.meta.createShare({
      shareId: body.shareId,
      facilityId: session.facilityId,
      memberId: session.memberId,
      kdfParams,
      verifierPublicKey,
      bundle,
      blobs,
      createdAt: now,
      expiresAt,
      maxOpens: body.maxOpens,
    });
    if (result === 'exists') throw new HttpError(409, 'conflict', 'A share with this ID exists; choose another ID');
    await recordAccess(c, session.facilityId, 'share.create', session, body.shareId);
    return c.json({ shareId: body.shareId }, 201);
  });

  routes.get('/', requireSession(['admin', 'clinician']), async (c) => {
    const deps = c.var.deps;
    const rows = await deps.meta.listShares(c.var.session.facilityId);
    const shares = rows.map(summarise).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return c.json({ shares } satisfies z.infer<typeof ShareList>);
  });

  routes.post('/:shareId/revoke', requireSession(['admin', 'clinician']), async (c) => {
    const deps = c.var.deps;
    const session = c.var.session;
    const shareId = readParam(c, 'shareId', ShareId);
    const share = await deps.meta.getShare(shareId);
    // Another facility's share is as unknown as a missing one.
    if (!share || share.facilityId !== session.facilityId) throw new HttpError(404, 'not_found', 'No such share');
    if (share.revokedAt === null) {
      const now = deps.now();
      if (!(await deps.meta.revokeShare(session.facilityId, shareId, now))) {
        throw new HttpError(404, 'not_found', 'No such share');
      }
      await recordAccess(c, session.facilityId, 'share.revoke', session, shareId);
    }
    const revoked = await deps.meta.getShare(shareId);
    return c.json({ shareId, revokedAt: iso(revoked?.revokedAt ?? deps.now()) });
  });

  return routes;
}

/** /api/v1/s: the patient's side, without a session. */
export function publicShareRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();

  // Hands out a nonce to sign; consumes no open and says nothing of lockout.
  routes.get('/:shareId', async (c) => {
    const deps = c.var.deps;
    const shareId = readParam(c, 'shareId', ShareId);
    const share = await getOpenableShare(deps, shareId);
    deps.meter.count(share.facilityId, { requests: 1 });
    const nonce = deps.random(32);
    await deps.meta.putChallenge({
      nonce,
      facilityId: share.facilityId,
      subject: shareId,
      expiresAt: deps.now() + deps.limits.challengeMs,
    });
    return c.json({ kdfParams: toBase64Url(share.kdfParams), nonce: toBase64Url(nonce) });
  });

  routes.post('/:shareId/open', async (c) => {
    const deps = c.var.deps;
    const addressKey = `share-open:${clientAddress(c)}`;
    const wait = deps.throttle.retryAfter(addressKey, ADDRESS_SHARE_FAILURES, SHARE_FAILURE_WINDOW_MS);
    if (wait > 0) {
      throw new HttpError(429, 'rate_limited', 'Too many failed attempts from this network; wait and try again', undefined, {
        'Retry-After': String(Math.ceil(wait / 1000)),
      });
    }

    const shareId = readParam(c, 'shareId', ShareId);
    const body = await readJson(c, OpenShareRequest, OPEN_SHARE_MAX_BYTES);
    const nonce = decodeField(body.nonce, 'nonce');
    const signature = decodeField(body.signature, 'signature');

    let share: ShareRow;
    try {
      share = await getOpenableShare(deps, shareId);
    } catch (error) {
      // Walking share IDs from one address counts against it too.
      if (error instanceof HttpError && error.status === 404) deps.throttle.add(addressKey, SHARE_FAILURE_WINDOW_MS);
      throw error;
    }
    deps.meter.count(share.facilityId, { requests: 1 });

    // Lockout before looking at the proof: while locked, even the right proof is refused.
    const now = deps.now();
    if (share.lockedUntil !== null && share.lockedUntil > now) {
      throw new HttpError(429, 'locked', 'Too many wrong passphrases for this link; wait and try again', undefined, {
        'Retry-After': String(Math.ceil((share.lockedUntil - now) / 1000)),
      });
    }

    const challenge = await deps.meta.takeChallenge(nonce, now);
    const verified =
      challenge !== null &&
      challenge.subject === shareId &&
      challenge.facilityId === share.facilityId &&
      challenge.expiresAt > now &&
      verifyShareChallenge(share.verifierPublicKey, { shareId, nonce }, signature);

    if (!verified) {
      await deps.meta.recordShareFailure(shareId, nextFailureState(share, now));
      deps.throttle.add(addressKey, SHARE_FAILURE_WINDOW_MS);
      await recordAccess(c, share.facilityId, 'share.open.failed', {}, shareId);
      throw new HttpError(401, 'unauthorized', WRONG_PROOF_MESSAGE);
    }

    const token = deps.random(32);
    const expiresAt = Math.min(share.expiresAt, now + SHARE_TOKEN_MS);
    const opened = await deps.meta.consumeShareOpen(shareId, { tokenHash: hashToken(token), shareId, expiresAt });
    if (!opened) throw new HttpError(410, 'gone', EXHAUSTED_MESSAGE);
    await recordAccess(c, share.facilityId, 'share.open', {}, shareId);
    return c.json({ bundle: toBase64Url(share.bundle), token: toBase64Url(token), expiresAt: iso(expiresAt) });
  });

  return routes;
}

/**
 * The share's failure state after one more failed open. Ten failures within
 * 15 minutes lock it for 1 minute, each further failure doubles the lock (up
 * to 24 hours). The count starts again only after 15 quiet minutes — since
 * the window opened and since the last lock ended — so waiting out a lock
 * does not reset the backoff. A verified open clears the count (the store
 * does so in consumeShareOpen), as the right passphrase ends a run of typos.
 */
export function nextFailureState(
  share: Pick<ShareRow, 'failedAttempts' | 'failureWindowStart' | 'lockedUntil'>,
  now: number,
): { failedAttempts: number; failureWindowStart: number; lockedUntil: number | null } {
  const inWindow = share.failureWindowStart !== null && now - share.failureWindowStart < SHARE_FAILURE_WINDOW_MS;
  const afterLock = share.lockedUntil !== null && now - share.lockedUntil < SHARE_FAILURE_WINDOW_MS;
  const fresh = !inWindow && !afterLock;
  const failedAttempts = fresh ? 1 : share.failedAttempts + 1;
  const failureWindowStart = fresh ? now : share.failureWindowStart ?? now;
  const lockedUntil =
    failedAttempts >= SHARE_FAILURES_BEFORE_LOCK
      ? now + Math.min(2 ** (failedAttempts - SHARE_FAILURES_BEFORE_LOCK) * 60_000, SHARE_MAX_LOCK_MS)
      : null;
  return { failedAttempts, failureWindowStart, lockedUntil };
}

/**
 * The share if a patient may still open it: 404 unknown, 410 revoked, expired
 * or opened up to maxOpens (checked again atomically when an open is counted).
 */
async function getOpenableShare(deps: ServerDeps, shareId: string): Promise<ShareRow> {
  const share = await deps.meta.getShare(shareId);
  if (!share) throw new HttpError(404, 'not_found', UNKNOWN_MESSAGE);
  if (share.revokedAt !== null || deps.now() >= share.expiresAt) throw new HttpError(410, 'gone', GONE_MESSAGE);
  if (share.maxOpens !== null && share.opens >= share.maxOpens) throw new HttpError(410, 'gone', EXHAUSTED_MESSAGE);
  return share;
}

function summarise(row: ShareRow): z.infer<typeof ShareSummary> {
  return {
    shareId: row.shareId,
    createdAt: iso(row.createdAt),
    expiresAt: iso(row.expiresAt),
    maxOpens: row.maxOpens,
    opens: row.opens,
    failedAttempts: row.failedAttempts,
    revokedAt: row.revokedAt === null ? null : iso(row.revokedAt),
    blobCount: row.blobs.length,
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function invalid(path: string, message: string): HttpError {
  return new HttpError(400, 'invalid_request', `The request is not valid: ${path} ${message}`, [{ path, message }]);
}

/** The schema checked the alphabet and length; this catches the non-canonical encodings it lets through. */
function decodeField(value: string, path: string): Uint8Array {
  try {
    return fromBase64Url(value);
  } catch {
    throw invalid(path, 'is not valid base64url');
  }
}
