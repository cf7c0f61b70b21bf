/**
 * Yields each item with a read started for it, keeping reads in flight ahead
 * of the consumer: a browser serves each File read through its own process,
 * so a read's wait overlaps the parsing or encrypting of the file before it.
 * At most `limit.count` items and `limit.bytes` (by `sizeOf`) wait ahead, so
 * a few large files do not fill a tablet's memory. A rejected read surfaces
 * only when its item is consumed, in order.
 */
export async function* readAhead<T, R>(
  items: AsyncIterable<T> | Iterable<T>,
  limit: { count: number; bytes: number; sizeOf(item: T): number },
  start: (item: T) => Promise<R> | null,
): AsyncGenerator<{ item: T; read: Promise<R> | null }> {
  const queue: { item: T; read: Promise<R> | null; size: number }[] = [];
  let queued = 0;
  for await (const item of items) {
    const read = start(item);
    // Not an unhandled rejection while it waits in the queue; the consumer sees it.
    read?.catch(() => undefined);
    const size = read ? limit.sizeOf(item) : 0;
    queue.push({ item, read, size });
    queued += size;
    while (queue.length > limit.count || (queue.length > 1 && queued > limit.bytes)) {
      const next = queue.shift()!;
      queued -= next.size;
      yield { item: next.item, read: next.read };
    }
  }
  for (const next of queue) yield { item: next.item, read: next.read };
}
