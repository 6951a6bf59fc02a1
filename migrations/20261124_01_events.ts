import type { Knex } from 'knex';

/**
 * The event log. Ordering for readers comes from (transaction_id, global_position):
 * readers never pass pg_snapshot_xmin(pg_current_snapshot()), so an event whose
 * transaction commits after a higher-numbered one is never skipped (Emmett/Marten technique).
 * Concurrency per stream comes from the unique (stream_id, stream_revision) key.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE events (
      global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
      stream_id text NOT NULL,
      stream_revision bigint NOT NULL,
      type text NOT NULL,
      data jsonb NOT NULL,
      metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT events_stream_revision_key UNIQUE (stream_id, stream_revision)
    );
    CREATE INDEX events_transaction_order_idx ON events (transaction_id, global_position);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS events');
}
