// Sync server figures (issue: sync server), each beside a raw baseline
// measured in the same run: records pushed and pulled against bare SQLite
// inserts (and push also against those inserts after a signature check of
// each record, the least a server that verifies must do), blob parts up and down against an fsync'd file write and a plain
// HTTP PUT to a bare Node server, and memory with 200 idle live connections.
import { createHash, createPublicKey, randomBytes, verify } from 'node:crypto';
import { closeSync, fsyncSync, mkdtempSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import WebSocket from 'ws';
import { parseSignedRecord } from '../crypto/index.ts';
import type { Figure } from './crypto-bench.ts';
import { runPageDirect } from './browser-direct.ts';
import { startServerProcess } from '../sync-server/src/testing/server-process.ts';
import { createDeviceWriter } from '../sync-server/src/testing/device-writer.ts';
import { createHttpCaller, registerFacility } from '../sync-server/src/testing/test-server.ts';

/** The bench drives far more requests per minute than a device may send. */
const BENCH_SERVER = { env: { KURA_REQUESTS_PER_MINUTE: '1000000' } };
const RECORDS = 20_000;
const BATCH = 100;
const PARTS = 64;
const PART = 1024 * 1024;
const MB = 1e6;

/** Bare SQLite: the same rows, 100 per transaction, WAL with synchronous=FULL like the store. */
function sqliteBaseline(rows: Uint8Array[]): number {
  const dir = mkdtempSync(join(tmpdir(), 'kura-sqlite-'));
  const db = new Database(join(dir, 'b.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE r (seq INTEGER PRIMARY KEY, id TEXT UNIQUE, bytes BLOB)');
  const insert = db.prepare('INSERT INTO r (id, bytes) VALUES (?, ?)');
  const batch = db.transaction((items: Uint8Array[], base: number) => {
    items.forEach((b, i) => insert.run(`r${base + i}`, b));
  });
  const t0 = performance.now();
  for (let i = 0; i < rows.length; i += BATCH) batch(rows.slice(i, i + BATCH), i);
  const ms = performance.now() - t0;
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return rows.length / (ms / 1000);
}

/**
 * The least any server that checks signatures must do: parse each record,
 * verify its Ed25519 signature with Node's OpenSSL on the thread pool (all of
 * a batch at once, so on every core; the key object made once) and insert the
 * batch as above. No HTTP, JSON, hashing or chain checks.
 */
async function verifiedSqliteBaseline(rows: Uint8Array[], devicePublicKey: Uint8Array): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'kura-sqlite-'));
  const db = new Database(join(dir, 'b.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE r (seq INTEGER PRIMARY KEY, id TEXT UNIQUE, bytes BLOB)');
  const insert = db.prepare('INSERT INTO r (id, bytes) VALUES (?, ?)');
  const batch = db.transaction((items: Uint8Array[], base: number) => {
    items.forEach((b, i) => insert.run(`r${base + i}`, b));
  });
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(devicePublicKey).toString('base64url') }, format: 'jwk' });
  const check = (sealed: Uint8Array) =>
    new Promise<void>((resolve, reject) => {
      const { message, signature } = parseSignedRecord(sealed);
      verify(null, message, key, signature, (error, ok) => (error || !ok ? reject(error ?? new Error('bad signature')) : resolve()));
    });
  const t0 = performance.now();
  for (let i = 0; i < rows.length; i += BATCH) {
    const items = rows.slice(i, i + BATCH);
    await Promise.all(items.map(check));
    batch(items, i);
  }
  const ms = performance.now() - t0;
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return rows.length / (ms / 1000);
}

/** A blob part as the folder store writes it: temp file, fsync, rename, fsync folder. */
function fileBaseline(parts: Uint8Array[]): number {
  const dir = mkdtempSync(join(tmpdir(), 'kura-fsync-'));
  const t0 = performance.now();
  parts.forEach((p, i) => {
    const tmp = join(dir, `${i}.part`);
    const fd = openSync(tmp, 'w');
    writeSync(fd, p);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, join(dir, String(i)));
    const dfd = openSync(dir, 'r');
    fsyncSync(dfd);
    closeSync(dfd);
  });
  const ms = performance.now() - t0;
  rmSync(dir, { recursive: true, force: true });
  return (parts.length * PART) / MB / (ms / 1000);
}

/** fetch PUT of the same parts to a bare Node server that reads and drops the body. */
async function plainPutBaseline(parts: Uint8Array<ArrayBuffer>[]): Promise<number> {
  const server = createServer((req, res) => {
    req.on('data', () => undefined);
    req.on('end', () => res.writeHead(201).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const t0 = performance.now();
  for (const p of parts) await (await fetch(url, { method: 'PUT', body: p })).arrayBuffer();
  const ms = performance.now() - t0;
  server.close();
  return (parts.length * PART) / MB / (ms / 1000);
}

export async function benchServer(report: (f: Figure) => void): Promise<void> {
  const server = await startServerProcess(BENCH_SERVER);
  try {
    const api = createHttpCaller(server.baseUrl);
    const facility = await registerFacility(api);
    const token = facility.admin.token;
    const writer = createDeviceWriter(facility.admin);
    const body = randomBytes(440); // sealed with header, nonce, tag, padding and signature: ~630 B
    const batches: string[][] = [];
    for (let i = 0; i < RECORDS; i += BATCH) batches.push(Array.from({ length: BATCH }, () => writer.seal(body)));
    const sealedBytes = batches.flat().map((b) => Buffer.from(b, 'base64url'));

    let t0 = performance.now();
    for (const records of batches) {
      const res = await api.call('POST', '/api/v1/log', { token, json: { records } });
      if (res.status !== 200) throw new Error(`push failed: ${res.status}`);
    }
    const pushed = RECORDS / ((performance.now() - t0) / 1000);

    // A clinic has several devices: four push their own chains at once.
    const devices = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const { addMember } = await import('../sync-server/src/testing/test-server.ts');
        const m = await addMember(api, facility, 'clinician');
        const w = createDeviceWriter(m);
        return { token: m.token, batches: Array.from({ length: RECORDS / BATCH / 4 }, () => Array.from({ length: BATCH }, () => w.seal(body))) };
      }),
    );
    t0 = performance.now();
    await Promise.all(
      devices.map(async (d) => {
        for (const records of d.batches) {
          const res = await api.call('POST', '/api/v1/log', { token: d.token, json: { records } });
          if (res.status !== 200) throw new Error(`push failed: ${res.status}`);
        }
      }),
    );
    const pushed4 = RECORDS / ((performance.now() - t0) / 1000);
    t0 = performance.now();
    let pulled = 0;
    for (let after = 0; ; ) {
      const page = await api.call('GET', `/api/v1/log?after=${after}&limit=${BATCH}`, { token });
      pulled += page.body.records.length;
      if (!page.body.more) break;
      after = page.body.records.at(-1).seq;
    }
    const pulledPerS = pulled / ((performance.now() - t0) / 1000);
    const baseline = sqliteBaseline(sealedBytes);
    const verifiedBaseline = await verifiedSqliteBaseline(sealedBytes, facility.admin.device.publicKey);
    report({ name: `records pushed (batches of ${BATCH}, ~${sealedBytes[0]!.length} B sealed)`, value: pushed, unit: '/s' });
    report({ name: 'records pushed, 4 devices at once', value: pushed4, unit: '/s' });
    report({ name: `records pulled (pages of ${BATCH})`, value: pulledPerS, unit: '/s' });
    report({ name: 'baseline: bare SQLite inserts, 100 per transaction, WAL + FULL', value: baseline, unit: '/s' });
    report({ name: 'push / SQLite baseline', value: (100 * pushed) / baseline, unit: '%' });
    report({ name: 'push, 4 devices / SQLite baseline', value: (100 * pushed4) / baseline, unit: '%' });
    report({ name: 'baseline 2: the same inserts after verifying each signature (Node, thread pool)', value: verifiedBaseline, unit: '/s' });
    report({ name: 'push / verify + SQLite baseline', value: (100 * pushed) / verifiedBaseline, unit: '%' });
    report({ name: 'push, 4 devices / verify + SQLite baseline', value: (100 * pushed4) / verifiedBaseline, unit: '%' });
    report({ name: 'pull / SQLite baseline', value: (100 * pulledPerS) / baseline, unit: '%' });

    const parts = Array.from({ length: PARTS }, () => new Uint8Array(randomBytes(PART)) as Uint8Array<ArrayBuffer>);
    const addresses = parts.map((p) => createHash('sha256').update(p).digest('hex'));
    t0 = performance.now();
    for (let i = 0; i < PARTS; i++) {
      const res = await fetch(new URL(`/api/v1/blobs/${addresses[i]}`, server.baseUrl), {
        method: 'PUT',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' },
        body: parts[i],
      });
      if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
    }
    const up = (PARTS * PART) / MB / ((performance.now() - t0) / 1000);
    const more = Array.from({ length: PARTS }, () => new Uint8Array(randomBytes(PART)) as Uint8Array<ArrayBuffer>);
    t0 = performance.now();
    for (let i = 0; i < PARTS; i += 4) {
      await Promise.all(
        more.slice(i, i + 4).map(async (p) => {
          const a = createHash('sha256').update(p).digest('hex');
          const res = await fetch(new URL(`/api/v1/blobs/${a}`, server.baseUrl), {
            method: 'PUT',
            headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' },
            body: p,
          });
          if (res.status !== 201) throw new Error(`upload failed: ${res.status}`);
        }),
      );
    }
    const up4 = (PARTS * PART) / MB / ((performance.now() - t0) / 1000);
    t0 = performance.now();
    for (const address of addresses) {
      const res = await fetch(new URL(`/api/v1/blobs/${address}`, server.baseUrl), { headers: { Authorization: `Bearer ${token}` } });
      await res.arrayBuffer();
    }
    const down = (PARTS * PART) / MB / ((performance.now() - t0) / 1000);
    const fsyncWrite = fileBaseline(parts);
    const plainPut = await plainPutBaseline(parts);
    report({ name: 'blob upload, 1 MiB parts, one at a time', value: up, unit: 'MB/s' });
    report({ name: 'baseline: 1 MiB file write + fsync + rename + fsync folder', value: fsyncWrite, unit: 'MB/s' });
    report({ name: 'baseline: plain HTTP PUT of 1 MiB to a bare Node server', value: plainPut, unit: 'MB/s' });
    report({ name: 'upload / slower baseline', value: (100 * up) / Math.min(fsyncWrite, plainPut), unit: '%' });
    report({ name: 'blob upload, 4 parts in flight', value: up4, unit: 'MB/s' });
    report({ name: 'upload, 4 in flight / slower baseline', value: (100 * up4) / Math.min(fsyncWrite, plainPut), unit: '%' });
    report({ name: 'blob download, 1 MiB parts, one at a time', value: down, unit: 'MB/s' });
    report({ name: 'download / plain HTTP baseline', value: (100 * down) / plainPut, unit: '%' });

  } finally {
    await server.stop();
  }
  await benchLiveMemory(report);

  // From a browser: Chromium started directly, uploading parts with fetch.
  const browserServer = await startServerProcess(BENCH_SERVER);
  try {
    const facility = await registerFacility(createHttpCaller(browserServer.baseUrl));
    const setup = { kura: browserServer.baseUrl, token: facility.admin.token, parts: PARTS };
    const page = new URL('./upload-bench.page.ts', import.meta.url).pathname;
    const f = await runPageDirect(page, encodeURIComponent(JSON.stringify(setup)));
    report({ name: 'browser → bare Node server, fetch PUT of 1 MiB (baseline)', value: f.plainPut!, unit: 'MB/s' });
    report({ name: 'browser → Kura, blob part upload (fetch PUT 1 MiB)', value: f.kuraPut!, unit: 'MB/s' });
    report({ name: 'browser upload / baseline', value: (100 * f.kuraPut!) / f.plainPut!, unit: '%' });
    report({ name: 'browser ← Kura, blob part download', value: f.kuraGet!, unit: 'MB/s' });
  } finally {
    await browserServer.stop();
  }
}

/** 200 idle, authenticated live connections, as 200 tablets would hold, on a fresh server. */
async function benchLiveMemory(report: (f: Figure) => void): Promise<void> {
  const server = await startServerProcess(BENCH_SERVER);
  const sockets: WebSocket[] = [];
  try {
    const facility = await registerFacility(createHttpCaller(server.baseUrl));
    const settle = () => new Promise((r) => setTimeout(r, 2000));
    await settle();
    const before = server.rssBytes();
    const wsUrl = server.baseUrl.replace('http', 'ws') + '/api/v1/live';
    await Promise.all(
      Array.from({ length: 200 }, async () => {
        const ws = new WebSocket(wsUrl);
        sockets.push(ws);
        await new Promise((resolve) => ws.on('open', resolve));
        ws.send(JSON.stringify({ type: 'auth', token: facility.admin.token }));
        await new Promise((resolve) => ws.once('message', resolve));
      }),
    );
    await settle();
    const after = server.rssBytes();
    report({ name: 'server RSS, idle, no live connections', value: before / 2 ** 20, unit: 'MiB' });
    report({ name: 'server RSS with 200 idle live connections', value: after / 2 ** 20, unit: 'MiB' });
    report({ name: 'per live connection', value: (after - before) / 200 / 1024, unit: 'KiB' });
  } finally {
    for (const ws of sockets) ws.close();
    await server.stop();
  }
}
