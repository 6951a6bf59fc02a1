import {
  ANY,
  BACKWARDS,
  END,
  ErrorType,
  EventStoreDBClient,
  FORWARDS,
  MaxAppendSizeExceededError,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError as ClientWrongExpectedVersionError,
  eventTypeFilter,
  isCommandError,
  jsonEvent,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type JSONType,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { appendSizeOf } from './appendSizeLimit.js';
import { AppendTooLargeError, WrongExpectedVersionError, type ExpectedRevision, type NewEvent } from './port.js';
import type { EsdbPosition, EsdbRecord } from './esdbMapping.js';

export interface EsdbSubscription extends AsyncIterable<EsdbRecord> {
  /** Cancels the call; an iteration in progress then ends. */
  unsubscribe(): Promise<void>;
}

export interface EsdbAppendResult {
  nextExpectedRevision: bigint;
  position?: EsdbPosition;
}

/**
 * The few client calls the adapter makes. This file is the only one that imports the
 * client package, so moving to @kurrent/kurrentdb-client (`streamState`, `expectedState`/
 * `actualState`) means rewriting this file alone.
 */
export interface EsdbClient {
  /** Throws the port's WrongExpectedVersionError on a concurrency conflict. */
  append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<EsdbAppendResult>;
  /** Empty for a stream that does not exist. */
  readStream(streamId: string, options: { fromRevision: bigint; maxCount?: number }): Promise<EsdbRecord[]>;
  readAll(options: { from: EsdbPosition | 'start' | 'end'; direction: 'forwards' | 'backwards'; maxCount: number }): Promise<EsdbRecord[]>;
  /** Catch-up then live, strictly after `from`; the server already drops `$`-typed events. */
  subscribeToAll(from: EsdbPosition | 'start', bufferSize: number): EsdbSubscription;
  /** Whether a failed call may succeed when simply tried again (server restart, leader change). */
  isTransient(error: unknown): boolean;
  dispose(): Promise<void>;
}

export function connectEsdbClient(connectionString: string): EsdbClient {
  const client = EventStoreDBClient.connectionString(connectionString);
  return {
    async append(streamId, events, expected) {
      const data = events.map((e) => jsonEvent({ type: e.type, data: e.data as JSONType, metadata: e.metadata }));
      try {
        const result = await client.appendToStream(streamId, data, { expectedRevision: toAppendExpectedRevision(expected) });
        return { nextExpectedRevision: result.nextExpectedRevision, position: result.position };
      } catch (error) {
        throw toPortError(error, streamId, expected, events);
      }
    },
    async readStream(streamId, { fromRevision, maxCount }) {
      const records: EsdbRecord[] = [];
      try {
        for await (const resolved of client.readStream(streamId, { fromRevision, direction: FORWARDS, ...(maxCount === undefined ? {} : { maxCount }) })) {
          const record = toRecord(resolved);
          if (record) records.push(record);
        }
      } catch (error) {
        if (error instanceof StreamNotFoundError) return [];
        throw error;
      }
      return records;
    },
    async readAll({ from, direction, maxCount }) {
      const fromPosition = from === 'start' ? START : from === 'end' ? END : from;
      const records: EsdbRecord[] = [];
      for await (const resolved of client.readAll({ fromPosition, maxCount, direction: direction === 'forwards' ? FORWARDS : BACKWARDS })) {
        const record = toRecord(resolved);
        if (record) records.push(record);
      }
      return records;
    },
    subscribeToAll(from, bufferSize) {
      const subscription = client.subscribeToAll(
        // No checkpointReached: its positions can run ahead of the next event (KurrentDB #4970).
        { fromPosition: from === 'start' ? START : from, filter: eventTypeFilter({ regex: '^[^$]' }) },
        { highWaterMark: bufferSize },
      );
      // Iteration sees errors through its own listener; this one keeps a late error after
      // unsubscribe from becoming an uncaught 'error' event that would kill the process.
      subscription.on('error', () => {});
      return {
        async *[Symbol.asyncIterator]() {
          for await (const resolved of subscription) {
            const record = toRecord(resolved);
            if (record) yield record;
          }
        },
        async unsubscribe() {
          // Rejects only when the call was never established: then there is nothing to cancel.
          await subscription.unsubscribe().catch(() => {});
          subscription.destroy();
        },
      };
    },
    isTransient,
    dispose: () => client.dispose(),
  };
}

export function toAppendExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return expected;
  }
}

/**
 * The client's concurrency error becomes the port's, and so does the server's refusal of an
 * append over its MaxAppendSize (configured below our MAX_APPEND_BYTES); anything else passes through.
 */
export function toPortError(error: unknown, streamId: string, expected: ExpectedRevision, events: readonly NewEvent[] = []): unknown {
  if (error instanceof ClientWrongExpectedVersionError) {
    return new WrongExpectedVersionError(streamId, expected, error.actualVersion);
  }
  if (error instanceof MaxAppendSizeExceededError) {
    return new AppendTooLargeError(streamId, appendSizeOf(events), error.maxAppendSize);
  }
  return error;
}

const TRANSIENT = new Set<ErrorType>([ErrorType.UNAVAILABLE, ErrorType.DEADLINE_EXCEEDED, ErrorType.TIMEOUT, ErrorType.CANCELLED, ErrorType.NOT_LEADER]);

/**
 * gRPC status codes a retry may cure (a dropped connection, a restart, an overloaded server),
 * for the client's UnknownError, which keeps the call's status code. INVALID_ARGUMENT (3),
 * NOT_FOUND (5), PERMISSION_DENIED (7), FAILED_PRECONDITION (9), OUT_OF_RANGE (11) or
 * UNIMPLEMENTED (12) fail the same way every time.
 */
const TRANSIENT_GRPC_CODES = new Set([
  1, // CANCELLED
  2, // UNKNOWN: a reset stream (grpc-node reports some as UNKNOWN)
  4, // DEADLINE_EXCEEDED
  8, // RESOURCE_EXHAUSTED
  10, // ABORTED
  13, // INTERNAL: RST_STREAM and protocol errors on a dying connection
  14, // UNAVAILABLE
]);

/** Only gRPC failures a retry may cure; our own bugs, access errors and refusals must surface. */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof Error) || !isCommandError(error)) return false;
  if (error.type === ErrorType.UNKNOWN) return TRANSIENT_GRPC_CODES.has((error as { code?: unknown }).code as number);
  return TRANSIENT.has(error.type);
}

function toRecord(resolved: ResolvedEvent | AllStreamResolvedEvent): EsdbRecord | undefined {
  const event = resolved.event;
  if (!event) return undefined;
  return {
    streamId: event.streamId,
    type: event.type,
    revision: event.revision,
    data: event.data,
    metadata: event.metadata,
    created: event.created,
    position: event.position,
  };
}
