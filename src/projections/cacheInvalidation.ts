import type { Knex } from 'knex';
import type { CachedLists } from '../cache/cachedList.js';
import type { RecordedEvent } from '../eventstore/port.js';

/** Placeholder: replaced by the after-commit hook that drops cached public lists a batch changed. */
export function invalidateCachedLists(_db: Knex, _lists: CachedLists): (projection: string, events: readonly RecordedEvent[]) => Promise<void> {
  return async () => undefined;
}
