import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Cache } from './cache.js';
import { MemoryCache } from './memoryCache.js';
import { connectRedisCache } from './redisCache.js';

/** `keyPrefix` namespaces every key (REDIS_KEY_PREFIX), e.g. for several deployments or test runs sharing one Redis. */
export async function createCache(redis: Config['redis'], logger: Logger, keyPrefix = ''): Promise<Cache> {
  if (redis.kind === 'url') return connectRedisCache(redis.url, logger, keyPrefix);
  logger.debug('No REDIS_URL/REDIS_HOST set: using the in-process cache (per process; not shared between instances)');
  return new MemoryCache();
}
