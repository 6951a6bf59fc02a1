import type { Logger } from '../logger.js';
import type { Cache } from './cache.js';

/** Placeholder: replaced by the cached-list module (HIT/MISS/BYPASS, single-flight, invalidation). */
export interface CachedLists {
  invalidate(keys: readonly string[]): Promise<void>;
}

export function createCachedLists(_cache: Cache, _logger: Logger): CachedLists {
  return { invalidate: async () => undefined };
}
