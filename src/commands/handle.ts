import type { SnapshotStore } from '../db/streamSnapshots.js';
import type { Decider, CommandContext } from '../domain/decider.js';
import { Conflict, PayloadTooLarge } from '../domain/errors.js';
import {
  AppendTooLargeError,
  WrongExpectedVersionError,
  type DomainEvent,
  type EventStore,
  type Position,
  type RecordedEvent,
} from '../eventstore/port.js';
import { backoffDelayMs, realBackoff, RETRY, type Backoff, type RetryPolicy } from './retry.js';

export interface Handled<State, Event> {
  /** State after the new events. */
  state: State;
  events: Event[];
  /** Global position of the last new event; null when the command changed nothing. */
  position: Position | null;
}

/** How an aggregate snapshots its deciding state, which must survive a JSON round trip. */
export interface SnapshotPolicy {
  /** Raise it when the state's shape changes: snapshots of another version are then ignored. */
  version: number;
  /** A snapshot is stored once a command folded this many events past the last one. */
  every: number;
}

export interface Snapshotting {
  store: SnapshotStore;
  policy: SnapshotPolicy;
}

export interface HandleOptions {
  /** By default none: a conflict is a 409 at once. */
  retry?: RetryPolicy;
  backoff?: Backoff;
  newStream?: boolean;
  /** Start from the stream's snapshot and keep it fresh, so a command's cost does not grow with its stream. */
  snapshots?: Snapshotting;
}

/** An aggregate's snapshotting when the deps offer a snapshot store; otherwise every command folds the whole stream. */
export const snapshotting = (store: SnapshotStore | undefined, policy: SnapshotPolicy): Snapshotting | undefined =>
  store && { store, policy };

/**
 * The one command handler: read the stream (from its snapshot on, when the aggregate keeps
 * one), fold it, decide, append with the revision read. On a concurrent write it pauses,
 * re-reads and decides again as `retry` allows (safe for commands whose decision depends only
 * on the stream), then answers 409. An append over the store's size limit answers 413.
 */
export async function handleCommand<Command, Event extends DomainEvent, State>(
  store: EventStore,
  decider: Decider<Command, Event, State>,
  streamId: string,
  command: Command,
  context: CommandContext,
  { retry = RETRY.none, backoff = realBackoff, newStream = false, snapshots }: HandleOptions = {},
): Promise<Handled<State, Event>> {
  for (let attempt = 0; ; attempt++) {
    // A stream named by a freshly allocated id cannot exist yet: skip the read (the append
    // still expects "no stream", so a mistake would be a conflict, never a lost event).
    const { state, last, folded }: Loaded<State> =
      newStream && attempt === 0 ? { state: decider.initialState(), folded: 0 } : await load(store, decider, streamId, snapshots);
    if (last) await keepSnapshot(snapshots, streamId, folded, { ...last, state });
    const events = decider.decide(command, state);
    if (events.length === 0) return { state, events, position: null };
    try {
      const { position } = await store.append(
        streamId,
        events.map((e) => ({ type: e.type, data: e.data, metadata: { ...context } })),
        { expectedRevision: last ? last.revision : 'no_stream' },
      );
      return { state: events.reduce(decider.evolve, state), events, position };
    } catch (err) {
      if (err instanceof AppendTooLargeError) {
        throw new PayloadTooLarge(`This change is too large to record: ${err.bytes} bytes, over the limit of ${err.maxBytes}.`);
      }
      if (!(err instanceof WrongExpectedVersionError)) throw err;
      if (attempt >= retry.retries) throw new Conflict();
    }
    await backoff.sleep(backoffDelayMs(retry, attempt, backoff.random));
  }
}

interface Loaded<State> {
  state: State;
  /** The last event folded into `state`; absent for a stream that does not exist. */
  last?: { revision: bigint; position: Position };
  /** Events folded after the snapshot used (all of the stream's without one). */
  folded: number;
}

async function load<Command, Event extends DomainEvent, State>(
  store: EventStore,
  decider: Decider<Command, Event, State>,
  streamId: string,
  snapshots: Snapshotting | undefined,
): Promise<Loaded<State>> {
  const snapshot = await snapshots?.store.read(streamId);
  if (snapshot && snapshot.version === snapshots?.policy.version) {
    // Read from the snapshot's own event, to check it is still in the log where the snapshot saw it.
    const [taken, ...after] = await store.readStream<Event>(streamId, { fromRevision: snapshot.revision });
    if (taken && taken.revision === snapshot.revision && taken.position === snapshot.position) {
      return fold(decider, after, snapshot.state as State, taken);
    }
  }
  return fold(decider, await store.readStream<Event>(streamId), decider.initialState(), undefined);
}

function fold<Command, Event extends DomainEvent, State>(
  decider: Decider<Command, Event, State>,
  events: RecordedEvent<Event>[],
  from: State,
  before: RecordedEvent | undefined,
): Loaded<State> {
  const last = events.at(-1) ?? before;
  return {
    state: events.reduce(decider.evolve, from),
    ...(last ? { last: { revision: last.revision, position: last.position } } : {}),
    folded: events.length,
  };
}

/**
 * Stores the state just read once it took `every` events to fold. Its position comes from a
 * read, never from an append's result, so it compares equal to the next read's.
 */
async function keepSnapshot<State>(
  snapshots: Snapshotting | undefined,
  streamId: string,
  folded: number,
  at: { revision: bigint; position: Position; state: State },
): Promise<void> {
  if (!snapshots || folded < snapshots.policy.every) return;
  // A snapshot is derived data: failing to store one costs the next command a longer read,
  // and must not turn a command that was recorded into an error.
  await snapshots.store.write(streamId, { ...at, version: snapshots.policy.version }).catch(() => undefined);
}
