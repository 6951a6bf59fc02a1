import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Cache } from '../cache/cache.js';
import { RedisCache } from '../cache/redisCache.js';
import { Throttled } from '../domain/errors.js';

export interface Throttle {
  /**
   * Counts one attempt for `key`, then decides: throws Throttled once the window holds more than
   * `limit`. Counting comes first and is atomic (one Redis script), so N concurrent attempts are
   * never all let through: exactly `limit` of a burst pass.
   */
  consume(key: string): Promise<void>;
  /** Gives one attempt back: it was not a failure (a right password), or it was never carried out. */
  refund(key: string): Promise<void>;
}

/** Where the counts live: the shared Redis (every instance sees them), or this process. */
export type ThrottleStore = { kind: 'redis'; client: Redis } | { kind: 'memory' };

/** Counts go where the cache is: Redis when configured (REDIS_URL), this process otherwise. */
export const throttleStoreOf = (cache: Cache): ThrottleStore =>
  cache instanceof RedisCache ? { kind: 'redis', client: cache.client } : { kind: 'memory' };

export interface ThrottleOptions {
  /** Attempts allowed per window. */
  limit: number;
  windowS: number;
  /** Names the throttle in the store, e.g. `throttle:login:pair`. */
  keyPrefix: string;
  logger: Pick<Logger, 'warn' | 'info'>;
}

/** Keys come from the request (usernames, IPs); long ones are hashed so a client cannot park megabytes in Redis. */
const MAX_RAW_KEY_LENGTH = 64;

/**
 * Fixed-window counters from rate-limiter-flexible. While Redis is unreachable the counts fall
 * back to this process's memory, so guessing stays bounded per instance and people can still
 * log in: a cache outage neither opens the door nor becomes a login outage. The outage is
 * logged once, and once more when Redis counts again.
 */
export function createThrottle(store: ThrottleStore, options: ThrottleOptions): Throttle {
  const { limit, windowS, keyPrefix, logger } = options;
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`throttle limit must be a positive integer (got ${limit})`);
  if (!Number.isSafeInteger(windowS) || windowS < 1) throw new RangeError(`throttle window must be a positive whole number of seconds (got ${windowS})`);
  const settings = { points: limit, duration: windowS, keyPrefix };
  const memory = new RateLimiterMemory(settings);
  const primary: RateLimiterAbstract =
    store.kind === 'redis' ? new RateLimiterRedis({ ...settings, storeClient: store.client, rejectIfRedisNotReady: true }) : memory;
  const withFallback = fallBackToMemory(logger, keyPrefix);
  const storeKey = (key: string): string =>
    key.length <= MAX_RAW_KEY_LENGTH ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`;

  return {
    async consume(key) {
      try {
        await withFallback((limiter) => limiter.consume(storeKey(key)), primary, memory);
      } catch (refused) {
        if (!(refused instanceof RateLimiterRes)) throw refused;
        throw new Throttled(Math.max(1, Math.ceil(refused.msBeforeNext / 1000)));
      }
    },
    async refund(key) {
      await withFallback((limiter) => limiter.reward(storeKey(key)), primary, memory);
    },
  };
}

/**
 * Runs a limiter call on the primary store; when the store itself fails (not a refusal), runs it
 * on the in-memory limiter instead. Logs the outage once and the recovery once.
 */
function fallBackToMemory(logger: ThrottleOptions['logger'], throttle: string) {
  let failing = false;
  return async <T>(call: (limiter: RateLimiterAbstract) => Promise<T>, primary: RateLimiterAbstract, memory: RateLimiterMemory): Promise<T> => {
    if (primary === memory) return call(memory);
    try {
      const result = await call(primary);
      if (failing) logger.info({ throttle }, 'throttle store reachable again: counting in Redis again');
      failing = false;
      return result;
    } catch (err) {
      if (err instanceof RateLimiterRes) {
        failing = false;
        throw err;
      }
      if (!failing) logger.warn({ err, throttle }, 'throttle store unreachable: counting in this process until it is back');
      failing = true;
      return call(memory);
    }
  };
}
