import type { ExpectedRevision } from '../port.js';

/**
 * One statement per append, prepared once per connection. Revisions in a stream are
 * contiguous, so "revision n exists and n+1 is free" is exactly "the stream is at n":
 * the EXISTS guard plus the unique (stream_id, stream_revision) key enforce every
 * expectation without a lock and without a read-then-write round trip.
 */
const NEW_EVENTS = `unnest($2::text[], $3::jsonb[], $4::jsonb[]) WITH ORDINALITY AS n(type, data, metadata, ord)`;
const RETURNING = `RETURNING stream_revision::text AS revision, transaction_id::text AS transaction_id, global_position::text AS global_position`;

const NO_STREAM = `INSERT INTO events (stream_id, stream_revision, type, data, metadata)
  SELECT $1, n.ord - 1, n.type, n.data, n.metadata FROM ${NEW_EVENTS}
  ${RETURNING}`;

const AT_REVISION = `INSERT INTO events (stream_id, stream_revision, type, data, metadata)
  SELECT $1, $5::bigint + n.ord, n.type, n.data, n.metadata FROM ${NEW_EVENTS}
  WHERE EXISTS (SELECT 1 FROM events e WHERE e.stream_id = $1 AND e.stream_revision = $5::bigint)
  ${RETURNING}`;

/** 'any' and 'stream_exists' append after whatever is there; a racing writer makes the key collide and we retry. */
const AFTER_CURRENT = (requireStream: boolean) => `WITH current AS (
    SELECT max(e.stream_revision) AS revision FROM events e WHERE e.stream_id = $1)
  INSERT INTO events (stream_id, stream_revision, type, data, metadata)
  SELECT $1, coalesce(current.revision, -1) + n.ord, n.type, n.data, n.metadata FROM current, ${NEW_EVENTS}
  ${requireStream ? 'WHERE current.revision IS NOT NULL' : ''}
  ${RETURNING}`;

export interface AppendStatement {
  name: string;
  text: string;
  values: unknown[];
}

export function appendStatement(streamId: string, expected: ExpectedRevision, types: string[], data: string[], metadata: string[]): AppendStatement {
  const values: unknown[] = [streamId, types, data, metadata];
  if (typeof expected === 'bigint') return { name: 'es_append_at_revision', text: AT_REVISION, values: [...values, expected.toString()] };
  switch (expected) {
    case 'no_stream':
      return { name: 'es_append_no_stream', text: NO_STREAM, values };
    case 'any':
      return { name: 'es_append_any', text: AFTER_CURRENT(false), values };
    case 'stream_exists':
      return { name: 'es_append_stream_exists', text: AFTER_CURRENT(true), values };
  }
}
