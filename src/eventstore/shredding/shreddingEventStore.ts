import { overriding } from '../overriding.js';
import type { DomainEvent, EventStore, NewEvent } from '../port.js';
import type { Keyring, KeyState } from './keyring.js';
import { PERSONAL_FIELDS } from './personalFields.js';
import { erasePlaintext, openData, plaintextPersonal, sealData, sealedOf, type Sealed } from './sealing.js';

type Data = Record<string, unknown>;

/**
 * Crypto-shredding over any event store (PostgreSQL or EventStoreDB alike): personal fields
 * (personalFields.ts) are sealed with their subject's data key at append and opened on every
 * read. Once the key is destroyed they read as ERASED, while every other field of the event
 * reads as it was written. Events written before sealing (plaintext) pass through, except that
 * an erased subject's fields read as ERASED there too.
 */
export function shreddingEventStore(inner: EventStore, keyring: Keyring): EventStore {
  async function sealAll(events: readonly NewEvent[]): Promise<NewEvent[]> {
    const sealed: NewEvent[] = [];
    for (const event of events) {
      const personal = plaintextPersonal(event.type, event.data);
      if (!personal) {
        sealed.push(event);
        continue;
      }
      const key = await keyring.sealingKey(personal.subject);
      sealed.push({ ...event, data: sealData(event.data as Data, personal, key) });
    }
    return sealed;
  }

  // The other methods, and an adapter's extras, are the inner store's own.
  return overriding(inner, {
    async append(streamId, events, options) {
      return inner.append(streamId, await sealAll(events), options);
    },
    async readStream<E extends DomainEvent = DomainEvent>(streamId: string, options?: { fromRevision?: bigint; maxCount?: number }) {
      return openAll(keyring, await inner.readStream<E>(streamId, options));
    },
    async readAll(options) {
      return openAll(keyring, await inner.readAll(options));
    },
    async readLog(options) {
      return openAll(keyring, await inner.readLog(options));
    },
    async *subscribe(options) {
      const reads = options.readsDataOf ? new Set(options.readsDataOf) : undefined;
      for await (const batch of inner.subscribe(options)) yield await openAll(keyring, batch, reads);
    },
  });
}

/**
 * Opens every event of a batch in place (of the `types` read, when given: the others stay as
 * stored), looking each subject up once per batch and loading the keys not in memory in one query.
 */
export async function openAll<T extends DomainEvent>(keyring: Keyring, events: T[], types?: ReadonlySet<string>): Promise<T[]> {
  const subjects = events.map((event) => (types === undefined || types.has(event.type) ? subjectOf(event) : undefined));
  const states = new Map<string, KeyState | undefined>();
  const missing = new Set<string>();
  for (const [i, subject] of subjects.entries()) {
    if (subject === undefined) continue;
    if (!states.has(subject)) states.set(subject, keyring.cached(subject));
    const state = states.get(subject);
    if (state === undefined || (state === 'absent' && sealedOf(events[i]!.data))) missing.add(subject);
  }
  if (missing.size > 0) for (const [subject, state] of await keyring.load([...missing])) states.set(subject, state);
  for (const [i, subject] of subjects.entries()) {
    if (subject === undefined) continue;
    const event = events[i]!;
    const state: KeyState = states.get(subject) ?? 'absent';
    const sealed = sealedOf(event.data);
    if (sealed) openData(event.data as Data, sealed, state instanceof Buffer ? state : null);
    else if (state === 'destroyed') erasePlaintext(event.data as Data, presentPaths(event));
  }
  return events;
}

/** Whose personal data the event holds, sealed or (written before sealing) in clear; undefined when none. */
function subjectOf(event: DomainEvent): string | undefined {
  const sealed: Sealed | undefined = sealedOf(event.data);
  if (sealed) return sealed.subject;
  const declared = PERSONAL_FIELDS.get(event.type);
  return declared && typeof event.data === 'object' && event.data !== null ? declared.subjectOf(event.data as Data) : undefined;
}

function presentPaths(event: DomainEvent): string[] {
  return plaintextPersonal(event.type, event.data)?.paths ?? [];
}
