import { overriding } from './overriding.js';
import { AppendTooLargeError, type EventStore, type NewEvent } from './port.js';

/** What an append sends: each event's type, data and metadata as UTF-8 JSON (what EventStoreDB counts). */
export function appendSizeOf(events: readonly NewEvent[]): number {
  let bytes = 0;
  for (const e of events) {
    bytes += Buffer.byteLength(e.type) + Buffer.byteLength(JSON.stringify(e.data)) + Buffer.byteLength(JSON.stringify(e.metadata));
  }
  return bytes;
}

/**
 * The same store (adapter-specific extras included), refusing before it is sent any append
 * over `maxBytes`: the PostgreSQL store then refuses what EventStoreDB would, and neither
 * fails with a server error on a large write.
 */
export function limitAppendSize(store: EventStore, maxBytes: number): EventStore {
  const append: EventStore['append'] = async (streamId, events, options) => {
    const bytes = appendSizeOf(events);
    if (bytes > maxBytes) throw new AppendTooLargeError(streamId, bytes, maxBytes);
    return store.append(streamId, events, options);
  };
  return overriding(store, { append });
}
