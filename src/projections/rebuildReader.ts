import pg from 'pg';
import type { EventMetadata, EventStore, Position, RecordedEvent } from '../eventstore/port.js';
import { decodePosition, encodePosition } from '../eventstore/postgres/positions.js';

/** How a rebuild reads the whole log, batch by batch, in global order. */
export interface LogReader {
  read(from: Position, limit: number): Promise<RecordedEvent[]>;
  close(): Promise<void>;
}

/**
 * The PostgreSQL store's readAll query (same horizon and order), its columns left as text, and
 * only those read models use: revision, metadata and creation time would only be printed, sent
 * and decoded for nothing.
 */
const READ_SQL = `SELECT e.transaction_id::text, e.global_position::text, e.type, e.data::text, e.stream_id
  FROM events e
  WHERE (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint)
    AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
  ORDER BY e.transaction_id, e.global_position
  LIMIT $3`;

const asText = { getTypeParser: () => (value: string) => value };

type Columns = [transactionId: string, globalPosition: string, type: string, data: string, streamId: string];

const unread = (part: string) => new Error(`a rebuild does not read an event's ${part}: read models derive their rows from type, data, position and stream`);

/**
 * An event as a rebuild reads it. A read model is a function of its events' type, data and
 * position (see Projection), so the other parts are not read at all; asking for one throws,
 * which the rebuild tests (rebuild = live projector) would show at once.
 */
class RebuildEvent {
  readonly type: string;
  readonly data: unknown;
  readonly position: Position;
  readonly streamId: string;
  constructor(row: Columns) {
    this.type = row[2];
    this.data = JSON.parse(row[3]);
    this.position = encodePosition(row[0], row[1]);
    this.streamId = row[4];
  }
  get revision(): bigint {
    throw unread('revision');
  }
  get metadata(): EventMetadata {
    throw unread('metadata');
  }
  get createdAt(): Date {
    throw unread('creation time');
  }
}

/**
 * With the PostgreSQL store (its `events` table lives in the read models' database), the log
 * is read on a connection of its own, as arrays of text: a rebuild spends much of its time
 * reading, and most of what readAll builds per event is never looked at. Any other store is
 * read through the port.
 */
export async function openLogReader(store: EventStore, connectionString: string): Promise<LogReader> {
  if (store.name !== 'postgres') {
    return { read: (fromPosition, limit) => store.readAll({ fromPosition, limit }), close: async () => undefined };
  }
  const client = new pg.Client({ connectionString, types: asText });
  client.on('error', () => undefined);
  await client.connect();
  return {
    async read(from, limit) {
      const { transactionId, globalPosition } = decodePosition(from);
      const { rows } = await client.query<Columns>({ text: READ_SQL, values: [transactionId, globalPosition, limit], rowMode: 'array' });
      return rows.map((row) => new RebuildEvent(row) as unknown as RecordedEvent);
    },
    close: () => client.end(),
  };
}
