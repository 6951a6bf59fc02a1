import pg from 'pg';

export interface Logger {
  warn(obj: object, msg?: string): void;
}

interface Waiter {
  seen: number;
  filter: ReadonlySet<string> | undefined;
  done(): void;
}

/**
 * One dedicated connection LISTENing on a channel, shared by every subscriber of the store.
 * A generation counter closes the gap between "read found nothing" and "start waiting":
 * a waiter that passes the generation it saw before reading returns at once if a
 * notification arrived meanwhile.
 *
 * A wake may name topics (the event types just appended); a waiter with a filter wakes only
 * for its topics or for a wake that names none. That keeps a read model that handles none
 * of the new events from re-reading the log on every append.
 */
export class ChannelNotifier {
  private client: pg.Client | undefined;
  private generation = 0;
  private lastUntopicalWake = 0;
  private readonly lastWakeByTopic = new Map<string, number>();
  private waiters = new Set<Waiter>();
  private listeners = new Set<(payload: string) => void>();
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly connectionString: string,
    private readonly channel: string,
    private readonly logger?: Logger,
    /** Topics a notification's payload names; undefined wakes everyone. */
    private readonly topicsOf: (payload: string) => readonly string[] | undefined = () => undefined,
  ) {}

  get currentGeneration(): number {
    return this.generation;
  }

  async start(): Promise<void> {
    await this.connect();
  }

  /**
   * Resolves on the next wake after `seenGeneration` that concerns `topics` (any wake when
   * none are given), on timeout, or on abort.
   */
  wait(seenGeneration: number, timeoutMs: number, signal?: AbortSignal, topics?: ReadonlySet<string>): Promise<void> {
    if (this.changedSince(seenGeneration, topics) || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter: Waiter = {
        seen: seenGeneration,
        filter: topics,
        done: () => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          signal?.removeEventListener('abort', waiter.done);
          resolve();
        },
      };
      const timer = setTimeout(waiter.done, timeoutMs);
      this.waiters.add(waiter);
      signal?.addEventListener('abort', waiter.done, { once: true });
    });
  }

  private changedSince(seen: number, topics: ReadonlySet<string> | undefined): boolean {
    if (!topics || this.lastUntopicalWake > seen) return this.generation > seen;
    for (const topic of topics) if ((this.lastWakeByTopic.get(topic) ?? 0) > seen) return true;
    return false;
  }

  /** Calls `listener` with every notification's payload; returns the unsubscribe function. */
  onPayload(listener: (payload: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    this.wake();
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString });
    client.on('notification', (message) => {
      const payload = message.payload ?? '';
      for (const listener of this.listeners) listener(payload);
      this.wake(this.topicsOf(payload));
    });
    client.on('error', (err) => this.reconnectLater(client, err));
    client.on('end', () => this.reconnectLater(client));
    await client.connect();
    await client.query(`LISTEN ${pg.escapeIdentifier(this.channel)}`);
    this.client = client;
    // Anything committed while we were not listening is found by the next read.
    this.wake();
  }

  private reconnectLater(client: pg.Client, err?: Error): void {
    if (this.closed || this.client !== client) return;
    this.client = undefined;
    this.logger?.warn({ err: err?.message, channel: this.channel }, 'LISTEN connection lost; subscribers fall back to polling until it is back');
    const retry = () => {
      if (this.closed) return;
      this.connect().catch(() => {
        this.reconnectTimer = setTimeout(retry, 1000);
      });
    };
    this.reconnectTimer = setTimeout(retry, 100);
  }

  /** Wakes this process's waiters (those interested in `topics`) without a round trip through PostgreSQL. */
  wake(topics?: readonly string[]): void {
    this.generation++;
    if (topics) for (const topic of topics) this.lastWakeByTopic.set(topic, this.generation);
    else this.lastUntopicalWake = this.generation;
    for (const waiter of [...this.waiters]) if (this.changedSince(waiter.seen, waiter.filter)) waiter.done();
  }

}
