/**
 * The event store port. Semantics follow EventStoreDB everywhere: stream revisions are
 * 0-based bigints, expected revisions are 'any' | 'no_stream' | 'stream_exists' | bigint,
 * and a position is an opaque, adapter-specific string that sorts lexicographically in
 * global order (never compare positions produced by different adapters).
 */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

/** Opaque global position; `START` sorts before every real position. */
export type Position = string;
export const START: Position = '';

export interface EventMetadata {
  userId?: number | null;
  requestId?: string;
  at: string;
  /** The shape `data` was written in (see src/eventstore/versioning); absent on events written before versions were: 1. */
  schemaVersion?: number;
  [key: string]: unknown;
}

/** What a command hands to the store. */
export interface NewEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
  metadata: EventMetadata;
}

/** A domain event union member as the domain sees it: `{ type, data }`. */
export interface DomainEvent {
  type: string;
  data: unknown;
}

/** What the store hands back: the domain event plus where it sits in the log. */
export type RecordedEvent<E extends DomainEvent = DomainEvent> = E & {
  streamId: string;
  revision: bigint;
  position: Position;
  metadata: EventMetadata;
  createdAt: Date;
};

/**
 * An event as read models use it: type, data, where it sits in the log and its stream. What
 * the rebuild reads (`readLog`), so an adapter may skip decoding the rest.
 */
export type LogEvent<E extends DomainEvent = DomainEvent> = E & {
  streamId: string;
  position: Position;
  /** With `schemaVersions`, at least the schema version when it is not 1 (what an upcaster needs). */
  metadata?: Pick<EventMetadata, 'schemaVersion'>;
};

export interface AppendResult {
  /** Revision of the last event written: pass it as the next expected revision. */
  nextExpectedRevision: bigint;
  /** Global position of the last event written. */
  position: Position;
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. Defaults to START. */
  fromPosition?: Position;
  limit: number;
}

export interface ReadLogOptions extends ReadAllOptions {
  /** Also each event's schema version (see LogEvent): asked for only once some event type has upcasters, as it costs the rebuild's read. */
  schemaVersions?: boolean;
}

export interface SubscribeOptions {
  /** Exclusive: events strictly after this position. Defaults to START. */
  fromPosition?: Position;
  signal: AbortSignal;
  /** Upper bound on events per delivered batch. */
  maxBatchSize?: number;
  /**
   * A hint: the event types this subscriber acts on. An adapter may then wake it for new
   * events of these types only (and on its slow poll); it still delivers every event.
   */
  wakeOn?: readonly string[];
  /**
   * The event types whose data this subscriber reads. Every event is still delivered (its
   * position moves the subscriber on), but the others' data may come as stored: a layer then
   * skips the work it does per event's data (opening sealed personal fields, for one).
   */
  readsDataOf?: readonly string[];
}

export interface EventStore {
  readonly name: 'postgres' | 'eventstoredb';
  append(
    streamId: string,
    events: readonly NewEvent[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult>;
  /** Events of one stream in revision order (at most `maxCount` of them); empty for a stream that does not exist. */
  readStream<E extends DomainEvent = DomainEvent>(
    streamId: string,
    options?: { fromRevision?: bigint; maxCount?: number },
  ): Promise<RecordedEvent<E>[]>;
  /** Events in global order, never past an event whose writer has not committed yet. */
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  /** readAll with only what read models use (the rebuild's read of the whole log). */
  readLog(options: ReadLogOptions): Promise<LogEvent[]>;
  /** How many events lie after `position`, up to the readable head (lag, a rebuild's progress). */
  countAfter(position: Position): Promise<number>;
  /**
   * Catch-up then live subscription to the whole log, in global order. Delivers batches
   * (what is available at once, up to maxBatchSize) so a projector can commit a batch
   * and its checkpoint together. Ends when the signal aborts.
   */
  subscribe(options: SubscribeOptions): AsyncIterable<RecordedEvent[]>;
  /** Optional: tells local subscribers that a transaction which might have held events back has ended. */
  nudge?(): void;
  /**
   * A stable identity of this log, created on first use: a wiped or replaced store is a new
   * log with a new id, so a checkpoint can tell whether its position belongs to this log.
   */
  logId(): Promise<string>;
  /** Position of the newest readable event, or START for an empty log. */
  headPosition(): Promise<Position>;
  /** Resolves when the store answers (used by /readyz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The one concurrency error of the port, whatever the adapter. */
export class WrongExpectedVersionError extends Error {
  readonly code = 'wrong_expected_version';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** Current revision of the stream, or 'no_stream' when it does not exist. */
    readonly actual: bigint | 'no_stream',
  ) {
    super(`Wrong expected version for stream ${streamId}: expected ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedVersionError';
  }
}

/** An append refused for its size: EventStoreDB refuses any over its MaxAppendSize (1 MiB by default). */
export class AppendTooLargeError extends Error {
  readonly code = 'append_too_large';
  constructor(
    readonly streamId: string,
    /** Serialized size of the refused events (types, data and metadata as UTF-8 JSON). */
    readonly bytes: number,
    readonly maxBytes: number,
  ) {
    super(`Append to stream ${streamId} refused: ${bytes} bytes, over the limit of ${maxBytes}`);
    this.name = 'AppendTooLargeError';
  }
}
