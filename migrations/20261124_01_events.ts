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
  // One round trip per append: check the expectation, insert, notify at commit.
  await knex.raw(`
    CREATE FUNCTION append_events(
      p_stream_id text, p_expected text, p_types text[], p_data jsonb[], p_metadata jsonb[]
    ) RETURNS TABLE (next_revision bigint, transaction_id text, last_position bigint)
    LANGUAGE plpgsql AS $$
    DECLARE
      v_current bigint;
    BEGIN
      SELECT max(e.stream_revision) INTO v_current FROM events e WHERE e.stream_id = p_stream_id;
      IF (p_expected = 'no_stream' AND v_current IS NOT NULL)
         OR (p_expected = 'stream_exists' AND v_current IS NULL)
         OR (p_expected NOT IN ('any', 'no_stream', 'stream_exists')
             AND v_current IS DISTINCT FROM p_expected::bigint) THEN
        RAISE EXCEPTION 'wrong expected version' USING ERRCODE = 'RM409', DETAIL = coalesce(v_current::text, 'no_stream');
      END IF;
      RETURN QUERY
        WITH inserted AS (
          INSERT INTO events (stream_id, stream_revision, type, data, metadata)
          SELECT p_stream_id, coalesce(v_current, -1) + n.ord, n.type, n.data, n.metadata
          FROM unnest(p_types, p_data, p_metadata) WITH ORDINALITY AS n(type, data, metadata, ord)
          RETURNING events.stream_revision, events.global_position)
        SELECT max(i.stream_revision), pg_current_xact_id()::text, max(i.global_position) FROM inserted i;
      PERFORM pg_notify('resumate_events', '');
    END $$;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP FUNCTION IF EXISTS append_events(text, text, text[], jsonb[], jsonb[]); DROP TABLE IF EXISTS events;');
}
