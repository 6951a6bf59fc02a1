import type { Knex } from 'knex';
import type { Position } from '../eventstore/port.js';
import { ServiceUnavailable } from '../domain/errors.js';
import { ChannelNotifier, type Logger } from '../db/channelNotifier.js';
import { CHANGED_MARK, CHECKPOINT_CHANNEL, REFUSED_MARK, readCheckpointRows } from './checkpoints.js';

export class ProjectionTimeout extends ServiceUnavailable {
  constructor(message = 'Your change was saved, but it is not visible yet: the read models are catching up. Retry the read in a moment.', retryAfterS: number | undefined = 1) {
    super(message, retryAfterS);
  }
}

/**
 * A read model whose projector refused its checkpoint (another log's, or beyond the head) shows
 * nothing new until an administrator rebuilds it: waiting for it fails at once. A kind of
 * ProjectionTimeout, so callers that carry on when a read model lags carry on here too.
 */
export class ProjectionRefused extends ProjectionTimeout {
  constructor(readonly readModels: readonly string[]) {
    super(
      `Read models not following the event store: ${readModels.join(', ')}. ` +
        'A change is saved but not shown until an administrator rebuilds them (resumate admin projections rebuild).',
      undefined,
    );
  }
}

interface Waiter {
  names: readonly string[];
  position: Position;
  resolve(): void;
  reject(err: Error): void;
}

/**
 * Read-your-writes: knows how far every read model got, whichever process moved it.
 * Local projectors report directly; other processes' progress arrives by LISTEN/NOTIFY,
 * with a slow re-read of the table while someone waits, in case a notification was missed.
 */
export class ProjectionProgress {
  private readonly known = new Map<string, Position>();
  /** Read models whose projector refused their checkpoint, and why. */
  private readonly refusals = new Map<string, string>();
  private readonly waiters = new Set<Waiter>();
  private readonly changeListeners = new Map<string, Set<() => void>>();
  private readonly notifier: ChannelNotifier;
  private pollTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Knex,
    connectionString: string,
    logger?: Logger,
    private readonly pollIntervalMs = 250,
  ) {
    this.notifier = new ChannelNotifier(connectionString, CHECKPOINT_CHANNEL, logger);
    this.notifier.onPayload((payload) => {
      if (payload.startsWith(REFUSED_MARK)) return void this.refresh().catch(() => undefined);
      const changed = payload.startsWith(CHANGED_MARK);
      const announcement = changed ? payload.slice(CHANGED_MARK.length) : payload;
      const split = announcement.lastIndexOf('|');
      if (split <= 0) return;
      const name = announcement.slice(0, split);
      // Only a rebuild moves a refused read model: the table says whether it lifted the refusal.
      if (this.refusals.has(name)) return void this.refresh().catch(() => undefined);
      if (changed) this.changed(name);
      this.report(name, announcement.slice(split + 1));
    });
  }

  async start(): Promise<void> {
    await this.notifier.start();
    await this.refresh();
  }

  async stop(): Promise<void> {
    clearInterval(this.pollTimer);
    this.pollTimer = undefined;
    await this.notifier.close();
  }

  checkpointOf(name: string): Position | undefined {
    return this.known.get(name);
  }

  report(name: string, position: Position): void {
    const current = this.known.get(name);
    if (current !== undefined && current >= position) return;
    this.known.set(name, position);
    for (const waiter of [...this.waiters]) if (this.reached(waiter.names, waiter.position)) waiter.resolve();
  }

  /** Read model `name` applies nothing until rebuilt: waits for it fail now and from now on. */
  refuse(name: string, reason: string): void {
    this.refusals.set(name, reason);
    for (const waiter of [...this.waiters]) if (waiter.names.includes(name)) waiter.reject(new ProjectionRefused(this.refusedOf(waiter.names)));
  }

  /** Read model `name` follows this log again from `position` (a rebuild replaced its refused checkpoint). */
  resume(name: string, position: Position): void {
    if (!this.refusals.delete(name)) return this.report(name, position);
    // The old position belonged to the refused checkpoint: it says nothing about this log.
    this.known.delete(name);
    this.report(name, position);
  }

  /** Read models refused by their projector, each with why. */
  refused(): ReadonlyMap<string, string> {
    return this.refusals;
  }

  /** Read model `name` applied a batch that changed its rows (here, or in another process). */
  changed(name: string): void {
    for (const listener of this.changeListeners.get(name) ?? []) listener();
  }

  /** Calls `listener` whenever read model `name` changes rows, in this process or any other. */
  onChange(name: string, listener: () => void): void {
    const listeners = this.changeListeners.get(name) ?? new Set();
    listeners.add(listener);
    this.changeListeners.set(name, listeners);
  }

  /** Resolves once every named read model has applied the log up to `position`. */
  async waitFor(names: readonly string[], position: Position, timeoutMs: number): Promise<void> {
    if (this.refusedOf(names).length > 0) {
      await this.refresh().catch(() => undefined); // a rebuild in another process may have lifted it
      const refused = this.refusedOf(names);
      if (refused.length > 0) throw new ProjectionRefused(refused);
    }
    if (this.reached(names, position)) return;
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        names,
        position,
        resolve: () => {
          clearTimeout(timer);
          this.remove(waiter);
          resolve();
        },
        reject: (err) => {
          clearTimeout(timer);
          this.remove(waiter);
          reject(err);
        },
      };
      const timer = setTimeout(() => {
        this.remove(waiter);
        reject(new ProjectionTimeout());
      }, timeoutMs);
      this.waiters.add(waiter);
      this.pollTimer ??= setInterval(() => void this.refresh().catch(() => undefined), this.pollIntervalMs);
    });
  }

  private remove(waiter: Waiter): void {
    this.waiters.delete(waiter);
    if (this.waiters.size === 0) {
      clearInterval(this.pollTimer);
      this.pollTimer = undefined;
    }
  }

  private reached(names: readonly string[], position: Position): boolean {
    return names.every((name) => !this.refusals.has(name) && (this.known.get(name) ?? '') >= position);
  }

  private refusedOf(names: readonly string[]): string[] {
    return names.filter((name) => this.refusals.has(name));
  }

  private async refresh(): Promise<void> {
    for (const [name, row] of await readCheckpointRows(this.db)) {
      if (row.refused) this.refuse(name, row.refused);
      else this.resume(name, row.position);
    }
  }
}
