// Test-only: how a planted canary could show up in stored bytes. Shared by
// the vault's at-rest test (Node, fake IndexedDB) and the browser's (e2e).
import { Buffer } from 'node:buffer';

/** Every way the canary could appear: bytes as UTF-8, UTF-16LE, hex, base64 and base64url at each alignment. */
export function canaryNeedles(canary: string): Uint8Array[] {
  const utf8 = Buffer.from(canary, 'utf8');
  const ascii = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
  const out = [new Uint8Array(utf8), new Uint8Array(Buffer.from(canary, 'utf16le')), ascii(utf8.toString('hex')), ascii(utf8.toString('hex').toUpperCase())];
  for (let shift = 0; shift < 3; shift++) {
    const padded = Buffer.concat([Buffer.alloc(shift), utf8]);
    for (const enc of ['base64', 'base64url'] as const) {
      // Skip the characters the prefix bytes touch and the last, padding-dependent group.
      const text = padded.toString(enc).replace(/=+$/, '');
      const start = Math.ceil((shift * 4) / 3);
      out.push(ascii(text.slice(start, Math.max(start + 8, text.length - 3))));
    }
  }
  return out;
}

export function containsBytes(hay: Uint8Array, needle: Uint8Array): boolean {
  return Buffer.from(hay.buffer, hay.byteOffset, hay.byteLength).indexOf(Buffer.from(needle)) >= 0;
}
