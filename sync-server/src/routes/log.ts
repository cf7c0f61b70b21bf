import { Hono } from 'hono';
import { hashRecord, IntegrityError, parseRecordHeader, verifyRecordSignature } from '../../../crypto/index.ts';
import { MAX_PUSH_RECORDS, MAX_RECORD_BYTES, PullQuery, PushRequest } from '../../../protocol/index.ts';
import { recordAccess } from '../access.ts';
import type { AppEnv } from '../deps.ts';
import { HttpError } from '../errors.ts';
import { readJson, readQuery } from '../middleware/read-body.ts';
import { requireSession } from '../middleware/session.ts';
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

    const records = await Promise.all(
      body.records.map(async (text, index): Promise<RecordToAppend> => {
        // Node's decoder is lenient, but the schema has already admitted only canonical base64url.
        const bytes = new Uint8Array(Buffer.from(text, 'base64url'));
        let header;
        try {
          header = parseRecordHeader(bytes);
        } catch {
          throw new HttpError(400, 'integrity_failed', `Record ${index} is not a valid sealed record`);
        }
        if (header.facilityId !== facilityId) {
          throw new HttpError(403, 'forbidden', `Record ${index} belongs to another facility`);
        }
        if (header.deviceId !== deviceId) {
          throw new HttpError(403, 'forbidden', `Record ${index} was made by another device; each device pushes its own records`);
        }
        try {
          await verifyRecordSignature(bytes, device.publicKey);
        } catch (e) {
          if (e instanceof IntegrityError) {
            throw new HttpError(400, 'integrity_failed', `Record ${index} is not signed by this device's key`);
          }
          throw e;
        }
        return {
          recordId: header.recordId,
          deviceId: header.deviceId,
          deviceSeq: header.deviceSeq,
          prevHash: header.prevHash,
          docId: header.docId,
          patientKey: header.patientKey,
          kind: header.kind,
          bytes,
          hash: hashRecord(bytes),
        };
      }),
    );
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
      await recordAccess(c, facilityId, 'log.pull', { memberId, deviceId }, subject);
    }
    return c.json({
      // Node's native encoder: several times faster than a JavaScript one on a page of records.
      records: page.map((r) => ({ seq: r.seq, record: Buffer.from(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength).toString('base64url') })),
      head,
      more: rows.length > query.limit,
    });
  });

  return routes;
}
