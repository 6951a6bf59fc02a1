import type { IdAllocator } from '../db/ids.js';
import type { SnapshotStore } from '../db/streamSnapshots.js';
import type { EventStore, Position } from '../eventstore/port.js';
import type { ReadModelsFor } from '../projections/readModelsHandling.js';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** What every command needs; `readModelsFor` and `waitFor` give read-your-writes. */
export interface CommandDeps {
  store: EventStore;
  ids: IdAllocator;
  clock: Clock;
  /** Where aggregates that keep snapshots (resumes, job applications) keep them; without it they fold whole streams. */
  snapshots?: SnapshotStore;
  /** The read models that handle these event types: what a command waits for after appending them. */
  readModelsFor: ReadModelsFor;
  waitFor(readModels: readonly string[], position: Position): Promise<void>;
}
