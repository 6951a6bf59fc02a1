import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Cache } from '../cache/cache.js';
import { Throttled } from '../domain/errors.js';

export interface Throttle {
  /** Counts an attempt; throws Throttled once the window holds more than `limit` attempts. */
  hit(key: string): Promise<void>;
  /** Throws Throttled when the window's `limit` attempts are used up, without counting this one. */
  check(key: string): Promise<void>;
  /** Forgets the key's attempts (e.g. after a successful login). */
  reset(key: string): Promise<void>;
}

export interface ThrottleOptions {
  /** Attempts allowed per window. */
  limit: number;
  windowS: number;
  /** Names the throttle in the cache, e.g. `throttle:login:user`. */
  keyPrefix: string;
  logger: Pick<Logger, 'warn' | 'info'>;
}

/** Keys come from the request (usernames, IPs); long ones are hashed so a client cannot park megabytes in Redis. */
const MAX_RAW_KEY_LENGTH = 64;

/**
 * Fixed-window counters on the shared cache. When the cache is unreachable the throttle FAILS OPEN:
 * during a Redis outage, people must still be able to log in, and brute force stays slow anyway
 * because every guess costs a full bcrypt comparison. Failing closed would turn a cache outage
 * into a login outage. The outage is logged once, and once more when counting works again.
 */
export function createThrottle(cache: Cache, options: ThrottleOptions): Throttle {
  const { limit, windowS, keyPrefix, logger } = options;
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`throttle limit must be a positive integer (got ${limit})`);
  if (!Number.isSafeInteger(windowS) || windowS < 1) throw new RangeError(`throttle window must be a positive whole number of seconds (got ${windowS})`);
  const orAllow = failOpen(logger, keyPrefix);
  const cacheKey = (key: string): string =>
    `${keyPrefix}:${key.length <= MAX_RAW_KEY_LENGTH ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`}`;

  async function throttledFor(key: string): Promise<Throttled> {
    const ttlS = (await orAllow(() => cache.ttl(key))) ?? windowS;
    // -2 means the window ended between the two calls; the client may retry at once, but Retry-After is at least 1.
    return new Throttled(ttlS > 0 ? Math.ceil(ttlS) : 1);
  }

  return {
    async hit(key) {
      const k = cacheKey(key);
      const count = await orAllow(() => cache.incrWithTtl(k, windowS));
      if (count !== undefined && count > limit) throw await throttledFor(k);
    },
    async check(key) {
      const k = cacheKey(key);
      const count = await orAllow(() => cache.get(k));
      if (count != null && Number(count) >= limit) throw await throttledFor(k);
    },
    async reset(key) {
      await orAllow(() => cache.del(cacheKey(key)));
    },
  };
}

/** Wraps cache calls so a failure answers undefined (allow); logs the outage once and the recovery once. */
function failOpen(logger: ThrottleOptions['logger'], throttle: string): <T>(call: () => Promise<T>) => Promise<T | undefined> {
  let failing = false;
  return async (call) => {
    try {
      const result = await call();
      if (failing) logger.info({ throttle }, 'throttle store reachable again: throttling resumed');
      failing = false;
      return result;
    } catch (err) {
      if (!failing) logger.warn({ err, throttle }, 'throttle store unreachable: allowing requests unthrottled (fail open)');
      failing = true;
      return undefined;
    }
  };
}
