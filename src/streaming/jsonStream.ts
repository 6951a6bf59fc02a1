import { Readable } from 'node:stream';
import { concurrencyLimit } from './concurrencyLimit.js';

/**
 * How many batches of every streamed body in this process are read and serialised at once.
 * Many large lists at once then take turns instead of all holding a batch and all filling one
 * turn of the event loop: what they hold together, and how long a turn lasts, stay bounded
 * however many run.
 */
export const BATCHES_AT_ONCE = 2;
const batchLane = concurrencyLimit(BATCHES_AT_ONCE);

/**
 * A JSON body written as it is produced: `open`, the items separated by commas, `close`.
 * The next batch of items is asked for only when the client has taken what was sent
 * (the Readable's backpressure), so a request holds one batch at a time.
 */
export function jsonStream(open: string, batches: AsyncIterable<string[]>, close: string): Readable {
  async function* body(): AsyncGenerator<string> {
    yield open;
    const iterator = batches[Symbol.asyncIterator]();
    let first = true;
    for (;;) {
      const { done, value: items } = await batchLane(() => iterator.next());
      if (done) break;
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

/**
 * A JSON document written as it is produced: an async iterable in it (of pages, as jsonStream
 * takes them) becomes an array read a page at a time as the client takes the body, also when
 * nested in an item of another one (a resume's history). What is held at once is a page per
 * level of nesting, whatever the document's size.
 */
export function jsonDocumentStream(document: object): Readable {
  return Readable.from(jsonPieces(document), { objectMode: false, highWaterMark: 16 * 1024 });
}

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown[]> =>
  typeof value === 'object' && value !== null && Symbol.asyncIterator in value;

const streamsPart = (value: unknown): boolean =>
  isAsyncIterable(value) || (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).some(isAsyncIterable));

async function* jsonPieces(value: unknown): AsyncGenerator<string> {
  if (!streamsPart(value)) {
    yield JSON.stringify(value);
  } else if (isAsyncIterable(value)) {
    yield '[';
    const iterator = value[Symbol.asyncIterator]();
    let first = true;
    for (;;) {
      const { done, value: page } = await batchLane(() => iterator.next());
      if (done) break;
      for (const item of page) {
        if (!first) yield ',';
        first = false;
        yield* jsonPieces(item);
      }
    }
    yield ']';
  } else {
    let separator = '{';
    for (const [key, part] of Object.entries(value as object)) {
      if (part === undefined) continue;
      yield `${separator}${JSON.stringify(key)}:`;
      separator = ',';
      yield* jsonPieces(part);
    }
    yield separator === '{' ? '{}' : '}';
  }
}
