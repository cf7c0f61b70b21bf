import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDeviceWriter } from './testing/device-writer.ts';
import { startServerProcess, type ServerProcess } from './testing/server-process.ts';
import { createHttpCaller, registerFacility } from './testing/test-server.ts';

// A real server process, killed with SIGKILL in the middle of a stream of
// pushes and blob uploads: after a restart every acknowledged record and
// blob is there, intact, and nothing half-written is served.

const dataDir = mkdtempSync(join(tmpdir(), 'kura-crash-'));
const servers: ServerProcess[] = [];
afterAll(() => {
  for (const s of servers) s.child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function startServer(): Promise<ServerProcess> {
  const server = await startServerProcess({ dataDir });
  servers.push(server);
  return server;
}

describe('crash safety', () => {
  it('keeps every acknowledged record and blob across SIGKILL', async () => {
    const step = (what: string) => process.env.KURA_DEBUG_CRASH && console.error(`[crash] ${what}`);
    const first = await startServer();
    step('first started');
    const api = createHttpCaller(first.baseUrl);
    const facility = await registerFacility(api);
    const token = facility.admin.token;
    const writer = createDeviceWriter(facility.admin);

    const ackedRecords = new Set<string>();
    const ackedBlobs = new Map<string, string>(); // address → sha256 check value (the address itself)
    let pendingRecords: string[] = [];
    let killed = false;
    const kill = setTimeout(() => {
      killed = true;
      first.child.kill('SIGKILL');
    }, 1500);

    // Push and upload until the process dies under us. A batch whose answer
    // never came may or may not be stored; it is pushed again after restart.
    while (!killed) {
      if (pendingRecords.length === 0) pendingRecords = Array.from({ length: 20 }, (_, i) => writer.seal(`{"i":${i}}`));
      const blob = randomBytes(64 * 1024 + Math.floor(Math.random() * 400_000));
      const address = createHash('sha256').update(blob).digest('hex');
      try {
        const [pushed, put] = await Promise.all([
          api.call('POST', '/api/v1/log', { token, json: { records: pendingRecords } }),
          api.call('PUT', `/api/v1/blobs/${address}`, { token, body: blob, headers: { 'Content-Type': 'application/octet-stream' } }),
        ]);
        if (pushed.status === 200) {
          for (const r of pushed.body.results) ackedRecords.add(r.recordId);
          pendingRecords = [];
        }
        if (put.status === 200 || put.status === 201) ackedBlobs.set(address, address);
      } catch {
        break; // the connection died with the process
      }
    }
    clearTimeout(kill);
    step(`killed; ${ackedRecords.size} records, ${ackedBlobs.size} blobs acknowledged`);
    // Killed by a signal, a process keeps exitCode null and sets signalCode;
    // its 'exit' event may already have fired while the last requests failed.
    const gone = () => first.child.exitCode !== null || first.child.signalCode !== null;
    await new Promise((resolve) => (gone() ? resolve(null) : first.child.once('exit', resolve)));
    expect(ackedRecords.size).toBeGreaterThan(20);
    expect(ackedBlobs.size).toBeGreaterThan(1);

    const second = await startServer();
    step('second started');
    const again = createHttpCaller(second.baseUrl);
    // Sessions are stored too: the same token still works.
    const pulled: { seq: number; record: string }[] = [];
    for (let after = 0; ; ) {
      const page = await again.call('GET', `/api/v1/log?after=${after}&limit=1000`, { token });
      expect(page.status).toBe(200);
      pulled.push(...page.body.records);
      if (!page.body.more) break;
      after = page.body.records.at(-1).seq;
    }
    expect(pulled.map((r) => r.seq)).toEqual(pulled.map((_, i) => i + 1));
    const { parseRecordHeader, fromBase64Url } = await import('../../crypto/index.ts');
    const storedIds = new Set(pulled.map((r) => parseRecordHeader(fromBase64Url(r.record)).recordId));
    for (const id of ackedRecords) expect(storedIds.has(id)).toBe(true);

    // The unacknowledged batch, if any, is pushed again: stored once, the chain intact.
    step(`pulled ${pulled.length}`);
    if (pendingRecords.length > 0) {
      const retry = await again.call('POST', '/api/v1/log', { token, json: { records: pendingRecords } });
      expect(retry.status).toBe(200);
    }

    for (const address of ackedBlobs.keys()) {
      const res = await fetch(new URL(`/api/v1/blobs/${address}`, second.baseUrl), {
        headers: { Authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(20_000),
      });
      expect(res.status).toBe(200);
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(address);
    }
    // Every file in the blob folder is whole: its bytes hash to its name.
    const blobDir = join(dataDir, 'blobs');
    for (const sub of readdirSync(blobDir).filter((d) => /^[0-9a-f]{2}$/.test(d))) {
      for (const name of readdirSync(join(blobDir, sub))) {
        const path = join(blobDir, sub, name);
        if (!statSync(path).isFile()) continue;
        expect(createHash('sha256').update(readFileSync(path)).digest('hex')).toBe(name);
      }
    }
    second.child.kill('SIGTERM');
  }, 180_000);
});
