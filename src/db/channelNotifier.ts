import pg from 'pg';

export interface Logger {
  warn(obj: object, msg?: string): void;
}

/**
 * One dedicated connection LISTENing on a channel, shared by every subscriber of the store.
 * A generation counter closes the gap between "read found nothing" and "start waiting":
 * a waiter that passes the generation it saw before reading returns at once if a
 * notification arrived meanwhile.
 */
export class ChannelNotifier {
  private client: pg.Client | undefined;
  private generation = 0;
  private waiters = new Set<() => void>();
  private listeners = new Set<(payload: string) => void>();
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly connectionString: string,
    private readonly channel: string,
    private readonly logger?: Logger,
  ) {}

  get currentGeneration(): number {
    return this.generation;
  }

  async start(): Promise<void> {
    await this.connect();
  }

  /** Resolves on the next notification after `seenGeneration`, on timeout, or on abort. */
  wait(seenGeneration: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.generation !== seenGeneration || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Calls `listener` with every notification's payload; returns the unsubscribe function. */
  onPayload(listener: (payload: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    this.wakeAll();
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString });
    client.on('notification', (message) => {
      for (const listener of this.listeners) listener(message.payload ?? '');
      this.wakeAll();
    });
    client.on('error', (err) => this.reconnectLater(client, err));
    client.on('end', () => this.reconnectLater(client));
    await client.connect();
    await client.query(`LISTEN ${pg.escapeIdentifier(this.channel)}`);
    this.client = client;
    // Anything committed while we were not listening is found by the next read.
    this.wakeAll();
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

  /** Wakes this process's waiters without a round trip through PostgreSQL. */
  wakeLocal(): void {
    this.wakeAll();
  }

  private wakeAll(): void {
    this.generation++;
    for (const wake of [...this.waiters]) wake();
  }
}
