import type { Knex } from 'knex';
import pg from 'pg';
import { type EventStore, type Position, type RecordedEvent } from '../eventstore/port.js';
import type { Logger } from '../db/channelNotifier.js';
import { BatchWriter } from './writer/batchWriter.js';
import type { Projection } from './projection.js';
import { CheckpointMoved, announceCheckpoint, announceRefusal, moveCheckpoint } from './checkpoints.js';
import { refusalMessage, verifyCheckpoint } from './checkpointLog.js';
import type { ProjectionProgress } from './progress.js';

export interface RunnerDeps {
  db: Knex;
  store: EventStore;
  connectionString: string;
  progress: ProjectionProgress;
  logger: Logger & { info(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
  maxBatchSize?: number;
  /** How often a standby instance tries to take over the read model. */
  standbyRetryMs?: number;
  /**
   * Runs after a batch committed (e.g. to drop cached lists the batch changed). Never inside
   * the transaction: a read model must not depend on anything outside PostgreSQL.
   */
  afterCommit?: (projection: string, events: readonly RecordedEvent[]) => Promise<void>;
}

/** Raised by move_projection_checkpoint() (migrations/20261130_01_move_checkpoint.ts) when it moved nothing. */
const CHECKPOINT_MOVED_SQLSTATE = 'RSCAS';

/** How often a read model stores its checkpoint while the log brings it nothing to apply. */
const IDLE_CHECKPOINT_INTERVAL_MS = 1000;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });

/** Whether `promise` settles within `ms` (it is left running either way). */
const settlesWithin = (promise: Promise<unknown>, ms: number) =>
  new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    const settled = () => {
      clearTimeout(timer);
      resolve(true);
    };
    promise.then(settled, settled);
  });

/**
 * Keeps one read model up to date. Exactly one runner per read model is active across
 * all processes: it holds a session advisory lock; the others stand by and take over when
 * its connection dies. Each batch and its checkpoint commit in one transaction.
 */
export class ProjectionRunner {
  private readonly controller = new AbortController();
  private loop: Promise<void> | undefined;
  private readonly handles: ReadonlySet<string>;
  /** Why this runner last refused its checkpoint, so the log says it once, not on every re-check. */
  private refusal: string | undefined;
  leading = false;

  constructor(
    readonly projection: Projection,
    private readonly deps: RunnerDeps,
  ) {
    this.handles = new Set(projection.handles);
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.controller.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    const signal = this.controller.signal;
    let failures = 0;
    while (!signal.aborted) {
      const lock = await this.tryLead().catch(() => undefined);
      if (!lock) {
        await sleep(this.deps.standbyRetryMs ?? 2000, signal);
        continue;
      }
      const leadership = new AbortController();
      const abortLeadership = () => leadership.abort();
      signal.addEventListener('abort', abortLeadership, { once: true });
      if (signal.aborted) abortLeadership(); // stopped while we were taking the lock
      lock.on('error', abortLeadership);
      lock.on('end', abortLeadership);
      this.leading = true;
      try {
        await this.follow(lock, leadership.signal);
        failures = 0;
      } catch (err) {
        if (err instanceof CheckpointMoved) {
          // A rebuild swapped the read model in under this batch: nothing is wrong, go on from its checkpoint.
          this.deps.logger.info({ projection: this.projection.name }, 'checkpoint moved by a rebuild; continuing from the new checkpoint');
          continue;
        }
        failures++;
        this.deps.logger.error({ err, projection: this.projection.name }, 'projection batch failed; retrying from its checkpoint');
        await sleep(Math.min(100 * 2 ** failures, 5000), signal);
      } finally {
        this.leading = false;
        signal.removeEventListener('abort', abortLeadership);
        await lock.end().catch(() => undefined);
      }
    }
  }

  private async tryLead(): Promise<pg.Client | undefined> {
    // Pipelined: a batch's statements go out together, without waiting for each answer.
    const client = new pg.Client({ connectionString: this.deps.connectionString, pipeline: true });
    client.on('error', () => undefined);
    await client.connect();
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [
      `resumate:projection:${this.projection.name}`,
    ]);
    if (rows[0]?.locked) {
      // A read model is derived data: if a crash loses a batch's commit, it loses the checkpoint
      // move with it, and the batch is applied again from the durable log. So the leader's
      // commits need not wait for their WAL flush (set once for its session: no extra round trip).
      await client.query('SET synchronous_commit = off');
      return client;
    }
    await client.end();
    return undefined;
  }

  private async follow(connection: pg.Client, signal: AbortSignal): Promise<void> {
    /** What the table says; the compare-and-set moves it from here. */
    const persisted = await this.checkpointToFollow(signal);
    if (persisted === undefined) return;
    this.deps.progress.resume(this.projection.name, persisted);
    // Its own signal, so the read-ahead stops even when a batch fails and we leave early.
    const reading = new AbortController();
    const stopReading = () => reading.abort();
    signal.addEventListener('abort', stopReading, { once: true });
    if (signal.aborted) stopReading(); // stopped while the checkpoint was being read
    try {
      await this.project(new BatchWriter(connection), connection, persisted, reading.signal);
    } finally {
      stopReading();
      signal.removeEventListener('abort', stopReading);
    }
  }

  /**
   * The checkpoint, once it belongs to this log and is not beyond its head. While it is refused
   * the runner keeps the lead and applies nothing, looking again now and then (only a rebuild
   * lifts a refusal); undefined when it stops meanwhile.
   */
  private async checkpointToFollow(signal: AbortSignal): Promise<Position | undefined> {
    const { db, store } = this.deps;
    for (;;) {
      const verdict = await verifyCheckpoint(db, store, this.projection.name);
      if (verdict.kind === 'follow') {
        this.refusal = undefined;
        return verdict.position;
      }
      await this.refuse(verdict.reason, verdict.fresh);
      await sleep(this.deps.standbyRetryMs ?? 2000, signal);
      if (signal.aborted) return undefined;
    }
  }

  private async refuse(reason: string, fresh: boolean): Promise<void> {
    const { db, progress, logger } = this.deps;
    const name = this.projection.name;
    progress.refuse(name, reason);
    if (fresh) await announceRefusal(db, name).catch((err: unknown) => logger.warn({ err, projection: name }, 'refusal NOTIFY failed; other processes see it on their next poll'));
    if (this.refusal === reason) return;
    this.refusal = reason;
    logger.error({ projection: name, refused: reason }, refusalMessage(name, reason));
  }

  private async project(writer: BatchWriter, connection: pg.Client, from: Position, signal: AbortSignal): Promise<void> {
    const { store } = this.deps;
    const subscription = store.subscribe({
      fromPosition: from,
      signal,
      maxBatchSize: this.deps.maxBatchSize,
      wakeOn: this.projection.handles,
      readsDataOf: this.projection.handles,
    });
    const batches = subscription[Symbol.asyncIterator]();
    const readAhead = () => {
      const next = batches.next();
      next.catch(() => undefined); // surfaced by the await below, or moot once we stop
      return next;
    };
    try {
      await this.applyBatches(batches, readAhead, writer, connection, from);
    } finally {
      // Ends the subscription whatever stopped us (a failed batch included), once the read
      // ahead settles: the caller's abort ends that read. Not awaited: a read may still wait for it.
      void batches.return?.(undefined)?.catch(() => undefined);
    }
  }

  private async applyBatches(
    batches: AsyncIterator<RecordedEvent[]>,
    readAhead: () => Promise<IteratorResult<RecordedEvent[]>>,
    writer: BatchWriter,
    connection: pg.Client,
    from: Position,
  ): Promise<void> {
    const { db, store, progress } = this.deps;
    const name = this.projection.name;
    let persisted = from;
    let reached = from;
    let persistedAt = Date.now();
    // The next batch is read while this one is written: reading and writing overlap.
    for (let next = readAhead(); ; ) {
      const result = await next;
      if (result.done) {
        await this.flushCheckpoint(persisted, reached);
        return;
      }
      const batch = result.value;
      next = readAhead();
      const to = batch[batch.length - 1]!.position;
      reached = to;
      const relevant = batch.filter((event) => this.handles.has(event.type));
      if (relevant.length === 0) {
        // Nothing to write: move on in memory, and store the checkpoint now and then so a
        // restart does not re-read much, and as soon as the log goes quiet: other processes
        // (an API beside a separate projector worker) learn this read model's progress only
        // from the stored checkpoint, and their /readyz waits for it.
        progress.report(name, to);
        const untilDue = IDLE_CHECKPOINT_INTERVAL_MS - (Date.now() - persistedAt);
        if (untilDue > 0 && (await settlesWithin(next, untilDue))) continue;
      }
      const previous = persisted;
      await this.writeBatch(writer, connection, relevant, previous, to);
      persisted = to;
      persistedAt = Date.now();
      store.nudge?.();
      if (relevant.length > 0) {
        await this.deps.afterCommit?.(name, relevant).catch((err: unknown) =>
          this.deps.logger.error({ err, projection: name }, 'after-commit hook failed'),
        );
      }
      const changed = relevant.length > 0;
      if (changed) progress.changed(name); // before the waiters are released: their next read is fresh
      progress.report(name, to);
      // Not awaited: the next batch need not wait for this round trip (waiters here were released
      // above; other processes ignore an announcement older than one they already have).
      void announceCheckpoint(db, name, to, changed).catch((err: unknown) =>
        this.deps.logger.warn({ err, projection: name }, 'checkpoint NOTIFY failed; other processes see it on their next poll'),
      );
    }
  }

  /**
   * A batch and its checkpoint move, as one transaction in one round trip on the leader's own
   * connection: the writes are recorded (see BatchWriter) and sent with BEGIN, the
   * checkpoint's compare-and-set and COMMIT, pipelined. If another projector moved the
   * checkpoint, the compare-and-set raises and nothing of the batch is kept.
   */
  private async writeBatch(writer: BatchWriter, connection: pg.Client, events: readonly RecordedEvent[], from: Position, to: Position): Promise<void> {
    writer.statement('BEGIN');
    writer.apply(this.projection, events);
    writer.statement('SELECT move_projection_checkpoint($1, $2, $3)', [this.projection.name, from, to]);
    writer.statement('COMMIT');
    try {
      await writer.drain();
    } catch (err) {
      await connection.query('ROLLBACK').catch(() => undefined);
      if (err instanceof Error && (err as { code?: unknown }).code === CHECKPOINT_MOVED_SQLSTATE) throw new CheckpointMoved(this.projection.name);
      throw err;
    }
  }

  /**
   * On the way out (stop, or leadership lost), stores how far the in-memory progress went past
   * the last stored checkpoint (events it had nothing to do for), so a restart need not re-read
   * them. Another leader may have moved the checkpoint meanwhile: then there is nothing to store.
   */
  private async flushCheckpoint(persisted: Position, reached: Position): Promise<void> {
    if (reached === persisted) return;
    const name = this.projection.name;
    await this.deps.db
      .transaction((trx) => moveCheckpoint(trx, name, persisted, reached))
      .catch((err: unknown) => this.deps.logger.warn({ err, projection: name }, 'final checkpoint not stored; it is re-read on restart'));
  }
}
