import type { DomainEvent, EventStore, LogEvent, NewEvent } from '../port.js';
import { overriding } from '../overriding.js';
import { storedVersionOf, type EventVersions } from './registry.js';
import { currentEventVersions } from './upcasters.js';

/**
 * The same store (adapter-specific extras included), writing each event's schema version
 * into its metadata and handing every reader each event in its current shape. Readers never
 * see an old shape; the log is never rewritten. At the current version a read costs a
 * lookup per event; one written by a newer ResuMate is refused rather than misread (by
 * readLog only once this ResuMate has upcasters: until then it reads no versions).
 */
export function versionedEventStore(store: EventStore, versions: EventVersions = currentEventVersions): EventStore {
  const stamp = (event: NewEvent): NewEvent => ({
    ...event,
    // A copied event (an import, a migration) keeps the version it was written at.
    metadata: { ...event.metadata, schemaVersion: event.metadata.schemaVersion ?? versions.currentVersion(event.type) },
  });

  /** In place: every adapter hands each read a fresh array. */
  const toCurrent = <T extends LogEvent>(events: T[]): T[] => {
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      const stored = storedVersionOf(event.metadata);
      const current = versions.currentVersion(event.type);
      if (stored === current) continue;
      events[i] = { ...event, data: versions.upcast(event.type, event.data, stored), metadata: { ...event.metadata, schemaVersion: current } };
    }
    return events;
  };

  const methods: Pick<EventStore, 'append' | 'readStream' | 'readAll' | 'readLog' | 'subscribe'> = {
    append: (streamId, events, options) => store.append(streamId, events.map(stamp), options),
    async readStream<E extends DomainEvent>(streamId: string, options?: { fromRevision?: bigint; maxCount?: number }) {
      return toCurrent(await store.readStream<E>(streamId, options));
    },
    readAll: async (options) => toCurrent(await store.readAll(options)),
    // The lean read carries versions only when asked: the rebuild pays for them once they matter.
    readLog: async (options) => toCurrent(await store.readLog({ ...options, schemaVersions: versions.versioned })),
    async *subscribe(options) {
      for await (const batch of store.subscribe(options)) yield toCurrent(batch);
    },
  };
  return overriding(store, methods);
}
