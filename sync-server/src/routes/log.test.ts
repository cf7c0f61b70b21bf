import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fromBase64Url, openRecord, toBase64Url } from '../../../crypto/index.ts';
import { PullResponse } from '../../../protocol/index.ts';
import { createDeviceWriter } from '../testing/device-writer.ts';
import { addMember, createTestServer, registerFacility, type TestFacility, type TestServer } from '../testing/test-server.ts';

let server: TestServer;
let facility: TestFacility;

beforeEach(async () => {
  server = createTestServer();
  facility = await registerFacility(server);
});
afterEach(() => server.close());

const push = (token: string, records: string[]) => server.call('POST', '/api/v1/log', { token, json: { records } });

describe('the log', () => {
  it('stores pushed records with per-facility seqs and pulls them back in pages', async () => {
    const w = createDeviceWriter(facility.admin);
    const records = Array.from({ length: 5 }, (_, i) => w.seal(`{"n":${i}}`));
    const res = await push(facility.admin.token, records);
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { seq: number }) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(res.body.head).toBe(5);

    const page1 = await server.call('GET', '/api/v1/log?after=0&limit=3', { token: facility.admin.token });
    expect(page1.body.records.map((r: { seq: number }) => r.seq)).toEqual([1, 2, 3]);
    expect(page1.body.more).toBe(true);
    const page2 = await server.call('GET', '/api/v1/log?after=3&limit=3', { token: facility.admin.token });
    expect(page2.body.records.map((r: { seq: number }) => r.seq)).toEqual([4, 5]);
    expect(page2.body.more).toBe(false);
    const first = await openRecord(fromBase64Url(page1.body.records[0].record), {
      docKey: w.docKey,
      devicePublicKey: facility.admin.device.publicKey,
      expect: { facilityId: facility.facilityId },
    });
    expect(new TextDecoder().decode(first.body)).toBe('{"n":0}');
  });

  it('answers a pull as the protocol’s PullResponse, empty pages too', async () => {
    const empty = await server.call('GET', '/api/v1/log?after=0', { token: facility.admin.token });
    expect(empty.headers.get('Content-Type')).toMatch(/^application\/json/);
    expect(PullResponse.parse(empty.body)).toEqual({ records: [], head: 0, more: false });

    const w = createDeviceWriter(facility.admin);
    const records = Array.from({ length: 3 }, (_, i) => w.seal(`{"n":${i}}`));
    await push(facility.admin.token, records);
    const one = await server.call('GET', '/api/v1/log?after=1&limit=1', { token: facility.admin.token });
    expect(PullResponse.parse(one.body)).toEqual({ records: [{ seq: 2, record: records[1] }], head: 3, more: true });
    const rest = await server.call('GET', '/api/v1/log?after=1', { token: facility.admin.token });
    expect(PullResponse.parse(rest.body)).toEqual({ records: [{ seq: 2, record: records[1] }, { seq: 3, record: records[2] }], head: 3, more: false });
  });

  it('is idempotent: the same batch pushed twice is stored once', async () => {
    const w = createDeviceWriter(facility.admin);
    const records = [w.seal('a'), w.seal('b')];
    await push(facility.admin.token, records);
    const again = await push(facility.admin.token, records);
    expect(again.status).toBe(200);
    expect(again.body.results).toEqual([
      expect.objectContaining({ seq: 1, status: 'duplicate' }),
      expect.objectContaining({ seq: 2, status: 'duplicate' }),
    ]);
    expect(again.body.head).toBe(2);
  });

  it('refuses gaps, replays and forks of a device chain, storing nothing of the batch', async () => {
    const w = createDeviceWriter(facility.admin);
    const r1 = w.seal('1');
    w.seal('2 (withheld)');
    const r3 = w.seal('3');
    const gap = await push(facility.admin.token, [r1, r3]);
    expect(gap.status).toBe(409);
    expect(gap.body.code).toBe('chain_broken');
    expect((await server.call('GET', '/api/v1/log', { token: facility.admin.token })).body.records).toEqual([]);
  });

  it('refuses records of another device, another facility or with a bad signature', async () => {
    const other = await addMember(server, facility, 'clinician');
    const theirs = createDeviceWriter(other).seal('x');
    const wrongDevice = await push(facility.admin.token, [theirs]);
    expect(wrongDevice.status).toBe(403);

    const elsewhere = await registerFacility(server, { name: 'Other Admin' });
    const foreign = createDeviceWriter(elsewhere.admin).seal('x');
    expect((await push(facility.admin.token, [foreign])).status).toBe(403);

    const forged = fromBase64Url(createDeviceWriter(facility.admin).seal('x'));
    forged[forged.length - 1]! ^= 1;
    const bad = await push(facility.admin.token, [toBase64Url(forged)]);
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('integrity_failed');
    expect((await push(facility.admin.token, ['AAAA'])).status).toBe(400);
  });

  it('lets a viewer pull but not push', async () => {
    const viewer = await addMember(server, facility, 'viewer');
    expect((await push(viewer.token, [createDeviceWriter(viewer).seal('x')])).status).toBe(403);
    expect((await server.call('GET', '/api/v1/log', { token: viewer.token })).status).toBe(200);
  });

  it('gives gap-free seqs to 5 devices pushing at once', async () => {
    const members = await Promise.all(Array.from({ length: 5 }, () => addMember(server, facility, 'clinician')));
    await Promise.all(
      members.map(async (m) => {
        const w = createDeviceWriter(m);
        for (let batch = 0; batch < 8; batch++) {
          const res = await push(m.token, Array.from({ length: 5 }, (_, i) => w.seal(`${batch}:${i}`)));
          expect(res.status).toBe(200);
        }
      }),
    );
    const all = await server.call('GET', '/api/v1/log?limit=1000', { token: facility.admin.token });
    expect(all.body.records.map((r: { seq: number }) => r.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });

  it('validates the query', async () => {
    for (const q of ['after=-1', 'limit=0', 'limit=100000', 'after=x']) {
      const res = await server.call('GET', `/api/v1/log?${q}`, { token: facility.admin.token });
      expect(res.status).toBe(400);
    }
  });
});

describe('query parameters', () => {
  it('refuses a repeated parameter', async () => {
    const s = createTestServer();
    const f = await registerFacility(s);
    const res = await s.call('GET', '/api/v1/log?limit=1&limit=2', { token: f.admin.token });
    expect(res.status).toBe(400);
    await s.close();
  });
});
