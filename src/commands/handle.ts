import type { Decider, CommandContext } from '../domain/decider.js';
import { Conflict } from '../domain/errors.js';
import { WrongExpectedVersionError, type DomainEvent, type EventStore, type Position } from '../eventstore/port.js';

export interface Handled<State, Event> {
  /** State after the new events. */
  state: State;
  events: Event[];
  /** Global position of the last new event; null when the command changed nothing. */
  position: Position | null;
}

/**
 * The one command handler: read the stream, fold it, decide, append with the revision read.
 * On a concurrent write it re-reads and decides again up to `retries` times (safe for
 * commands whose decision depends only on the stream), then answers 409.
 */
export async function handleCommand<Command, Event extends DomainEvent, State>(
  store: EventStore,
  decider: Decider<Command, Event, State>,
  streamId: string,
  command: Command,
  context: CommandContext,
  { retries = 0, newStream = false }: { retries?: number; newStream?: boolean } = {},
): Promise<Handled<State, Event>> {
  for (let attempt = 0; ; attempt++) {
    // A stream named by a freshly allocated id cannot exist yet: skip the read (the append
    // still expects "no stream", so a mistake would be a conflict, never a lost event).
    const history = newStream && attempt === 0 ? [] : await store.readStream<Event>(streamId);
    const state = history.reduce(decider.evolve, decider.initialState());
    const events = decider.decide(command, state);
    if (events.length === 0) return { state, events, position: null };
    const last = history[history.length - 1];
    try {
      const { position } = await store.append(
        streamId,
        events.map((e) => ({ type: e.type, data: e.data, metadata: { ...context } })),
        { expectedRevision: last ? last.revision : 'no_stream' },
      );
      return { state: events.reduce(decider.evolve, state), events, position };
    } catch (err) {
      if (!(err instanceof WrongExpectedVersionError)) throw err;
      if (attempt >= retries) throw new Conflict();
    }
  }
}
