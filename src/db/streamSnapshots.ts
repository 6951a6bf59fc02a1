import type { Knex } from 'knex';

/** A stream's deciding state after one of its events. */
export interface StreamSnapshot {
  /** Revision of the last event folded into `state`. */
  revision: bigint;
  /** Global position of that event: a snapshot whose event is not at that position in the log is ignored. */
  position: string;
  /** Shape of `state` (the aggregate's SnapshotPolicy version). */
  version: number;
  state: unknown;
}

/** Where snapshots live: derived data, safe to lose. */
export interface SnapshotStore {
  read(streamId: string): Promise<StreamSnapshot | undefined>;
  /** Keeps the newer snapshot of a stream; one of another version is replaced. */
  write(streamId: string, snapshot: StreamSnapshot): Promise<void>;
}

interface SnapshotRow {
  revision: string;
  position: string;
  version: number;
  state: unknown;
}

/**
 * Snapshots in PostgreSQL's `stream_snapshots`, whichever store holds the events: it is
 * where the other derived data (read models, checkpoints) lives too.
 */
export function postgresSnapshots(db: Knex): SnapshotStore {
  return {
    async read(streamId) {
      const { rows } = await db.raw<{ rows: SnapshotRow[] }>(
        'SELECT revision::text AS revision, position, version, state FROM stream_snapshots WHERE stream_id = ?',
        [streamId],
      );
      const row = rows[0];
      return row && { revision: BigInt(row.revision), position: row.position, version: row.version, state: row.state };
    },
    async write(streamId, { revision, position, version, state }) {
      await db.raw(
        `INSERT INTO stream_snapshots (stream_id, revision, position, version, state) VALUES (?, ?, ?, ?, ?::jsonb)
         ON CONFLICT (stream_id) DO UPDATE
           SET revision = excluded.revision, position = excluded.position, version = excluded.version, state = excluded.state, taken_at = now()
           WHERE stream_snapshots.revision < excluded.revision OR stream_snapshots.version <> excluded.version`,
        [streamId, String(revision), position, version, JSON.stringify(state)],
      );
    },
  };
}
