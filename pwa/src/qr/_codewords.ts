/**
 * Data codewords to the final codeword sequence: split into blocks, add each
 * block's Reed-Solomon codewords, interleave (ISO/IEC 18004 §7.5-7.6).
 *
 * Interleaving spreads each block across the symbol, so a local smudge or
 * tear costs every block a few codewords instead of wiping out one block.
 */
import { _rsRemainder } from './_gf256.ts';
import { _blockLayout, type ErrorCorrectionLevel } from './_tables.ts';

export interface _Block {
  readonly data: Uint8Array;
  readonly ecc: Uint8Array;
}

export function _splitBlocks(data: Uint8Array, version: number, level: ErrorCorrectionLevel): _Block[] {
  const layout = _blockLayout(version, level);
  if (data.length !== layout.dataCodewords) {
    throw new RangeError(`version ${version}-${level} needs ${layout.dataCodewords} data codewords, got ${data.length}`);
  }
  const blocks: _Block[] = [];
  let offset = 0;
  for (let i = 0; i < layout.blocks; i++) {
    const length = layout.shortDataLength + (i < layout.shortBlocks ? 0 : 1);
    const blockData = data.subarray(offset, offset + length);
    offset += length;
    blocks.push({ data: blockData, ecc: _rsRemainder(blockData, layout.eccPerBlock) });
  }
  return blocks;
}

/**
 * Column-wise read-out: codeword i of every block, then i+1, ...; short
 * blocks have no last data codeword and are skipped there. ECC codewords
 * follow all data codewords, interleaved the same way.
 */
export function _interleave(blocks: readonly _Block[]): Uint8Array {
  const total = blocks.reduce((sum, block) => sum + block.data.length + block.ecc.length, 0);
  const out = new Uint8Array(total);
  let n = 0;
  const longest = Math.max(...blocks.map((block) => block.data.length));
  for (let i = 0; i < longest; i++) {
    for (const block of blocks) if (i < block.data.length) out[n++] = block.data[i]!;
  }
  const eccLength = blocks[0]?.ecc.length ?? 0;
  for (let i = 0; i < eccLength; i++) {
    for (const block of blocks) out[n++] = block.ecc[i]!;
  }
  return out;
}

export function _codewordSequence(data: Uint8Array, version: number, level: ErrorCorrectionLevel): Uint8Array {
  return _interleave(_splitBlocks(data, version, level));
}
