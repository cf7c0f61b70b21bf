/**
 * A FIFO of byte chunks that hands out exact-size pieces without
 * re-concatenating everything it holds (streams arrive in arbitrary chunks).
 */
export class ByteQueue {
  private chunks: Uint8Array[] = [];
  private head = 0; // offset into chunks[0]
  length = 0;

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** Removes and returns exactly n bytes (n ≤ length); a view when they lie in one chunk. */
  take(n: number): Uint8Array {
    if (n > this.length) throw new RangeError('ByteQueue underflow');
    const first = this.chunks[0];
    if (first !== undefined && first.length - this.head >= n) {
      const out = first.subarray(this.head, this.head + n);
      this.advance(n);
      return out;
    }
    const out = new Uint8Array(n);
    let at = 0;
    while (at < n) {
      const chunk = this.chunks[0]!;
      const piece = chunk.subarray(this.head, this.head + Math.min(n - at, chunk.length - this.head));
      out.set(piece, at);
      at += piece.length;
      this.advance(piece.length);
    }
    return out;
  }

  private advance(n: number): void {
    this.length -= n;
    this.head += n;
    while (this.chunks.length > 0 && this.head >= this.chunks[0]!.length) {
      this.head -= this.chunks[0]!.length;
      this.chunks.shift();
    }
  }
}

export type ByteSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
