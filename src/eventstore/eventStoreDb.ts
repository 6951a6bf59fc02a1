import { setTimeout as sleep } from 'node:timers/promises';
import { connectEsdbClient, type EsdbClient } from './esdbClient.js';
import { logIdOf } from './esdbLogIdentity.js';
import { splitStreamPrefix, withStreamPrefix } from './esdbStreamPrefix.js';
import {
  decodePosition,
  encodePosition,
  isApplicationEventAfter,
  isSystemRecord,
  requirePosition,
  toRecordedEvent,
  type EsdbPosition,
} from './esdbMapping.js';
import {
  START,
  type DomainEvent,
  type EventStore,
  type Position,
  type ReadAllOptions,
  type RecordedEvent,
  type SubscribeOptions,
} from './port.js';

const DEFAULT_BATCH_SIZE = 500;
const MIN_PAGE_SIZE = 64;
const HEAD_PAGE_SIZE = 100;
const COUNT_PAGE_SIZE = 4096;
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 5_000;

/** Where the adapter says that it retries: a subscription that keeps failing must not do so silently. */
export interface RetryLog {
  warn(obj: object, msg: string): void;
}

export function createEventStoreDbStore(connectionString: string, log?: RetryLog): EventStore {
  const { connectionString: clientConnectionString, streamPrefix } = splitStreamPrefix(connectionString);
  return createEventStoreDbStoreOn(withStreamPrefix(connectEsdbClient(clientConnectionString), streamPrefix), log);
}

export function createEventStoreDbStoreOn(client: EsdbClient, log?: RetryLog): EventStore {
  const closing = new AbortController();
  return {
    name: 'eventstoredb',
    async append(streamId, events, { expectedRevision }) {
      if (events.length === 0) throw new Error('append needs at least one event');
      // The server reports the position of the last event written: what read-your-writes waits for.
      const { nextExpectedRevision, position } = await client.append(streamId, events, expectedRevision);
      if (!position) throw new Error(`EventStoreDB reported no position for the append to ${streamId}`);
      return { nextExpectedRevision, position: encodePosition(position) };
    },
    async readStream<E extends DomainEvent = DomainEvent>(streamId: string, options: { fromRevision?: bigint; maxCount?: number } = {}) {
      const records = await client.readStream(streamId, { fromRevision: options.fromRevision ?? 0n, maxCount: options.maxCount });
      // The store cannot check payloads against E; the stream name promises the type.
      return records.map(toRecordedEvent) as RecordedEvent<E>[];
    },
    readAll: (options) => readAllAfter(client, options),
    // Records carry every part anyway: the full events are the lean ones too.
    readLog: (options) => readAllAfter(client, options),
    countAfter: (position) => countAfter(client, position),
    subscribe: (options) => subscribeBatches(client, { ...options, signal: AbortSignal.any([options.signal, closing.signal]) }, log),
    logId: () => logIdOf(client),
    headPosition: () => headPosition(client),
    async ping() {
      await client.readAll({ from: 'end', direction: 'backwards', maxCount: 1 });
    },
    async close() {
      closing.abort();
      await client.dispose();
    },
  };
}

/** $all reads include the start position and system events; the port wants neither. */
async function readAllAfter(client: EsdbClient, { fromPosition = START, limit }: ReadAllOptions): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  const pageSize = Math.max(limit + 1, MIN_PAGE_SIZE);
  let after = decodePosition(fromPosition);
  while (events.length < limit) {
    const page = await client.readAll({ from: after ?? 'start', direction: 'forwards', maxCount: pageSize });
    for (const record of page) {
      if (events.length < limit && isApplicationEventAfter(record, after)) events.push(toRecordedEvent(record));
    }
    const last = page.at(-1);
    if (!last || page.length < pageSize) break;
    after = requirePosition(last);
  }
  return events;
}

/** EventStoreDB keeps no count of $all: the application events after `position` are counted page by page. */
async function countAfter(client: EsdbClient, position: Position): Promise<number> {
  let count = 0;
  let after = decodePosition(position);
  for (;;) {
    const page = await client.readAll({ from: after ?? 'start', direction: 'forwards', maxCount: COUNT_PAGE_SIZE });
    count += page.filter((record) => isApplicationEventAfter(record, after)).length;
    const last = page.at(-1);
    if (!last || page.length < COUNT_PAGE_SIZE) return count;
    after = requirePosition(last);
  }
}

async function headPosition(client: EsdbClient): Promise<Position> {
  let from: EsdbPosition | 'end' = 'end';
  for (;;) {
    const page = await client.readAll({ from, direction: 'backwards', maxCount: HEAD_PAGE_SIZE });
    const newest = page.find((record) => !isSystemRecord(record));
    if (newest) return encodePosition(requirePosition(newest));
    const oldest = page.at(-1);
    if (!oldest || page.length < HEAD_PAGE_SIZE) return START;
    from = requirePosition(oldest);
  }
}

/**
 * Resubscribes after a transient failure (UNAVAILABLE included, unlike Emmett) from the
 * last event handed to the consumer, so nothing is skipped and nothing delivered twice, with
 * backoff and a log line each time; any other failure ends the subscription with its error.
 */
async function* subscribeBatches(client: EsdbClient, options: SubscribeOptions, log?: RetryLog): AsyncGenerator<RecordedEvent[]> {
  const { signal, maxBatchSize = DEFAULT_BATCH_SIZE } = options;
  let after = decodePosition(options.fromPosition ?? START);
  let failures = 0;
  let lastError: unknown;
  while (!signal.aborted) {
    const subscription = client.subscribeToAll(after ?? 'start', maxBatchSize);
    try {
      for await (const records of batchesOf(subscription, maxBatchSize, signal)) {
        failures = 0;
        const mine = records.filter((record) => isApplicationEventAfter(record, after));
        const last = mine.at(-1);
        if (!last) continue;
        after = requirePosition(last);
        yield mine.map(toRecordedEvent);
      }
    } catch (error) {
      if (signal.aborted) return;
      if (!client.isTransient(error)) throw error;
      lastError = error;
    } finally {
      await subscription.unsubscribe();
    }
    const delay = Math.min(RETRY_FIRST_MS * 1.5 ** failures++, RETRY_MAX_MS);
    log?.warn({ err: lastError, retryInMs: Math.round(delay), failures }, 'EventStoreDB subscription failed; resubscribing from the last delivered event');
    if (!(await pause(delay, signal))) return;
  }
}

const NOT_READY = Symbol('not ready');

/** Waits for one item, then takes whatever else is already buffered, up to `max`. */
async function* batchesOf<T>(source: AsyncIterable<T>, max: number, signal: AbortSignal): AsyncGenerator<T[]> {
  const iterator = source[Symbol.asyncIterator]();
  const pull = () => {
    const next = iterator.next();
    // A connection can drop while the consumer works on a batch: that rejection is read
    // on the next pull, and must not count as unhandled (which would end the process).
    next.catch(() => {});
    return next;
  };
  let pending = pull();
  for (;;) {
    const first = await unlessAborted(pending, signal);
    if (first === undefined || first.done) return;
    const batch = [first.value];
    pending = pull();
    while (batch.length < max) {
      // Buffered items resolve in microtasks; setImmediate fires once the buffer is dry.
      const next = await Promise.race([pending, new Promise<typeof NOT_READY>((resolve) => setImmediate(resolve, NOT_READY))]);
      if (next === NOT_READY || next.done) break;
      batch.push(next.value);
      pending = pull();
    }
    yield batch;
  }
}

function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** False when the signal aborted the wait. */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
