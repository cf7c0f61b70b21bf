/**
 * Padmé padding (Nikitin et al., "Reducing Metadata Leakage from Encrypted
 * Files and Communication with PURBs", PETS 2019): rounds a length up so that
 * only O(log log n) bits of it remain visible, with at most ~12% overhead.
 * `minimum` sets the smallest bucket, so tiny records all look alike.
 */
export function padmeLength(length: number, minimum = 0): number {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError('length must be a non-negative integer');
  const n = Math.max(length, minimum);
  if (n < 2) return n;
  const e = Math.floor(Math.log2(n));
  const s = Math.floor(Math.log2(e)) + 1;
  const lastBits = e - s;
  const mask = 2 ** lastBits - 1;
  // Arithmetic instead of bit operators: lengths may exceed 2^31.
  return Math.ceil(n / (mask + 1)) * (mask + 1);
}
