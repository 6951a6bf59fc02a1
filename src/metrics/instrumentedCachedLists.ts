import type { CachedLists, CacheStatus } from '../cache/cachedList.js';
import type { Metrics } from './metrics.js';

type Child = ReturnType<Metrics['cacheLookups']['labels']>;

/** The same lists, counting each read by the outcome the cached list decided (hit, miss, bypass). */
export function instrumentCachedLists(lists: CachedLists, metrics: Metrics): CachedLists {
  const counters = new Map<string, Record<CacheStatus, Child>>();
  const countersOf = (list: string): Record<CacheStatus, Child> => {
    let found = counters.get(list);
    if (!found) {
      const child = (outcome: string) => metrics.cacheLookups.labels({ list, outcome });
      found = { HIT: child('hit'), MISS: child('miss'), BYPASS: child('bypass') };
      counters.set(list, found);
    }
    return found;
  };
  return {
    kind: lists.kind,
    async read(key, load) {
      const read = await lists.read(key, load);
      countersOf(key)[read.status].inc();
      return read;
    },
    // Only a HIT is decided here: a miss or a failure goes on to `read`, which counts it.
    async peek(key) {
      const stored = await lists.peek(key);
      if (stored !== null) countersOf(key).HIT.inc();
      return stored;
    },
    invalidate: (keys) => lists.invalidate(keys),
  };
}
