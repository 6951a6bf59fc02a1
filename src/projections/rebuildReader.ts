import pg from 'pg';
import type { EventMetadata, EventStore, Position, RecordedEvent } from '../eventstore/port.js';
import { decodePosition, encodePosition } from '../eventstore/postgres/positions.js';

/** How a rebuild reads the whole log, batch by batch, in global order. */
export interface LogReader {
  read(from: Position, limit: number): Promise<RecordedEvent[]>;
  close(): Promise<void>;
}

/** The PostgreSQL store's readAll query (same horizon and order), its columns left as text. */
const READ_SQL = `SELECT e.transaction_id::text, e.global_position::text, e.type, e.data::text, e.stream_id,
       e.stream_revision::text, e.metadata::text, e.created_at::text
  FROM events e
  WHERE (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint)
    AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
  ORDER BY e.transaction_id, e.global_position
  LIMIT $3`;

const asText = { getTypeParser: () => (value: string) => value };
const parseTimestamp = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ, 'text') as (value: string) => Date;

type Columns = [transactionId: string, globalPosition: string, type: string, data: string, streamId: string, revision: string, metadata: string, createdAt: string];

/** A read event whose parts no read model uses (revision, metadata, creation time) are parsed only if asked for. */
class LazyEvent {
  readonly type: string;
  readonly data: unknown;
  readonly position: Position;
  readonly streamId: string;
  constructor(private readonly row: Columns) {
    this.type = row[2];
    this.data = JSON.parse(row[3]);
    this.position = encodePosition(row[0], row[1]);
    this.streamId = row[4];
  }
  get revision(): bigint {
    return BigInt(this.row[5]);
  }
  get metadata(): EventMetadata {
    return JSON.parse(this.row[6]) as EventMetadata;
  }
  get createdAt(): Date {
    return parseTimestamp(this.row[7]);
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
      return rows.map((row) => new LazyEvent(row) as unknown as RecordedEvent);
    },
    close: () => client.end(),
  };
}
