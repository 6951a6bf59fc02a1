import { ServiceUnavailable } from '../domain/errors.js';

export interface HashingPool {
  /**
   * Runs a password hash or check when a slot is free, waits in a short queue otherwise, and
   * refuses at once (503, Retry-After) when the queue is full, or when `client` (an address)
   * already holds its share: a flood from one address cannot take every slot.
   */
  run<T>(client: string, task: () => Promise<T>): Promise<T>;
  /** Takes a place now (or refuses at once, as `run` does) for a task started later; release it if unused. */
  reserve(client: string): HashingSlot;
  /** Hashes and checks running or waiting now (for tests and metrics). */
  readonly load: number;
}

export interface HashingSlot {
  /** Runs the task in this place (waiting for a running slot if need be); the place is freed after. */
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Frees the place without running anything (a no-op once `run` was called). */
  release(): void;
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
  const waiting: Array<{ client: string; start: () => void }> = [];
  const byClient = new Map<string, number>();
  const runningByClient = new Map<string, number>();
  let running = 0;
  let admitted = 0;

  const count = (counts: Map<string, number>, client: string, delta: number): void => {
    const n = (counts.get(client) ?? 0) + delta;
    if (n === 0) counts.delete(client);
    else counts.set(client, n);
  };
  const start = (next: { client: string; start: () => void }): void => {
    count(runningByClient, next.client, 1);
    next.start();
  };
  // A freed slot goes first to another client with nothing running (round robin over addresses),
  // so one address's queue does not delay another's.
  const nextIndex = (released: string): number => {
    const idle = (w: { client: string }) => !runningByClient.has(w.client);
    const other = waiting.findIndex((w) => w.client !== released && idle(w));
    return other !== -1 ? other : Math.max(0, waiting.findIndex(idle));
  };
  const unreserve = (client: string): void => {
    admitted -= 1;
    count(byClient, client, -1);
  };
  const finish = (client: string): void => {
    unreserve(client);
    count(runningByClient, client, -1);
    const [next] = waiting.splice(nextIndex(client), 1);
    if (next) start(next);
    else running -= 1;
  };

  function reserve(client: string): HashingSlot {
    if (admitted >= slots || (byClient.get(client) ?? 0) >= perClient) throw new ServiceUnavailable(HASHING_BUSY, 1);
    admitted += 1;
    count(byClient, client, 1);
    let used = false;
    return {
      async run(task) {
        used = true;
        if (running < concurrency) {
          running += 1;
          start({ client, start: () => undefined });
        } else await new Promise<void>((resolve) => waiting.push({ client, start: resolve }));
        try {
          return await task();
        } finally {
          finish(client);
        }
      },
      release() {
        if (!used) unreserve(client);
        used = true;
      },
    };
  }

  return {
    get load() {
      return admitted;
    },
    reserve,
    run: async (client, task) => reserve(client).run(task),
  };
}
