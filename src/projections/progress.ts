import type { Knex } from 'knex';
import type { Position } from '../eventstore/port.js';
import { ServiceUnavailable } from '../domain/errors.js';
import { ChannelNotifier, type Logger } from '../db/channelNotifier.js';
import { CHANGED_MARK, CHECKPOINT_CHANNEL, readCheckpoints } from './checkpoints.js';

export class ProjectionTimeout extends ServiceUnavailable {
  constructor() {
    super('Your change was saved, but it is not visible yet: the read models are catching up. Retry the read in a moment.', 1);
  }
}

interface Waiter {
  names: readonly string[];
  position: Position;
  resolve(): void;
}

/**
 * Read-your-writes: knows how far every read model got, whichever process moved it.
 * Local projectors report directly; other processes' progress arrives by LISTEN/NOTIFY,
 * with a slow re-read of the table while someone waits, in case a notification was missed.
 */
export class ProjectionProgress {
  private readonly known = new Map<string, Position>();
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
      const changed = payload.startsWith(CHANGED_MARK);
      const announcement = changed ? payload.slice(CHANGED_MARK.length) : payload;
      const split = announcement.lastIndexOf('|');
      if (split <= 0) return;
      const name = announcement.slice(0, split);
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
    return names.every((name) => (this.known.get(name) ?? '') >= position);
  }

  private async refresh(): Promise<void> {
    for (const [name, position] of await readCheckpoints(this.db)) this.report(name, position);
  }
}
