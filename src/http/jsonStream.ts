import { Readable } from 'node:stream';

/**
 * A JSON body written as it is produced: `open`, the items separated by commas, `close`.
 * The next batch of items is asked for only when the client has taken what was sent
 * (the Readable's backpressure), so a request holds one batch at a time.
 */
export function jsonStream(open: string, batches: AsyncIterable<string[]>, close: string): Readable {
  async function* body(): AsyncGenerator<string> {
    yield open;
    let first = true;
    for await (const items of batches) {
      if (items.length === 0) continue;
      yield (first ? '' : ',') + items.join(',');
      first = false;
    }
    yield close;
  }
  return Readable.from(body(), { objectMode: false, highWaterMark: 16 * 1024 });
}

export async function* mapChunks<A, B>(chunks: AsyncIterable<A[]>, map: (item: A) => B): AsyncGenerator<B[]> {
  for await (const chunk of chunks) yield chunk.map(map);
}
