import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../logger.js';
import { AiProviderError, type ProviderName } from './provider.js';

export interface RetryOptions {
  /** Per attempt, covering the whole answer (headers and body). */
  timeoutMs: number;
  /** Pause before the one retry. */
  retryDelayMs: number;
  /** The caller's cancellation: stops at once, never retried. */
  signal?: AbortSignal;
  logger: Logger;
  context: { provider: ProviderName; model: string };
}

const MAX_ATTEMPTS = 2;
const CANCELLED = 'cancelled by the caller';

/**
 * Runs `attempt` with a timeout and exactly one retry when it fails with a 5xx or a timeout.
 * `attempt` must turn its own failures into `AiProviderError`s; anything else is a bug and
 * becomes a non-retryable one.
 */
export async function withRetry(attempt: (signal: AbortSignal) => Promise<string>, options: RetryOptions): Promise<string> {
  for (let n = 1; ; n++) {
    try {
      return await attemptWithTimeout(attempt, options);
    } catch (err) {
      const failure = err instanceof AiProviderError ? err : new AiProviderError(`unexpected ${errorName(err)}`);
      const willRetry = failure.retryable && n < MAX_ATTEMPTS;
      const level = willRetry ? 'warn' : failure.reason === CANCELLED ? 'info' : 'error';
      options.logger[level]({ ...options.context, reason: failure.reason, attempt: n, willRetry }, 'AI provider call failed');
      if (!willRetry) throw failure;
      await pauseBeforeRetry(options);
    }
  }
}

async function attemptWithTimeout(
  attempt: (signal: AbortSignal) => Promise<string>,
  { timeoutMs, signal }: RetryOptions,
): Promise<string> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  try {
    return await attempt(combined);
  } catch (err) {
    // The SDKs report both aborts as their own abort errors; our signals say which one it was.
    if (signal?.aborted) throw new AiProviderError(CANCELLED);
    if (timeout.aborted) throw new AiProviderError(`timeout after ${timeoutMs} ms`, true);
    throw err;
  }
}

async function pauseBeforeRetry({ retryDelayMs, signal }: RetryOptions): Promise<void> {
  try {
    await sleep(retryDelayMs, undefined, { signal });
  } catch {
    throw new AiProviderError(CANCELLED);
  }
}

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}
