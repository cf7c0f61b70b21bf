/**
 * Where randomness comes from. Every function that needs random bytes takes a
 * RandomSource, defaulting to the platform CSPRNG, so tests and frozen vectors
 * can pass a deterministic one.
 */
export type RandomSource = (length: number) => Uint8Array;

export const systemRandom: RandomSource = (length) => {
  const out = new Uint8Array(length);
  // getRandomValues fills at most 65,536 bytes per call.
  for (let at = 0; at < length; at += 65536) {
    globalThis.crypto.getRandomValues(out.subarray(at, Math.min(length, at + 65536)));
  }
  return out;
};
