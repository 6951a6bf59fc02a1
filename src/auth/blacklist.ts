import type { Cache } from '../cache/cache.js';
import { ServiceUnavailable } from '../domain/errors.js';

/** Refresh-token ids that may no longer be used (rotated or logged out). */
export interface TokenBlacklist {
  /** True for the one caller that blacklisted the id; false when it already was. */
  add(jti: string, ttlS: number): Promise<boolean>;
  has(jti: string): Promise<boolean>;
}

const UNAVAILABLE = 'The token service is temporarily unavailable. Try again shortly.';

/**
 * Entries live only as long as the token could still be used, so the blacklist never needs sweeping.
 * An unreachable cache fails closed (503): answering "not blacklisted" would revive logged-out tokens.
 */
export function cacheBlacklist(cache: Cache, keyPrefix = 'token_blacklist:'): TokenBlacklist {
  const keyOf = (jti: string): string => `${keyPrefix}${jti}`;
  const unavailable = (): never => {
    throw new ServiceUnavailable(UNAVAILABLE);
  };
  return {
    add: (jti, ttlS) => cache.setIfAbsent(keyOf(jti), '1', ttlS).catch(unavailable),
    has: async (jti) => (await cache.get(keyOf(jti)).catch(unavailable)) !== null,
  };
}
