import { fromHex, toHex } from '../_bytes.ts';
import type { RandomSource } from '../random.ts';

/**
 * Records the random bytes a function drew (when generating vectors) or
 * replays recorded ones in the same order (when checking them), so a frozen
 * vector pins every byte of output.
 */
export function recordingRandom(source: RandomSource): RandomSource & { drawn: string[] } {
  const drawn: string[] = [];
  return Object.assign((n: number) => {
    const bytes = source(n);
    drawn.push(toHex(bytes));
    return bytes;
  }, { drawn });
}

export function replayRandom(drawn: readonly string[]): RandomSource {
  let i = 0;
  return (n: number) => {
    const hex = drawn[i++];
    if (hex === undefined || hex.length !== 2 * n) throw new Error(`vector replay: draw ${i} of ${n} bytes does not match`);
    return fromHex(hex);
  };
}
