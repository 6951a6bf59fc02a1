import { ServiceUnavailable } from '../domain/errors.js';

export interface HashingPool {
  /**
   * Runs a password hash or check when a slot is free, waits in a short queue otherwise, and
   * refuses at once (503, Retry-After) when the queue is full, or when `client` (an address)
   * already holds its share: a flood from one address cannot take every slot.
   */
  run<T>(client: string, task: () => Promise<T>): Promise<T>;
  /** Hashes and checks running or waiting now (for tests and metrics). */
  readonly load: number;
}

export interface HashingPoolOptions {
  /** Hashes run at once: each holds a libuv thread-pool thread (and a core) for the bcrypt cost. */
  concurrency: number;
  /** Hashes that may wait for a slot; beyond that the request is answered 503 without waiting. */
  queue: number;
}

export const HASHING_BUSY = 'Too many password checks are running right now. Retry in a moment.';

/**
 * Bounded concurrency for the expensive part of logins, registrations and hash upgrades, so a
 * burst is answered 503 at once instead of queueing for tens of seconds on libuv's thread pool
 * (where it would also delay every other user's file and DNS work).
 */
export function hashingPool({ concurrency, queue }: HashingPoolOptions): HashingPool {
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) throw new RangeError(`hashing concurrency must be a positive integer (got ${concurrency})`);
  if (!Number.isSafeInteger(queue) || queue < 0) throw new RangeError(`hashing queue must be a whole number (got ${queue})`);
  const slots = concurrency + queue;
  const perClient = Math.ceil(slots / 2);
  const waiting: Array<() => void> = [];
  const byClient = new Map<string, number>();
  let running = 0;
  let admitted = 0;

  const release = (client: string): void => {
    admitted -= 1;
    const held = (byClient.get(client) ?? 1) - 1;
    if (held === 0) byClient.delete(client);
    else byClient.set(client, held);
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  };

  return {
    get load() {
      return admitted;
    },
    async run(client, task) {
      const held = byClient.get(client) ?? 0;
      if (admitted >= slots || held >= perClient) throw new ServiceUnavailable(HASHING_BUSY, 1);
      admitted += 1;
      byClient.set(client, held + 1);
      if (running < concurrency) running += 1;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await task();
      } finally {
        release(client);
      }
    },
  };
}
