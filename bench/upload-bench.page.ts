// Runs in Chromium started directly (no Playwright: its DevTools
// instrumentation slowed browser uploads 6-18x here). Uploads blob parts to
// the Kura server and to a bare Node server that drops bodies, then posts the
// figures back to the page's origin. Setup comes in the URL fragment.
const setup = JSON.parse(decodeURIComponent(location.hash.slice(1))) as { kura: string; token: string; parts: number };
const PART = 1024 * 1024;

async function run(): Promise<Record<string, number>> {
  const parts: Uint8Array<ArrayBuffer>[] = [];
  const addresses: string[] = [];
  for (let i = 0; i < setup.parts; i++) {
    const p = new Uint8Array(PART);
    for (let at = 0; at < PART; at += 65536) crypto.getRandomValues(p.subarray(at, at + 65536));
    parts.push(p);
    const d = new Uint8Array(await crypto.subtle.digest('SHA-256', p));
    addresses.push(Array.from(d, (b) => b.toString(16).padStart(2, '0')).join(''));
  }
  const mbs = (ms: number) => (setup.parts * PART) / 1e6 / (ms / 1000);
  const timed = async (f: () => Promise<void>) => {
    const t0 = performance.now();
    await f();
    return performance.now() - t0;
  };
  const put = async (i: number) => {
    const res = await fetch(`${setup.kura}/api/v1/blobs/${addresses[i]}`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${setup.token}`, 'Content-Type': 'application/octet-stream' },
      body: parts[i],
    });
    if (res.status !== 201 && res.status !== 200) throw new Error(`PUT ${res.status}`);
  };
  const bare = async (i: number) => {
    const res = await fetch('/sink', { method: 'PUT', body: parts[i] });
    await res.arrayBuffer();
  };
  const plain = await timed(async () => {
    for (let i = 0; i < parts.length; i++) await bare(i);
  });
  const kura = await timed(async () => {
    for (let i = 0; i < parts.length; i++) await put(i);
  });
  const get = await timed(async () => {
    for (const a of addresses) {
      const res = await fetch(`${setup.kura}/api/v1/blobs/${a}`, { headers: { Authorization: `Bearer ${setup.token}` } });
      await res.arrayBuffer();
    }
  });
  return { plainPut: mbs(plain), kuraPut: mbs(kura), kuraGet: mbs(get) };
}

run().then(
  (figures) => fetch('/result', { method: 'POST', body: JSON.stringify(figures) }),
  (e: unknown) => fetch('/result', { method: 'POST', body: JSON.stringify({ error: String(e) }) }),
);
