import type { Knex } from 'knex';
import pg from 'pg';
import { AI_MODELS_LIST, EXAMPLE_JOB_APPLICATIONS_LIST, type CachedLists } from '../cache/cachedList.js';
import { START, type EventStore, type Position, type RecordedEvent } from '../eventstore/port.js';
import { announceCheckpoint, ensureCheckpoints } from './checkpoints.js';
import type { Projection } from './projection.js';
import { BatchWriter } from './writer/batchWriter.js';
import { createShadowTable, dropLeftovers, finishLoadStatements, indexesNeededFor, rebuildTableOf, swapIn, type ShadowTable } from './rebuildTables.js';

export interface RebuildDeps {
  db: Knex;
  store: EventStore;
  connectionString: string;
  /** Cached lists built from a swapped read model are dropped after the swap. */
  lists?: CachedLists;
}

export interface RebuildProgress {
  done: number;
  /** Events in the log when the rebuild started (grows if the log outgrows it). */
  total: number;
}

export interface RebuildOptions {
  projections: readonly Projection[];
  /** Every read model: leftovers of any of them from a dead run are dropped. Defaults to `projections`. */
  known?: readonly Projection[];
  /** Events read and applied per round trip. */
  batchSize?: number;
  /** Pause after each batch: lets a test interrupt a rebuild midway. */
  batchDelayMs?: number;
  onProgress?(progress: RebuildProgress): void;
}

export interface RebuildResult {
  models: string[];
  events: number;
  position: Position;
  seconds: number;
  eventsPerSecond: number;
}

export class RebuildInProgress extends Error {
  constructor() {
    super('Another projections rebuild is running (it holds the resumate:rebuild lock); wait for it to finish.');
  }
}

const REBUILD_LOCK = 'resumate:rebuild';
/**
 * Events read and applied per round trip. Larger batches merge more of a row's changes in
 * memory (a row created and patched in one batch is one insert) and send fewer statements:
 * at 1,000,000 sealed events, 2,000 took PostgreSQL 17 % less CPU than 1,000 (31 s against
 * 37.5 s) for 15 MB more peak RSS (273 MB); 4,000 saved 20 % for 283 MB, too near the 300 MB
 * bound for what it adds.
 */
const DEFAULT_BATCH_SIZE = 2000;
/** PostgreSQL's deadlock_detected and lock_not_available: the swap is retried from the top. */
const RETRIABLE = new Set(['40P01', '55P03']);
const SWAP_ATTEMPTS = 5;
const CACHED_LISTS: Readonly<Record<string, readonly string[]>> = {
  job_applications: [EXAMPLE_JOB_APPLICATIONS_LIST],
  ai_models: [AI_MODELS_LIST],
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Rebuilds read models from the whole log into fresh tables while the live ones keep serving,
 * then swaps each model in one transaction with its checkpoint. One rebuild at a time.
 */
export async function rebuildProjections(deps: RebuildDeps, options: RebuildOptions): Promise<RebuildResult> {
  const lock = await takeRebuildLock(deps.connectionString);
  const started = performance.now();
  const { db } = deps;
  const allTables = (options.known ?? options.projections).flatMap((p) => p.tables);
  try {
    await ensureCheckpoints(db, options.projections.map((p) => p.name));
    // Taken before the load: the tables are built from this log, and their checkpoints name it.
    const logId = await deps.store.logId();
    await dropLeftovers(db, allTables);
    const shadows = new Map<string, ShadowTable[]>();
    for (const p of options.projections) {
      const tables: ShadowTable[] = [];
      for (const table of p.tables) tables.push(await createShadowTable(db, table));
      shadows.set(p.name, tables);
    }
    const { position, events } = await load(deps, options, shadows);
    let last = position;
    for (const p of options.projections) {
      const swapped = await swap(deps, p, shadows.get(p.name)!, { loaded: position, logId }, options.batchSize ?? DEFAULT_BATCH_SIZE);
      if (swapped > last) last = swapped;
    }
    const seconds = (performance.now() - started) / 1000;
    return { models: options.projections.map((p) => p.name), events, position: last, seconds, eventsPerSecond: events / seconds };
  } catch (err) {
    await dropLeftovers(db, allTables).catch(() => undefined);
    throw err;
  } finally {
    await lock.end().catch(() => undefined);
  }
}

/** A session lock: it goes away with the connection, so a killed rebuild never blocks the next. */
async function takeRebuildLock(connectionString: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString });
  client.on('error', () => undefined);
  await client.connect();
  const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [REBUILD_LOCK]);
  if (rows[0]?.locked) return client;
  await client.end();
  throw new RebuildInProgress();
}

interface Writer {
  projection: Projection;
  handles: ReadonlySet<string>;
  client: pg.Client;
  writer: BatchWriter;
}

/**
 * Reads the log from the start in large batches until a read comes back short (caught up),
 * each model writing through its own connection: models load side by side, and the next
 * batch is read and recorded while PostgreSQL runs the previous one.
 */
async function load(deps: RebuildDeps, options: RebuildOptions, shadows: ReadonlyMap<string, ShadowTable[]>): Promise<{ position: Position; events: number }> {
  const { store, connectionString } = deps;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  let total = await store.countAfter(START);
  const writers: Writer[] = [];
  try {
    for (const projection of options.projections) {
      const client = new pg.Client({ connectionString, pipeline: true });
      client.on('error', () => undefined);
      const tables = shadows.get(projection.name) ?? [];
      const lookups = (table: string, column: string) => tables.filter((t) => t.rebuild === table).flatMap((t) => indexesNeededFor(t, column));
      writers.push({ projection, handles: new Set(projection.handles), client, writer: new BatchWriter(client, { tableName: rebuildTableOf, lookingUpBy: lookups }) });
      await client.connect();
      // Losing the last batches in a crash costs nothing: an interrupted rebuild starts over.
      await client.query('SET synchronous_commit = off');
    }
    let position = START;
    let done = 0;
    const read = (from: Position) => {
      const next = store.readLog({ fromPosition: from, limit: batchSize });
      next.catch(() => undefined); // surfaced when awaited
      return next;
    };
    for (let next = read(position); ; ) {
      const events = await next;
      if (events.length === 0) break;
      position = events[events.length - 1]!.position;
      const caughtUp = events.length < batchSize;
      if (!caughtUp) next = read(position);
      for (const w of writers) {
        const relevant = events.filter((e) => w.handles.has(e.type));
        if (relevant.length > 0) w.writer.apply(w.projection, relevant);
      }
      await Promise.all(writers.map((w) => w.writer.send()));
      done += events.length;
      total = Math.max(total, done);
      options.onProgress?.({ done, total });
      if (options.batchDelayMs) await sleep(options.batchDelayMs);
      if (caughtUp) break;
    }
    await Promise.all(writers.map((w) => w.writer.drain()));
    await Promise.all(writers.map(async (w) => {
      for (const shadow of shadows.get(w.projection.name) ?? []) {
        for (const sql of finishLoadStatements(shadow)) await w.client.query(sql);
      }
    }));
    return { position, events: done };
  } finally {
    for (const w of writers) await w.client.end().catch(() => undefined);
  }
}

/**
 * One transaction: lock the live tables (a runner mid-batch finishes first; a later one waits
 * and then fails its checkpoint compare-and-set, so it re-reads from the new checkpoint), then
 * the checkpoint row, apply what the log gained since the load, swap, and move the checkpoint
 * (now of log `logId`, and no longer refused). Tables before the checkpoint row: the order a
 * runner's batch takes them, so no deadlock.
 */
async function swap(
  deps: RebuildDeps,
  projection: Projection,
  shadows: readonly ShadowTable[],
  { loaded, logId }: { loaded: Position; logId: string },
  batchSize: number,
): Promise<Position> {
  const { db, store } = deps;
  const handles = new Set(projection.handles);
  const apply = async (client: pg.Client): Promise<Position> => {
    await client.query(`SET LOCAL lock_timeout = '10s'`);
    await client.query(`LOCK TABLE ${shadows.map((s) => client.escapeIdentifier(s.live)).join(', ')} IN ACCESS EXCLUSIVE MODE`);
    const live = await client.query<{ position: Position; log_id: string | null; refused: string | null }>(
      'SELECT position, log_id, refused FROM projection_checkpoints WHERE name = $1 FOR UPDATE',
      [projection.name],
    );
    let position = loaded;
    const writer = new BatchWriter(client, { tableName: rebuildTableOf });
    for (;;) {
      const tail: RecordedEvent[] = await store.readAll({ fromPosition: position, limit: batchSize });
      if (tail.length === 0) break;
      writer.apply(projection, tail.filter((e) => handles.has(e.type)));
      await writer.drain();
      position = tail[tail.length - 1]!.position;
    }
    const current = live.rows[0];
    // A refused checkpoint, or one of another log, says nothing about how far this log was applied.
    const sameLog = current !== undefined && current.refused === null && (current.log_id === null || current.log_id === logId);
    if (sameLog && position < current.position) throw new Error(`rebuild of ${projection.name} ended behind its live checkpoint`);
    for (const shadow of shadows) await swapIn(client, shadow);
    await client.query('UPDATE projection_checkpoints SET position = $1, log_id = $2, refused = NULL, updated_at = now() WHERE name = $3', [position, logId, projection.name]);
    return position;
  };
  for (let attempt = 1; ; attempt++) {
    try {
      const position = await inTransaction(deps.connectionString, apply);
      await announceCheckpoint(db, projection.name, position, true).catch(() => undefined); // others also poll the table
      const keys = CACHED_LISTS[projection.name];
      if (keys) await deps.lists?.invalidate(keys);
      return position;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (attempt >= SWAP_ATTEMPTS || typeof code !== 'string' || !RETRIABLE.has(code)) throw err;
    }
  }
}

/** Runs `work` in a transaction on a connection of its own. */
async function inTransaction<T>(connectionString: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end().catch(() => undefined);
  }
}
