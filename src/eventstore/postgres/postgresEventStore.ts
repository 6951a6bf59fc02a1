import { randomUUID } from 'node:crypto';
import pg from 'pg';
import {
  START,
  WrongExpectedVersionError,
  type AppendResult,
  type DomainEvent,
  type EventMetadata,
  type EventStore,
  type ExpectedRevision,
  type LogEvent,
  type NewEvent,
  type Position,
  type ReadAllOptions,
  type ReadLogOptions,
  type RecordedEvent,
  type SubscribeOptions,
} from '../port.js';
import { ChannelNotifier, type Logger } from '../../db/channelNotifier.js';
import { CoalescedNotify } from '../../db/coalescedNotify.js';
import { appendStatement } from './appendStatements.js';
import { decodePosition, encodePosition } from './positions.js';

export const EVENTS_CHANNEL = 'resumate_events';
const UNIQUE_VIOLATION = '23505';
const HELD_BACK_RELEASED = '$held-back-released';
/** NOTIFY payloads stay far below PostgreSQL's 8000-byte limit; beyond it, name no topics. */
const MAX_TOPICS_PAYLOAD = 4000;
const payloadOfTopics = (types: readonly string[] | null): string => {
  const payload = types ? types.join(',') : '';
  return payload.length <= MAX_TOPICS_PAYLOAD ? payload : '';
};
const topicsOfPayload = (payload: string): readonly string[] | undefined => (payload ? payload.split(',') : undefined);

/** Events held back by an open transaction are polled for at least this often. */
const HELD_BACK_MAX_BACKOFF_MS = 50;
/** 'any' and 'stream_exists' race only with each other; a few re-tries always settle them. */
const MAX_UNCONDITIONAL_RETRIES = 10;

export interface PostgresEventStoreOptions {
  connectionString: string;
  poolSize?: number;
  /** Slow poll used only when no notification arrives (e.g. the LISTEN connection is down). */
  pollIntervalMs?: number;
  logger?: Logger;
}

interface EventRow {
  transaction_id: string;
  global_position: string;
  stream_id: string;
  stream_revision: string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
  created_at: Date;
}

// Aliases shadow the columns in ORDER BY, so every ORDER BY below names `e.` explicitly.
const SELECT_COLUMNS = `e.transaction_id::text AS transaction_id, e.global_position::text AS global_position,
  e.stream_id, e.stream_revision::text AS stream_revision, e.type, e.data, e.metadata, e.created_at`;

/**
 * Only rows whose transaction is older than every transaction still in flight are read:
 * a row that becomes visible later always has a larger transaction id than anything
 * already delivered, so a catching-up reader can never skip it.
 */
const READ_ALL_SQL = `SELECT ${SELECT_COLUMNS} FROM events e
  WHERE (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint)
    AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
  ORDER BY e.transaction_id, e.global_position
  LIMIT $3`;

/**
 * READ_ALL_SQL's horizon and order with only what read models use, every column as text: a
 * rebuild spends much of its time reading, and most of what readAll decodes per event
 * (revision, metadata, creation time) it would never look at. Of the metadata, only the
 * schema version when asked for, and NULL when it is 1, so an event at version 1 costs no object.
 */
const readLogSql = (schemaVersions: boolean) => `SELECT e.transaction_id::text, e.global_position::text, e.type, e.data::text, e.stream_id${
  schemaVersions ? `, NULLIF(e.metadata->>'schemaVersion', '1')` : ''}
  FROM events e
  WHERE (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint)
    AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
  ORDER BY e.transaction_id, e.global_position
  LIMIT $3`;
const READ_LOG_SQL = readLogSql(false);
const READ_LOG_WITH_VERSIONS_SQL = readLogSql(true);
const asText = { getTypeParser: () => (value: string) => value };
type LogColumns = [transactionId: string, globalPosition: string, type: string, data: string, streamId: string, schemaVersion?: string | null];

/**
 * What a subscriber reads in one round trip: READ_ALL_SQL's rows, each also saying whether
 * committed events are held back behind an open transaction (worth polling again soon).
 * With nothing readable, one row of NULL columns carries that answer alone. Both parts use
 * the same snapshot, so "held back" means exactly: after `from`, at or beyond the horizon.
 */
const SUBSCRIBE_READ_SQL = `WITH horizon AS MATERIALIZED (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin),
  visible AS (
    SELECT e.transaction_id AS tx, e.global_position AS gp, ${SELECT_COLUMNS} FROM events e CROSS JOIN horizon h
    WHERE (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint) AND e.transaction_id < h.xmin
    ORDER BY e.transaction_id, e.global_position
    LIMIT $3)
  SELECT v.transaction_id, v.global_position, v.stream_id, v.stream_revision, v.type, v.data, v.metadata, v.created_at, hb.held_back
  FROM (SELECT EXISTS (SELECT 1 FROM events e CROSS JOIN horizon h
          WHERE (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint) AND e.transaction_id >= h.xmin) AS held_back) hb
  LEFT JOIN visible v ON true
  ORDER BY v.tx, v.gp`;

const HEAD_SQL = `SELECT e.transaction_id::text AS transaction_id, e.global_position::text AS global_position FROM events e
  WHERE e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
  ORDER BY e.transaction_id DESC, e.global_position DESC LIMIT 1`;

function toRecorded(row: EventRow): RecordedEvent {
  return {
    type: row.type,
    data: row.data,
    streamId: row.stream_id,
    revision: BigInt(row.stream_revision),
    position: encodePosition(row.transaction_id, row.global_position),
    metadata: row.metadata,
    createdAt: row.created_at,
  };
}

function toLogEvent([transactionId, globalPosition, type, data, streamId, schemaVersion]: LogColumns): LogEvent {
  const event: LogEvent = { type, data: JSON.parse(data) as unknown, position: encodePosition(transactionId, globalPosition), streamId };
  if (schemaVersion != null) event.metadata = { schemaVersion: Number(schemaVersion) };
  return event;
}

function isPgError(err: unknown): err is pg.DatabaseError {
  return err instanceof Error && typeof (err as pg.DatabaseError).code === 'string';
}

export class PostgresEventStore implements EventStore {
  readonly name = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly notifier: ChannelNotifier;
  private readonly pollIntervalMs: number;
  private readonly announce: CoalescedNotify;

  private constructor(options: PostgresEventStoreOptions) {
    this.pool = new pg.Pool({ connectionString: options.connectionString, max: options.poolSize ?? 10 });
    this.pool.on('error', (err) => options.logger?.warn({ err: err.message }, 'idle event store connection failed'));
    this.notifier = new ChannelNotifier(options.connectionString, EVENTS_CHANNEL, options.logger, topicsOfPayload);
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.announce = new CoalescedNotify(
      (types) => this.pool.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, payloadOfTopics(types)]),
      (err) => options.logger?.warn({ err: (err as Error).message }, 'NOTIFY after append failed; subscribers poll'),
    );
  }

  static async connect(options: PostgresEventStoreOptions): Promise<PostgresEventStore> {
    const store = new PostgresEventStore(options);
    await store.notifier.start();
    return store;
  }

  async append(
    streamId: string,
    events: readonly NewEvent[],
    { expectedRevision }: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    const statement = appendStatement(
      streamId,
      expectedRevision,
      events.map((e) => e.type),
      events.map((e) => JSON.stringify(e.data)),
      events.map((e) => JSON.stringify(e.metadata)),
    );
    for (let attempt = 0; ; attempt++) {
      try {
        const { rows } = await this.pool.query<{ revision: string; transaction_id: string; global_position: string }>(statement);
        const last = rows[rows.length - 1];
        if (!last) throw new WrongExpectedVersionError(streamId, expectedRevision, await this.currentRevision(streamId));
        const types = [...new Set(events.map((e) => e.type))];
        this.notifier.wake(types);
        this.announce.trigger(types);
        return {
          nextExpectedRevision: BigInt(last.revision),
          position: encodePosition(last.transaction_id, last.global_position),
        };
      } catch (err) {
        // Two writers that saw the same current revision: the loser hits the unique key.
        if (isPgError(err) && err.code === UNIQUE_VIOLATION && err.constraint === 'events_stream_revision_key') {
          const unconditional = expectedRevision === 'any' || expectedRevision === 'stream_exists';
          if (unconditional && attempt < MAX_UNCONDITIONAL_RETRIES) continue;
          throw new WrongExpectedVersionError(streamId, expectedRevision, await this.currentRevision(streamId));
        }
        throw err;
      }
    }
  }

  async readStream<E extends DomainEvent = DomainEvent>(
    streamId: string,
    options: { fromRevision?: bigint; maxCount?: number } = {},
  ): Promise<RecordedEvent<E>[]> {
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${SELECT_COLUMNS} FROM events e WHERE e.stream_id = $1 AND e.stream_revision >= $2 ORDER BY e.stream_revision LIMIT $3`,
      [streamId, String(options.fromRevision ?? 0n), options.maxCount ?? null], // LIMIT NULL: all
    );
    return rows.map(toRecorded) as RecordedEvent<E>[];
  }

  async readAll({ fromPosition = START, limit }: ReadAllOptions): Promise<RecordedEvent[]> {
    const from = decodePosition(fromPosition);
    const { rows } = await this.pool.query<EventRow>(READ_ALL_SQL, [from.transactionId, from.globalPosition, limit]);
    return rows.map(toRecorded);
  }

  async readLog({ fromPosition = START, limit, schemaVersions = false }: ReadLogOptions): Promise<LogEvent[]> {
    const from = decodePosition(fromPosition);
    const { rows } = await this.pool.query<LogColumns>({ text: schemaVersions ? READ_LOG_WITH_VERSIONS_SQL : READ_LOG_SQL, values: [from.transactionId, from.globalPosition, limit], rowMode: 'array', types: asText });
    return rows.map(toLogEvent);
  }

  async *subscribe({ fromPosition = START, signal, maxBatchSize = 500, wakeOn }: SubscribeOptions): AsyncIterable<RecordedEvent[]> {
    const topics = wakeOn ? new Set(wakeOn) : undefined;
    let position = fromPosition;
    let backoffMs = 5;
    while (!signal.aborted) {
      const seen = this.notifier.currentGeneration;
      const { batch, heldBack } = await this.readForSubscriber(position, maxBatchSize);
      if (batch.length > 0) {
        position = batch[batch.length - 1]!.position;
        backoffMs = 5;
        yield batch;
        if (batch.length === maxBatchSize) continue;
      }
      if (heldBack) {
        // An older transaction is still open; the events behind it become readable when it
        // ends, which sends no notification if it wrote no events. Poll, backing off.
        await this.notifier.wait(seen, backoffMs, signal);
        backoffMs = Math.min(backoffMs * 2, HELD_BACK_MAX_BACKOFF_MS);
      } else {
        await this.notifier.wait(seen, this.pollIntervalMs, signal, topics);
      }
    }
  }

  /**
   * Wakes this process's subscribers: a transaction that may have held events back (see
   * READ_ALL_SQL) just ended without appending, so it sent no notification of its own.
   */
  nudge(): void {
    // Only subscribers waiting on held-back events wait without topics; this topic is nobody's.
    this.notifier.wake([HELD_BACK_RELEASED]);
  }

  async logId(): Promise<string> {
    const read = async () => (await this.pool.query<{ log_id: string }>('SELECT log_id::text FROM event_log_identity')).rows[0]?.log_id;
    const existing = await read();
    if (existing) return existing;
    // A concurrent first caller's row wins; the read after it is a new statement, so it sees that row.
    await this.pool.query('INSERT INTO event_log_identity (log_id) VALUES ($1) ON CONFLICT DO NOTHING', [randomUUID()]);
    const created = await read();
    if (!created) throw new Error('event_log_identity holds no row after creating one');
    return created;
  }

  async headPosition(): Promise<Position> {
    const { rows } = await this.pool.query<{ transaction_id: string; global_position: string }>(HEAD_SQL);
    const row = rows[0];
    return row ? encodePosition(row.transaction_id, row.global_position) : START;
  }

  /** Events after `position` up to the readable head (for lag reporting). */
  async countAfter(position: Position): Promise<number> {
    const from = decodePosition(position);
    const { rows } = await this.pool.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM events WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)`,
      [from.transactionId, from.globalPosition],
    );
    return Number(rows[0]!.n);
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.notifier.close();
    await this.pool.end();
  }

  private async readForSubscriber(position: Position, limit: number): Promise<{ batch: RecordedEvent[]; heldBack: boolean }> {
    const from = decodePosition(position);
    const { rows } = await this.pool.query<EventRow & { held_back: boolean }>(SUBSCRIBE_READ_SQL, [from.transactionId, from.globalPosition, limit]);
    return { batch: rows.filter((row) => row.stream_id !== null).map(toRecorded), heldBack: rows[0]?.held_back ?? false };
  }


  private async currentRevision(streamId: string): Promise<bigint | 'no_stream'> {
    const { rows } = await this.pool.query<{ revision: string | null }>(
      'SELECT max(stream_revision)::text AS revision FROM events WHERE stream_id = $1',
      [streamId],
    );
    return parseActual(rows[0]?.revision ?? undefined);
  }
}

function parseActual(revision: string | null | undefined): bigint | 'no_stream' {
  return revision ? BigInt(revision) : 'no_stream';
}
