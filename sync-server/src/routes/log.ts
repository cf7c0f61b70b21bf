import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { IntegrityError, parseSignedRecord, type RecordHeader } from '../../../crypto/index.ts';
import { MAX_PUSH_RECORDS, MAX_RECORD_BYTES, PullQuery, PushRequest } from '../../../protocol/index.ts';
import { recordReadAccess } from '../access.ts';
import type { AppEnv } from '../deps.ts';
import { HttpError } from '../errors.ts';
import { readJson, readQuery } from '../middleware/read-body.ts';
import { requireSession } from '../middleware/session.ts';
import { ed25519PublicKey, verifyEd25519OnPool } from '../record-signatures.ts';
import type { RecordToAppend } from '../store/index.ts';

// base64url grows bytes by 4/3; the JSON around them is small.
const MAX_PUSH_BODY = Math.ceil((MAX_PUSH_RECORDS * MAX_RECORD_BYTES * 4) / 3 / 8) + 64 * 1024;

export function logRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();

  /**
   * Push: parse → verify → store. Each record must be this facility's, from
   * this session's device, signed by that device's key, and continue its
   * chain; the batch is stored atomically or not at all.
   */
  routes.post('/', requireSession(['admin', 'clinician']), async (c) => {
    const deps = c.var.deps;
    const { facilityId, deviceId } = c.var.session;
    const body = await readJson(c, PushRequest, MAX_PUSH_BODY);
    const device = await deps.meta.getDevice(facilityId, deviceId);
    if (!device || device.revokedAt !== null) throw new HttpError(401, 'device_revoked', 'This device was revoked');

    // Each record is parsed and checked for ownership on this thread, in
    // order, and its signature check handed to the thread pool at once, so
    // the 100 checks of a batch run on every core while this thread goes on
    // to the next record and its hash. A malformed or foreign record is
    // refused before its signature is looked at (403 whether or not it holds).
    const key = ed25519PublicKey(device.publicKey);
    const checks: Promise<boolean>[] = [];
    const records = body.records.map((text, index): RecordToAppend => {
      // Node's decoder is lenient, but the schema has already admitted only canonical base64url.
      const bytes = new Uint8Array(Buffer.from(text, 'base64url'));
      let parsed: ReturnType<typeof parseSignedRecord>;
      try {
        parsed = parseSignedRecord(bytes);
      } catch (e) {
        if (e instanceof IntegrityError) throw new HttpError(400, 'integrity_failed', `Record ${index} is not a valid sealed record`);
        throw e;
      }
      const { header, message, signature } = parsed;
      const foreign = ownershipError(header, index, facilityId, deviceId);
      if (foreign) throw foreign;
      checks.push(key ? verifyEd25519OnPool(key, message, signature) : Promise.resolve(false));
      return {
        recordId: header.recordId,
        deviceId: header.deviceId,
        deviceSeq: header.deviceSeq,
        prevHash: header.prevHash,
        docId: header.docId,
        patientKey: header.patientKey,
        kind: header.kind,
        bytes,
        // crypto's hashRecord (SHA-256 of the sealed record, which the next
        // record of the device links to), computed natively: noble's
        // JavaScript SHA-256 took 5x as long on a batch.
        hash: new Uint8Array(createHash('sha256').update(bytes).digest()),
      };
    });
    // Checks left running when a refusal is thrown settle on their own: they never reject.
    const unsigned = (await Promise.all(checks)).indexOf(false);
    if (unsigned !== -1) throw new HttpError(400, 'integrity_failed', `Record ${unsigned} is not signed by this device's key`);
    const ids = new Set(records.map((r) => r.recordId));
    if (ids.size !== records.length) throw new HttpError(400, 'bad_request', 'A record ID appears twice in the batch');

    const outcome = await deps.meta.append(facilityId, records, deps.now());
    if (!outcome.ok) {
      const r = records[outcome.index]!;
      if (outcome.reason === 'conflict') {
        throw new HttpError(409, 'conflict', `Record ${r.recordId} was already stored with different content`);
      }
      throw new HttpError(
        409,
        'chain_broken',
        `Record ${r.recordId} has device sequence ${r.deviceSeq} but the device's chain continues at ${outcome.expectedSeq}`,
      );
    }
    const stored = outcome.results.filter((r) => r.status === 'stored').length;
    const head = await deps.meta.head(facilityId);
    if (stored > 0) {
      deps.meter.count(facilityId, { recordsPushed: stored });
      deps.live.announce(facilityId, head);
    }
    return c.json({
      results: outcome.results.map((r, i) => ({ recordId: records[i]!.recordId, seq: r.seq, status: r.status })),
      head,
    });
  });

  routes.get('/', requireSession(), async (c) => {
    const deps = c.var.deps;
    const { facilityId, memberId, deviceId } = c.var.session;
    const query = readQuery(c, PullQuery);
    const rows = await deps.meta.read(facilityId, query.after, query.limit + 1);
    const page = rows.slice(0, query.limit);
    const head = await deps.meta.head(facilityId);
    const bytes = page.reduce((n, r) => n + r.bytes.length, 0);
    if (page.length > 0) {
      deps.meter.count(facilityId, { bytesServed: bytes });
      const subject = `seq ${page[0]!.seq}-${page[page.length - 1]!.seq}`;
      recordReadAccess(c, facilityId, 'log.pull', { memberId, deviceId }, subject);
    }
    // The PullResponse as JSON text, written out: seqs and the head are
    // integers and records base64url ([A-Za-z0-9_-]), none of which JSON
    // escapes, and JSON.stringify of the same objects took 3x as long on a
    // page of 100. Node's native base64url encoder, for the same reason.
    let json = '{"records":[';
    for (let i = 0; i < page.length; i++) {
      const { seq, bytes: b } = page[i]!;
      const record = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64url');
      json += `${i === 0 ? '' : ','}{"seq":${seq},"record":"${record}"}`;
    }
    json += `],"head":${head},"more":${rows.length > query.limit}}`;
    return c.body(json, 200, { 'Content-Type': 'application/json' });
  });

  return routes;
}

/** A record of another facility or device: 403, whether or not its signature holds. */
function ownershipError(header: RecordHeader, index: number, facilityId: string, deviceId: string): HttpError | null {
  if (header.facilityId !== facilityId) {
    return new HttpError(403, 'forbidden', `Record ${index} belongs to another facility`);
  }
  if (header.deviceId !== deviceId) {
    return new HttpError(403, 'forbidden', `Record ${index} was made by another device; each device pushes its own records`);
  }
  return null;
}
