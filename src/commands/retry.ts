import { setTimeout as sleep } from 'node:timers/promises';

/**
 * How a command answers a concurrent write to its stream (WrongExpectedVersion): re-read,
 * decide again and append, up to `retries` more times, pausing a little longer each time
 * (exponential backoff with full jitter, so writers that collided do not collide again in
 * step). After the last attempt the caller gets 409 Conflict. Retrying is safe only for
 * commands whose decision depends on their stream alone, which is true of every decider here.
 */
export interface RetryPolicy {
  retries: number;
  /** Ceiling of the first pause; each later one doubles it, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const RETRY = {
  /** A stream named by a freshly allocated id: a conflict is a bug, not a race to wait out. */
  none: { retries: 0, baseDelayMs: 0, maxDelayMs: 0 },
  /** One writer edits its own stream; two requests from the same user may rarely cross. */
  few: { retries: 2, baseDelayMs: 5, maxDelayMs: 50 },
  /** Many writers share one stream (a burst of AI generations against one day's quota). */
  contended: { retries: 50, baseDelayMs: 2, maxDelayMs: 100 },
} as const satisfies Record<string, RetryPolicy>;

/** The pauses' source of time and chance; tests pass their own to see them without waiting. */
export interface Backoff {
  sleep(ms: number): Promise<void>;
  /** In [0, 1). */
  random(): number;
}

export const realBackoff: Backoff = { sleep: (ms) => sleep(ms), random: Math.random };

/** The pause before retry `retry` (0 for the first): uniform in [0, min(max, base · 2^retry)). */
export function backoffDelayMs(policy: RetryPolicy, retry: number, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}
