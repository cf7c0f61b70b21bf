// CRC-32 as ZIP uses it (APPNOTE.TXT §4.4.7: polynomial 0xEDB88320, reflected,
// initial and final XOR 0xFFFFFFFF). Incremental, so an entry's checksum is
// computed over its chunks as they come out of the inflater.

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** Continues a CRC-32 over `bytes`; start with `crc = 0`, the result is unsigned. */
export function updateCrc32(crc: number, bytes: Uint8Array): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
